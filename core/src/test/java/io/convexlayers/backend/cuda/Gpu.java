// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import org.junit.jupiter.api.Assumptions;

/** The GPU for the "gpu" tests, or a visible skip saying why there is none. */
final class Gpu {
    private Gpu() {
    }

    /** Skips the calling test (with the probe's reason) unless a usable CUDA device is present. */
    static JCudaDevice require() {
        CudaProbe.Result r = CudaProbe.get();
        Assumptions.assumeTrue(r.available(), () -> "no usable CUDA device: " + r.reason());
        r.device().makeCurrent();
        return r.device();
    }
}
