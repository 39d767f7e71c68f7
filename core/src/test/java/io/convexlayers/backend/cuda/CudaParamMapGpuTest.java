// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import org.junit.jupiter.api.Tag;

/** {@link CudaParamMapTest} on the GPU. */
@Tag("gpu")
class CudaParamMapGpuTest extends CudaParamMapTest {
    @Override
    Device device() {
        return Gpu.require();
    }
}
