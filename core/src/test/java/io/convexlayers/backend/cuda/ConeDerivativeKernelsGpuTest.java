// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import org.junit.jupiter.api.Tag;

/** {@link ConeDerivativeKernelsTest} on the GPU (against the CPU ConeDerivative and differences). */
@Tag("gpu")
class ConeDerivativeKernelsGpuTest extends ConeDerivativeKernelsTest {
    @Override
    Device device() {
        return Gpu.require();
    }
}
