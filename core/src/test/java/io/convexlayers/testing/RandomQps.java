// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.testing;

import io.convexlayers.data.ConeDims;
import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.data.CscMatrix;

import java.util.Random;

/**
 * Random feasible inequality-constrained QPs, minimize ½xᵀPx + qᵀx s.t. Gx ≤ h, in the form of the
 * "small QPs" workload of PERFORMANCE.md: P = MMᵀ + 0.1·I, G normal, h = G·z₀ + s₀ with s₀ ∈ [0,1].
 */
public final class RandomQps {
    private RandomQps() {
    }

    /** The dense P = MMᵀ + 0.1·I of order n. */
    public static double[][] hessian(int n, Random rnd) {
        double[][] mm = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                mm[i][j] = rnd.nextGaussian();
            }
        }
        double[][] p = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += mm[i][k] * mm[j][k];
                }
                p[i][j] = s + (i == j ? 0.1 : 0);
            }
        }
        return p;
    }

    /** A dense m×n standard normal matrix. */
    public static double[][] gaussian(int m, int n, Random rnd) {
        double[][] g = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                g[i][j] = rnd.nextGaussian();
            }
        }
        return g;
    }

    /** A feasible right-hand side h = G·z₀ + s₀. */
    public static double[] feasibleRhs(double[][] g, Random rnd) {
        int m = g.length;
        int n = g[0].length;
        double[] z = new double[n];
        for (int j = 0; j < n; j++) {
            z[j] = rnd.nextGaussian();
        }
        double[] h = new double[m];
        for (int i = 0; i < m; i++) {
            double s = rnd.nextDouble();
            for (int j = 0; j < n; j++) {
                s += g[i][j] * z[j];
            }
            h[i] = s;
        }
        return h;
    }

    /** A normal vector of length n. */
    public static double[] gaussian(int n, Random rnd) {
        double[] q = new double[n];
        for (int j = 0; j < n; j++) {
            q[j] = rnd.nextGaussian();
        }
        return q;
    }

    /** One random QP as a cone program (rows: m nonnegative). */
    public static ConeProgram single(int n, int m, long seed) {
        Random rnd = new Random(seed);
        double[][] p = hessian(n, rnd);
        double[][] g = gaussian(m, n, rnd);
        return new ConeProgram(CscMatrix.upperTriangleOf("P", p), CscMatrix.fromDense("G", g), feasibleRhs(g, rnd),
                gaussian(n, rnd), ConeDims.builder().nonneg(m).build());
    }

    /**
     * A batch of QPs. With {@code sharedMatrices} every instance has the same P and G (q and h vary);
     * otherwise every instance draws its own.
     */
    public static BatchConeProgram batch(int n, int m, int batch, boolean sharedMatrices, long seed) {
        Random rnd = new Random(seed);
        double[][] pShared = hessian(n, rnd);
        double[][] gShared = gaussian(m, n, rnd);
        CscMatrix pMat = CscMatrix.upperTriangleOf("P", pShared);
        CscMatrix gMat = CscMatrix.fromDense("G", gShared);
        double[][] pVals = new double[batch][];
        double[][] gVals = new double[batch][];
        double[][] hs = new double[batch][];
        double[][] qs = new double[batch][];
        for (int b = 0; b < batch; b++) {
            double[][] g = gShared;
            if (!sharedMatrices) {
                g = dense(m, n, rnd);
                pVals[b] = CscMatrix.upperTriangleOf("P", hessian(n, rnd)).values();
                gVals[b] = CscMatrix.fromDense("G", g).values();
            }
            hs[b] = feasibleRhs(g, rnd);
            qs[b] = gaussian(n, rnd);
        }
        // Dense G has a full pattern, so every instance shares gMat's pattern.
        BatchArray pv = sharedMatrices ? BatchArray.shared(pMat.values(), batch) : BatchArray.perInstance(pVals);
        BatchArray gv = sharedMatrices ? BatchArray.shared(gMat.values(), batch) : BatchArray.perInstance(gVals);
        return new BatchConeProgram(pMat.pattern(), pv, gMat.pattern(), gv, BatchArray.perInstance(hs),
                BatchArray.perInstance(qs), ConeDims.builder().nonneg(m).build());
    }

    private static double[][] dense(int m, int n, Random rnd) {
        double[][] g = gaussian(m, n, rnd);
        for (double[] row : g) {
            for (int j = 0; j < n; j++) {
                if (row[j] == 0) {
                    row[j] = 1e-3; // keep the full pattern shared by the batch
                }
            }
        }
        return g;
    }
}
