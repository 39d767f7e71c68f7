// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import org.junit.jupiter.api.Tag;

/** {@link DeviceDataKernelsTest} on the GPU: the real kernels give the host's bits too. */
@Tag("gpu")
class DeviceDataKernelsGpuTest extends DeviceDataKernelsTest {
    @Override
    Device device() {
        return Gpu.require();
    }
}
