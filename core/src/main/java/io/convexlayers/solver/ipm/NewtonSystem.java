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
 * <p>
 * Refinement removes a static regularization δ only while δ is small against K's smallest
 * eigenvalues: it contracts the error by about δ/(λ + δ) per step, which is 1 − 10⁻⁶ on LISWET1's
 * active set (second differences of 10⁴ points: λ(AAᵀ) ≈ 10⁻¹⁴). Where a refined solve stays worse
 * than {@link #LOWER_REG_TOL}, the instance lowers δ a thousandfold (at most twice, to 10⁻¹⁴),
 * factors again and keeps the better of the two solves; a lowering that does not help is undone and
 * not tried again for the instance. The lower δ stays for the rest of the instance: the
 * ill-conditioning that called for it only grows near the solution. A factorization at a lowered δ
 * that breaks down (a solve worse than {@link #RESET_REG_TOL}) returns to {@link #STATIC_REG} for
 * good.
 * <p>
 * δ is lowered on the P block and the inequality rows ({@link #staticReg()}). The zero-cone rows keep
 * {@link #STATIC_REG}, their only diagonal: their pivots would fall under the dynamic
 * regularization's threshold and be replaced by the far larger {@link #DYNAMIC_DELTA} (NETLIB's
 * cycle: 354 replaced pivots and a wrong objective). An LP's x pivots can break down the same way
 * (d6cube at δ = 10⁻¹¹); the undo and the return to {@link #STATIC_REG} above catch that. The
 * opposite failure, a factorization that breaks down at {@link #STATIC_REG} itself (a solve no better
 * than x = 0: D6CUBE at eps 1e-8, whose 17th step solved to a relative residual of 10¹⁰ at every level
 * and was undone as a lost step, SOLVED_INACCURATE), raises δ a thousandfold, to 10⁻⁵
 * ({@link #RAISED_LEVEL}), whose solve refinement brings to 3·10⁻⁸: D6CUBE is solved in 18 iterations.
 * <p>
 * Refinement judges the solve against the whole right-hand side, whose z-block can be 10¹³ times the
 * x-block's near the end (GREENBEA: x-block 10⁻⁹, z-block 9·10⁴, with τ = 2.8·10⁻⁴). There a solve
 * can leave the x-block's residual as large as its right-hand side — the dual residual then stops
 * falling — while refinement reads 10⁻¹⁴ and stops, and more refinement would not contract: the
 * error sits where the regularized factor is far from K. So where the x-block's residual stays above
 * 10⁻³ of the iterate's merit ({@link #aimAt}) relative to that block's own right-hand side, a few
 * steps of GMRES preconditioned by the factor ({@link XBlockCorrection}) correct the solve, kept where
 * they lower the larger of the two blocks' relative residuals (judged against the whole, a z-block
 * residual of 10⁻¹⁰ in 9·10⁴ would veto it, and GREENBEA stays unsolved). GREENBEA went from 200
 * iterations, SOLVED_INACCURATE, to 50 and solved; NETLIB took 12.6% fewer iterations in all, the
 * other statuses unchanged.
 */
abstract class NewtonSystem {
    /** Static regularization δ of both diagonal blocks at the start of an instance (Clarabel's default). */
    static final double STATIC_REG = 1e-8;
    /** A lowered δ is the last one times this … */
    static final double REG_LOWERING = 1e-3;
    /** … at most this many times (δ ≥ 10⁻¹⁴: below it the factorization's pivots are rounding noise). */
    static final int LOWEST_REG_LEVEL = 2;
    /** A refined solve worse than this (relative) lowers δ and factors again. */
    static final double LOWER_REG_TOL = 1e-10;
    /** A solve worse than this (no better than x = 0) at a lowered δ returns the instance to {@link #STATIC_REG}. */
    static final double RESET_REG_TOL = 1;
    /** Pivots at most this size are replaced … */
    static final double DYNAMIC_EPS = 1e-13;
    /** … by ±this, as in Clarabel (its defaults: 1e-13 and 2e-7); refinement removes the change. */
    static final double DYNAMIC_DELTA = 2e-7;
    static final int MAX_REFINEMENT = 8;
    static final double REFINE_TOL = 1e-14;
    /** The level of a raised δ, {@link #STATIC_REG}/{@link #REG_LOWERING} = 10⁻⁵, after a breakdown at 10⁻⁸. */
    static final int RAISED_LEVEL = -1;

    final IpmLayout layout;
    final int n;
    final int m;
    ScaledInstance data;
    NtScaling scaling;
    /** The residual (r₁, r₂) − K·(x, z) of the last {@link #residual} (read by {@link XBlockCorrection}). */
    final double[] resX;
    final double[] resZ;
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
    /** This instance's static regularization δ of the P block and the inequality rows (see the class comment). */
    private double staticReg = STATIC_REG;
    /** δ = {@link #STATIC_REG}·{@link #REG_LOWERING}^level ({@link #RAISED_LEVEL} after a breakdown). */
    private int regLevel;
    /** Set when a change of δ did not help: the instance keeps its δ from then on. */
    private boolean regSettled;
    private double[] keptX;
    private double[] keptZ;
    /** The iterate's merit (relative optimality residual), which sets the x-block's tolerance. */
    private double merit = Double.POSITIVE_INFINITY;
    private XBlockCorrection xBlock;

    /** Assembles and factors the (regularized) matrix for this instance and scaling. */
    abstract void factor(ScaledInstance data, NtScaling scaling);

    /** One solve with the factored, regularized matrix: x (n) and z (m) are overwritten. */
    abstract void factoredSolve(double[] r1, double[] r2, double[] x, double[] z);

    /**
     * Sets the merit (relative optimality residual) of the iterate whose Newton systems follow: their
     * x-block is corrected to {@link XBlockCorrection#TOL_FACTOR} of it (see the class comment).
     */
    final void aimAt(double iterateMerit) {
        merit = iterateMerit;
    }

    /** Forgets per-instance state (a new instance starts afresh); a subclass calls this too. */
    void reset() {
        merit = Double.POSITIVE_INFINITY;
        regLevel = 0;
        staticReg = STATIC_REG;
        regSettled = false;
    }

    /**
     * Solves K·(x, z) = (r1, r2) with iterative refinement; x (n) and z (m) are overwritten. A solve
     * that stays inaccurate changes the static regularization, factors again and solves again (see
     * the class comment).
     *
     * @return the ∞-norm of the final residual relative to 1 + ‖(r1, r2)‖∞
     */
    final double solve(double[] r1, double[] r2, double[] x, double[] z) {
        double rel = worstIfNaN(attempt(r1, r2, x, z));
        while (!(rel <= LOWER_REG_TOL) && !regSettled && regLevel < LOWEST_REG_LEVEL && !timedOut) {
            rel = tryRegularization(regLevel + 1, rel, r1, r2, x, z);
        }
        if (!(rel <= RESET_REG_TOL) && regLevel > 0 && !timedOut) {
            rel = tryRegularization(0, rel, r1, r2, x, z);
            regSettled = true;
        }
        if (!(rel <= RESET_REG_TOL) && regLevel == 0 && !timedOut) {
            rel = tryRegularization(RAISED_LEVEL, rel, r1, r2, x, z);
        }
        return rel;
    }

    /**
     * Factors with δ at {@code level} and solves again; keeps that solve where it beats {@code rel},
     * else factors back at the previous δ, restores (x, z) and settles there.
     */
    private double tryRegularization(int level, double rel, double[] r1, double[] r2, double[] x, double[] z) {
        if (keptX == null) {
            keptX = new double[n];
            keptZ = new double[m];
        }
        System.arraycopy(x, 0, keptX, 0, n);
        System.arraycopy(z, 0, keptZ, 0, m);
        int previous = regLevel;
        setRegularization(level);
        factor(data, scaling);
        double next = timedOut ? Double.NaN : worstIfNaN(attempt(r1, r2, x, z));
        if (next < rel) {
            return next;
        }
        setRegularization(previous);
        regSettled = true;
        if (!timedOut) {
            factor(data, scaling);
        }
        System.arraycopy(keptX, 0, x, 0, n);
        System.arraycopy(keptZ, 0, z, 0, m);
        return rel;
    }

    /** A broken solve (NaN residual) ranks below every finite one. */
    private static double worstIfNaN(double rel) {
        return Double.isNaN(rel) ? Double.POSITIVE_INFINITY : rel;
    }

    /** This instance's static regularization δ of the P block and the inequality rows now. */
    final double staticReg() {
        return staticReg;
    }

    private void setRegularization(int level) {
        regLevel = level;
        staticReg = STATIC_REG * Math.pow(REG_LOWERING, level);
    }

    /** One refined solve with the current factorization (a subclass may add a fallback of its own). */
    double attempt(double[] r1, double[] r2, double[] x, double[] z) {
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
        if (!timedOut) {
            if (xBlock == null) {
                xBlock = new XBlockCorrection(this);
            }
            if (xBlock.correct(r1, r2, x, z, merit)) {
                rel = residualNorm() / (1 + rhsNorm);
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
    void residual(double[] r1, double[] r2, double[] x, double[] z) {
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

