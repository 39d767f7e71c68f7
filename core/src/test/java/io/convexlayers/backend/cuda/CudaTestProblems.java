// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.data.ConeDims;
import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.CscMatrix;

import java.util.Random;

/**
 * Random cone programs with planted solutions (DESIGN §8): x* normal, z normal, s* = Π_K(z),
 * y* = s* − z (so y* ∈ K*, s*ᵀy* = 0), b = Ax* + s*, c = −Aᵀy*; the optimal value is cᵀx*.
 * Projections use the kernels' twins.
 */
final class CudaTestProblems {
    /** Zero, nonnegative and second-order cones (what the CPU backend projects on this branch). */
    static final ConeDims SOC_CONES = ConeDims.builder().zero(2).nonneg(3).soc(4, 3).build();
    /** Every cone family. */
    static final ConeDims ALL_CONES = ConeDims.builder().zero(1).nonneg(2).soc(3).psd(3, 2).exp(2).dualExp(1)
            .power(0.3, -0.6).build();

    /** A batch and its planted optimal values. */
    record Planted(BatchConeProgram batch, double[] optimum) {
    }

    private CudaTestProblems() {
    }

    static Planted planted(ConeDims cones, int n, int batchSize, long seed, boolean sharedA) {
        Random rnd = new Random(seed);
        int m = cones.rows();
        double[][] aShared = gaussian(m, n, rnd);
        double[][] aVals = new double[batchSize][];
        double[][] bs = new double[batchSize][];
        double[][] cs = new double[batchSize][];
        double[] opt = new double[batchSize];
        CscMatrix pattern = CscMatrix.fromDense("A", aShared);
        for (int k = 0; k < batchSize; k++) {
            double[][] a = sharedA ? aShared : gaussian(m, n, rnd);
            aVals[k] = CscMatrix.fromDense("A", a).values();
            double[] x = new double[n];
            for (int j = 0; j < n; j++) {
                x[j] = rnd.nextGaussian();
            }
            double[] z = new double[m];
            for (int i = 0; i < m; i++) {
                z[i] = rnd.nextGaussian();
            }
            double[] s = projectPrimal(cones, z);
            double[] y = new double[m];
            for (int i = 0; i < m; i++) {
                y[i] = s[i] - z[i];
            }
            double[] b = new double[m];
            double[] c = new double[n];
            for (int i = 0; i < m; i++) {
                double acc = s[i];
                for (int j = 0; j < n; j++) {
                    acc += a[i][j] * x[j];
                    c[j] -= a[i][j] * y[i];
                }
                b[i] = acc;
            }
            double o = 0;
            for (int j = 0; j < n; j++) {
                o += c[j] * x[j];
            }
            bs[k] = b;
            cs[k] = c;
            opt[k] = o;
        }
        BatchArray av = sharedA ? BatchArray.shared(pattern.values(), batchSize) : BatchArray.perInstance(aVals);
        return new Planted(new BatchConeProgram(null, null, pattern.pattern(), av, BatchArray.perInstance(bs),
                BatchArray.perInstance(cs), cones), opt);
    }

    /** Π_K(z) for one instance, by the projection twins. */
    static double[] projectPrimal(ConeDims cones, double[] z) {
        return project(cones, z, true);
    }

    /** Π_K*(z) for one instance, by the projection twins. */
    static double[] projectDual(ConeDims cones, double[] z) {
        return project(cones, z, false);
    }

    private static double[] project(ConeDims cones, double[] z, boolean primal) {
        EmulatedDevice dev = new EmulatedDevice(1L << 28);
        try (BufferPool.Lease lease = new BufferPool.Lease(new BufferPool(dev))) {
            DeviceCones ops = new DeviceCones(lease, cones, 1);
            DeviceVector v = lease.vector(z.length, 1);
            dev.upload(z, 0, v.ptr(), z.length);
            ops.project(v, 0, primal);
            double[] out = new double[z.length];
            dev.download(v.ptr(), out, 0, z.length);
            return out;
        }
    }

    static double[][] gaussian(int m, int n, Random rnd) {
        double[][] g = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                g[i][j] = rnd.nextGaussian();
            }
        }
        return g;
    }
}
