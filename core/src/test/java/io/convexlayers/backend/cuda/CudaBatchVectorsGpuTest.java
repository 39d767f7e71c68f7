// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import org.junit.jupiter.api.Tag;

/** {@link CudaBatchVectorsTest} on the GPU. */
@Tag("gpu")
class CudaBatchVectorsGpuTest extends CudaBatchVectorsTest {
    @Override
    Device device() {
        return Gpu.require();
    }
}
