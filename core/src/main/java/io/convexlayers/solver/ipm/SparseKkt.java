// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

import io.convexlayers.solver.linsys.SparseLdl;
import io.convexlayers.solver.linsys.TileMatrices;

/**
 * The {@link NewtonSystem} of a program with zero and nonnegative cones only, factored whole and
 * sparsely: [[P + δI, Aᵀ], [A, −(H + δI)]] with H = diag(w²) (0 on the zero rows) is quasi-definite,
 * so the project's sparse LDLᵀ ({@link SparseLdl}) factors it in the fill-reducing order of its
 * pattern without pivoting; pivots that come out too small or of the wrong sign are replaced
 * (dynamic regularization, as Clarabel does with QDLDL). The ordering and symbolic analysis depend
 * only on the patterns of A and P, so every instance and worker of a batch shares one (the sparse
 * factorization's analysis cache). This is the method's path for programs too large or too sparse
 * for {@link ReducedKkt}'s dense reduction.
 */
final class SparseKkt extends NewtonSystem {
    private final SparseLdl ldl;
    private final double[] rhoY;
    private final double[] work;

    /**
     * @param data the instance workspace whose Â and P̂ arrays every factorization reads
     */
    SparseKkt(IpmLayout layout, ScaledInstance data) {
        super(layout);
        if (layout.socCount() > 0) {
            throw new IllegalArgumentException("the sparse Newton system takes zero and nonnegative cones only");
        }
        ldl = SparseLdl.perLaneWithCachedAnalysis(matrices(layout, data));
        ldl.regularizeDynamically(DYNAMIC_EPS, DYNAMIC_DELTA);
        rhoY = new double[m];
        work = new double[n + m];
    }

    /** The one-lane tile view of the instance's scaled Â and P̂ (the arrays, not copies). */
    static TileMatrices matrices(IpmLayout layout, ScaledInstance data) {
        return new TileMatrices(layout.aPattern, data.a, true, layout.pPattern,
                layout.pPattern == null ? null : data.p, true, 1);
    }

    @Override
    void factor(ScaledInstance data, NtScaling scaling) {
        this.data = data;
        this.scaling = scaling;
        for (int i = 0; i < layout.zero; i++) {
            rhoY[i] = STATIC_REG;
        }
        double delta = staticReg();
        for (int i = layout.zero; i < m; i++) {
            double w = scaling.w[i];
            rhoY[i] = w * w + delta;
        }
        ldl.factor(delta, rhoY);
    }

    @Override
    void factoredSolve(double[] r1, double[] r2, double[] x, double[] z) {
        System.arraycopy(r1, 0, work, 0, n);
        System.arraycopy(r2, 0, work, n, m);
        ldl.solve(work);
        System.arraycopy(work, 0, x, 0, n);
        System.arraycopy(work, n, z, 0, m);
    }
}
