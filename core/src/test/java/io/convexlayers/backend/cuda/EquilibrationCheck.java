// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.data.ConeDims;
import io.convexlayers.data.CscMatrix;
import io.convexlayers.data.SparsePattern;
import io.convexlayers.solver.hsde.Equilibration;

import java.util.Random;

/**
 * {@link DeviceEquilibration} against the host's {@link Equilibration#scaleMatrices} on the same
 * per-lane data (P with off-diagonal entries, SOC rows that must share a factor, values spread over six
 * orders of magnitude so that the clamps act): returns the largest relative difference over the scaled
 * values and both factors. The emulated device must give 0; a GPU, the same bits too.
 */
final class EquilibrationCheck {
    static final ConeDims CONES = ConeDims.builder().zero(2).nonneg(5).soc(4, 3).build();

    private EquilibrationCheck() {
    }

    static double maxRelativeDifference(Device dev, int n, int lanes, long seed, boolean enabled) {
        Random rnd = new Random(seed);
        int m = CONES.rows();
        double[][] dense = CudaTestProblems.gaussian(m, n, rnd);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                if (rnd.nextDouble() < 0.3) {
                    dense[i][j] = 0;
                }
            }
        }
        SparsePattern a = CscMatrix.fromDense("A", dense).pattern();
        double[][] sym = new double[n][n];
        for (int i = 0; i < n; i++) {
            sym[i][i] = 1 + rnd.nextDouble();
            if (i + 2 < n) {
                sym[i][i + 2] = sym[i + 2][i] = 0.3;
            }
        }
        SparsePattern p = CscMatrix.upperTriangleOf("P", sym).pattern();
        double[] av = new double[a.nnz() * lanes];
        for (int k = 0; k < av.length; k++) {
            av[k] = rnd.nextGaussian() * Math.pow(10, rnd.nextInt(7) - 3);
        }
        double[] pv = new double[p.nnz() * lanes];
        for (int k = 0; k < pv.length; k++) {
            pv[k] = (1 + rnd.nextDouble()) * Math.pow(10, rnd.nextInt(5) - 2);
        }
        double[] aHost = av.clone();
        double[] pHost = pv.clone();
        Equilibration.Factors want = Equilibration.scaleMatrices(a, aHost, p, pHost, CONES, lanes, enabled);
        try (BufferPool.Lease lease = new BufferPool.Lease(new BufferPool(dev))) {
            DeviceMatrices mat = new DeviceMatrices(lease, a, av, p, pv, false, lanes);
            DeviceBuffer d = lease.doubles(m * lanes);
            DeviceBuffer e = lease.doubles(n * lanes);
            new DeviceEquilibration(lease, mat, CONES).run(enabled, d, e);
            double worst = 0;
            worst = Math.max(worst, diff(want.d(), read(dev, d, m * lanes)));
            worst = Math.max(worst, diff(want.e(), read(dev, e, n * lanes)));
            worst = Math.max(worst, diff(aHost, read(dev, mat.aVals, av.length)));
            worst = Math.max(worst, diff(pHost, read(dev, mat.pVals, pv.length)));
            return worst;
        }
    }

    private static double[] read(Device dev, DeviceBuffer b, int count) {
        double[] h = new double[count];
        dev.download(b.ptr(), h, 0, count);
        return h;
    }

    private static double diff(double[] want, double[] got) {
        double worst = 0;
        for (int k = 0; k < want.length; k++) {
            double scale = Math.max(Math.abs(want[k]), Double.MIN_NORMAL);
            worst = Math.max(worst, want[k] == got[k] ? 0 : Math.abs(want[k] - got[k]) / scale);
        }
        return worst;
    }
}
