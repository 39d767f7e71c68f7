// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.testing;

import io.convexlayers.data.ConeDims;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.data.CscMatrix;

/**
 * An LP with the row cᵀx ≤ bound added: cut just below its known optimum it is infeasible by a hair
 * (the iterate converges towards the optimum first, then has to turn to a certificate), cut above it
 * the row is inactive and the optimum stays.
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

    /** {@link #add} at p* − δ·|p*| for the optimum p*: infeasible for δ > 0. */
    public static ConeProgram below(ConeProgram lp, double optimum, double delta) {
        return add(lp, optimum - delta * Math.abs(optimum));
    }
}
