// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.testing;

import io.convexlayers.data.ConeDims;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.data.CscMatrix;

/**
 * LPs made infeasible or unbounded by a hair from one with a known optimum p*. With the row
 * cᵀx ≤ bound added ({@link #add}), cut just below p* it is infeasible (the iterate converges towards
 * the optimum first, then has to turn to a certificate); cut above it the row is inactive and the
 * optimum stays. Homogenized ({@link #homogenized}), min cᵀx − q·t subject to Ax − b·t ∈ −K, t ≥ 0, it
 * is unbounded for q just above p* (the ray (x*, 1) lowers the objective by q − p* per unit) and
 * solved with optimum 0 for q below p*.
 */
public final class ObjectiveCut {
    private ObjectiveCut() {
    }

    /** {@code lp} (zero and nonnegative cones, no P) with cᵀx ≤ bound as its first nonnegative row. */
    public static ConeProgram add(ConeProgram lp, double bound) {
        int m = lp.m();
        int zero = lp.cones().zero();
        double[][] a = lp.a().toDense();
        double[][] rows = new double[m + 1][];
        double[] b = new double[m + 1];
        for (int i = 0; i < m; i++) {
            int row = i < zero ? i : i + 1;
            rows[row] = a[i];
            b[row] = lp.b()[i];
        }
        rows[zero] = lp.c().clone();
        b[zero] = bound;
        ConeDims cones = ConeDims.builder().zero(zero).nonneg(lp.cones().nonneg() + 1).build();
        return new ConeProgram(null, CscMatrix.fromDense("A with an objective cut", rows), b, lp.c(), cones);
    }

    /**
     * {@code lp} homogenized: variables (x, t), min cᵀx − q·t subject to Ax − b·t + s = 0 with s in
     * the LP's cones, and t ≥ 0 as the last nonnegative row.
     */
    public static ConeProgram homogenized(ConeProgram lp, double q) {
        int n = lp.n();
        int m = lp.m();
        double[][] a = lp.a().toDense();
        double[][] rows = new double[m + 1][n + 1];
        for (int i = 0; i < m; i++) {
            System.arraycopy(a[i], 0, rows[i], 0, n);
            rows[i][n] = -lp.b()[i];
        }
        rows[m][n] = -1;
        double[] c = java.util.Arrays.copyOf(lp.c(), n + 1);
        c[n] = -q;
        ConeDims cones = ConeDims.builder().zero(lp.cones().zero()).nonneg(lp.cones().nonneg() + 1).build();
        return new ConeProgram(null, CscMatrix.fromDense("homogenized A", rows), new double[m + 1], c, cones);
    }

    /** {@link #add} at p* − δ·|p*| for the optimum p*: infeasible for δ > 0. */
    public static ConeProgram below(ConeProgram lp, double optimum, double delta) {
        return add(lp, optimum - delta * Math.abs(optimum));
    }
}
