// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.solver.hsde.Equilibration;

/**
 * b̂ = σDb and ĉ = σEc on the device, σ per lane from the sizes of Db and Ec: the steps of
 * {@link Equilibration#scaleVectors} in its order (the products, then σ, then the σ products), each
 * product rounded on its own, so that both give the same bits.
 */
final class DeviceScaling {
    private DeviceScaling() {
    }

    /**
     * Scales {@code b} (m × lanes) and {@code c} (n × lanes) in place by D and E (same shapes) and σ,
     * and writes σ (one per lane) into {@code sigma}.
     */
    static void scaleVectors(Device dev, int lanes, int m, int n, DeviceBuffer b, DeviceBuffer c, DeviceBuffer d,
                             DeviceBuffer e, DeviceBuffer sigma) {
        int ml = m * lanes;
        int nl = n * lanes;
        if (ml > 0) {
            dev.launch(CudaKernel.MUL_ROWS, ml, ml, b, d);
        }
        if (nl > 0) {
            dev.launch(CudaKernel.MUL_ROWS, nl, nl, c, e);
        }
        dev.launch(CudaKernel.LANE_SIGMA, lanes * LaunchGeometry.WARP, lanes, m, n, b, c, Equilibration.MIN_NORM,
                Equilibration.MAX_SIGMA_NORM, sigma);
        if (ml > 0) {
            dev.launch(CudaKernel.LANE_SCALE, ml, ml, lanes, b, sigma);
        }
        if (nl > 0) {
            dev.launch(CudaKernel.LANE_SCALE, nl, nl, lanes, c, sigma);
        }
    }
}
