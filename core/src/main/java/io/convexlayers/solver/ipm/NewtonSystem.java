// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

/**
 * The interior-point Newton system K·(x, z) = (r₁, r₂) with
 * <pre>
 *   K = [[P, Aᵀ], [A, −H]],   H = W² on the inequality rows, 0 on the zero-cone rows,
 * </pre>
 * solved by a regularized factorization ({@link #factor}, {@link #factoredSolve}: the subclass's
 * choice of matrix and storage) and iterative refinement against K itself, which removes the static
 * and dynamic regularization and the rounding of the factorization. Refinement stops when the
 * residual stops halving; the better of the last two points is kept.
 */
abstract class NewtonSystem {
    /** Static regularization δ of both diagonal blocks (Clarabel's default). */
    static final double STATIC_REG = 1e-8;
    /** Pivots at most this size are replaced … */
    static final double DYNAMIC_EPS = 1e-13;
    /** … by ±this, as in Clarabel (its defaults: 1e-13 and 2e-7); refinement removes the change. */
    static final double DYNAMIC_DELTA = 2e-7;
    static final int MAX_REFINEMENT = 8;
    static final double REFINE_TOL = 1e-14;

    final IpmLayout layout;
    final int n;
    final int m;
    ScaledInstance data;
    NtScaling scaling;
    private final double[] resX;
    private final double[] resZ;
    private final double[] dx;
    private final double[] dz;
    private final double[] tmpN;
    private final double[] tmpM;

    NewtonSystem(IpmLayout layout) {
        this.layout = layout;
        n = layout.n;
        m = layout.m;
        resX = new double[n];
        resZ = new double[m];
        dx = new double[n];
        dz = new double[m];
        tmpN = new double[n];
        tmpM = new double[m];
    }

    /** The solve's deadline ({@link io.convexlayers.solver.hsde.Deadline}); a dense factorization gives up past it. */
    long deadline = io.convexlayers.solver.hsde.Deadline.NONE;
    /** Set when a factorization gave up at the deadline (the matrix is then unusable until the next factor). */
    boolean timedOut;

    /** Assembles and factors the (regularized) matrix for this instance and scaling. */
    abstract void factor(ScaledInstance data, NtScaling scaling);

    /** One solve with the factored, regularized matrix: x (n) and z (m) are overwritten. */
    abstract void factoredSolve(double[] r1, double[] r2, double[] x, double[] z);

    /** Forgets per-instance state (a new instance starts afresh). */
    void reset() {
    }

    /**
     * Solves K·(x, z) = (r1, r2) with iterative refinement; x (n) and z (m) are overwritten.
     *
     * @return the ∞-norm of the final residual relative to 1 + ‖(r1, r2)‖∞
     */
    double solve(double[] r1, double[] r2, double[] x, double[] z) {
        return refinedSolve(r1, r2, x, z);
    }

    final double refinedSolve(double[] r1, double[] r2, double[] x, double[] z) {
        double rhsNorm = Math.max(maxAbs(r1, n), maxAbs(r2, m));
        factoredSolve(r1, r2, x, z);
        residual(r1, r2, x, z);
        double rel = residualNorm() / (1 + rhsNorm);
        for (int it = 0; it < MAX_REFINEMENT && rel > REFINE_TOL; it++) {
            factoredSolve(resX, resZ, dx, dz);
            addCorrection(x, z, 1);
            residual(r1, r2, x, z);
            double next = residualNorm() / (1 + rhsNorm);
            if (!(next < rel)) {
                addCorrection(x, z, -1); // refinement stopped helping: keep the better point
                residual(r1, r2, x, z);
                break;
            }
            boolean slow = next > 0.5 * rel;
            rel = next;
            if (slow) {
                break;
            }
        }
        return rel;
    }

    private double residualNorm() {
        return Math.max(maxAbs(resX, n), maxAbs(resZ, m));
    }

    private void addCorrection(double[] x, double[] z, double sign) {
        for (int j = 0; j < n; j++) {
            x[j] += sign * dx[j];
        }
        for (int i = 0; i < m; i++) {
            z[i] += sign * dz[i];
        }
    }

    /** resX, resZ = (r1, r2) − K·(x, z) with the exact K (no regularization). */
    private void residual(double[] r1, double[] r2, double[] x, double[] z) {
        data.multiplyP(x, resX);
        data.multiplyAt(z, tmpN);
        for (int j = 0; j < n; j++) {
            resX[j] = r1[j] - resX[j] - tmpN[j];
        }
        data.multiplyA(x, resZ);
        scaling.applyH(z, tmpM, false);
        for (int i = 0; i < layout.zero; i++) {
            tmpM[i] = 0;
        }
        for (int i = 0; i < m; i++) {
            resZ[i] = r2[i] - resZ[i] + tmpM[i];
        }
    }

    static double maxAbs(double[] v, int len) {
        double mx = 0;
        for (int i = 0; i < len; i++) {
            mx = Math.max(mx, Math.abs(v[i]));
        }
        return mx;
    }
}
