// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import io.convexlayers.batch.LaneLoops;
import io.convexlayers.batch.TileSparse;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.SparsePattern;
import io.convexlayers.solver.DataScaling;
import io.convexlayers.solver.ipm.ActiveKktMatrix;

/**
 * The derivative's linear solves for a tile of LPs or QPs by one factorization of the active KKT
 * matrix — the limit of the interior-point method's Newton matrices ({@link ActiveKktMatrix}) — for
 * every lane at once, instead of one dense LU of the residual map's active block per instance. It takes
 * the solutions of either method (an interior-point solution's nonnegative rows have s, y &gt; 0, a
 * first-order one's exact zeros; the active set is read the same way from both).
 *
 * <p>At a solution with strict complementarity the solution map's derivative is that of the active
 * KKT system (the residual-map derivative reduces to it for these cones): with the active rows 𝒜
 * (zero-cone rows and nonnegative rows with y &gt; s, where Π's derivative at y − s is 1) and the
 * inactive ones ℐ, T·(u, v) = g is
 * <pre>
 *   P·u + Aᵀ·v = g₁,   a_iᵀ·u = g₂,ᵢ (i ∈ 𝒜),   v_i = g₂,ᵢ (i ∈ ℐ).
 * </pre>
 * A data perturbation's (dx, dy) solves it with g = (−dP·x − dc − dAᵀy, (db − dA·x)_𝒜, 0); a loss
 * gradient's adjoint (u, v) solves it with g = (∂x, ∂y_𝒜, ∂s_ℐ), and then dc = −u, db = v,
 * dA = −y·uᵀ − v·xᵀ, dP = −½(u·xᵀ + x·uᵀ). The inactive rows are solved exactly at once; the rest is
 * refined against T with the factored [[P, A_𝒜ᵀ], [A_𝒜, −δI]] as approximate inverse (about eight
 * digits a step). A lane whose solve does not reach {@link #EXACT_RESIDUAL} (a singular T: a degenerate
 * point the kink test let through) makes the caller differentiate the tile the general way.
 *
 * <p>T's matrix does not depend on the point, only on its active set: where that is right, the
 * derivatives with respect to b and c are those at the exact solution even at a loose tolerance, and
 * those with respect to A and P are off by the forward error through x and y. The forward-error
 * estimate ({@link DerivativeInfo#estimatedError}) and the refinement's Newton step are T's too: at the
 * point (x, v = y − s) with ȳ = Π(v), s̄ = ȳ − v, one Newton step on the KKT residuals with the active set
 * held — the step {@link ForwardError} takes on the residual map with τ fixed, for these cones.
 */
final class ActiveKktSolve {
    /**
     * Tiles narrower than this keep the per-instance solves: with fewer lanes the factorization runs
     * without SIMD, and a batch of 1, 2 and 4 small QPs (n = 10, 50) measured 0.97–1.73× the dense active
     * block's time, against 0.45–0.76× for tiles of eight (benchmarks/RESULTS.md, BackwardCost).
     */
    static final int MIN_LANES = 8;
    /** A lane's solve counts as exact below this relative residual ‖g − T·z‖∞/‖g‖∞. */
    static final double EXACT_RESIDUAL = 1e-10;
    /**
     * The Newton step of {@link #exactPoints} is solved to this relative residual only (one solve with K
     * where the active rows are well separated): it is the size of the forward error, so its own relative
     * error of 1e-6 moves the refined point by 1e-6 of that, and the estimate by as little.
     */
    static final double STEP_RESIDUAL = 1e-6;
    /** Refinement stops below this relative residual (rounding, for the products' sums). */
    private static final double STOP_RESIDUAL = 1e-14;
    private static final int MAX_REFINEMENT = 10;

    private final BatchConeProgram program;
    private final int lanes;
    private final int n;
    private final int m;
    private final int zero;
    private final boolean[] valid;
    private final double[] x;
    private final double[] y;
    private final double[] s;
    private final double[] b;
    private final double[] c;
    private final double[] aValues;
    private final boolean aShared;
    private final double[] pValues;
    private final boolean pShared;
    private final int first;
    private final ActiveKktMatrix matrix;
    /** The scaling the solve recorded, reused by the factorization (null: it equilibrates). */
    private final DataScaling scaling;
    /** Per row entry (i·lanes + l), whether the row is active at the current point. */
    private final boolean[] active;
    /** Per lane ±1 where {@link #addWhere} adds, NaN elsewhere (its workspace). */
    private final double[] signWhereMarked;
    /** The classification the matrix was factored with, once it was. */
    private final boolean[] factoredActive;
    private boolean factored;
    /** The last {@link #residuals} and the point they were computed at (null before the first). */
    private Residuals lastResiduals;
    private double[] residualX;
    private double[] residualY;
    private double[] residualS;

    private ActiveKktSolve(BatchConeProgram program, ActiveKktMatrix matrix, DataScaling scaling, int first,
                           boolean[] valid, double[] x, double[] y, double[] s, double[] b, double[] c,
                           double[] aValues, double[] pValues) {
        this.program = program;
        this.matrix = matrix;
        this.scaling = scaling;
        this.lanes = valid.length;
        this.n = program.n();
        this.m = program.m();
        this.zero = program.cones().zero();
        this.valid = valid;
        this.x = x;
        this.y = y;
        this.s = s;
        this.b = b;
        this.c = c;
        this.aValues = aValues;
        this.aShared = program.aValues().isShared();
        this.pValues = pValues;
        this.pShared = program.pValues() == null || program.pValues().isShared();
        this.first = first;
        this.active = new boolean[m * lanes];
        this.signWhereMarked = new double[lanes];
        this.factoredActive = new boolean[m * lanes];
        classifyRows();
        refactorIfMoved();
    }

    /**
     * The solve for a tile whose valid lanes are all without a kink, factored now; null where it does
     * not apply (no structure, no valid lane, or a lane at a kink). The arrays are the tile's own (batch-minor, {@code valid.length} lanes) and
     * are read again at every use, so that a refinement moving x, y and s is seen.
     */
    static ActiveKktSolve at(BatchConeProgram program, ActiveKktMatrix.Structure structure, DataScaling scaling,
                             int first, boolean[] valid, DerivativeIssue[] kink, double[] x, double[] y, double[] s,
                             double[] b, double[] c, double[] aValues, double[] pValues) {
        if (structure == null) {
            return null;
        }
        boolean[] eligible = eligibleLanes(program, valid, kink, y, s);
        boolean any = false;
        for (int l = 0; l < valid.length; l++) {
            if (valid[l] && !eligible[l]) {
                return null;
            }
            any |= eligible[l];
        }
        if (!any) {
            return null;
        }
        return new ActiveKktSolve(program, structure.forTile(valid.length), scaling, first, valid, x, y, s, b, c,
                aValues, pValues);
    }

    /**
     * The valid lanes this solve takes: those without a kink ({@link DerivativeRules#kinkAt}), where the
     * active set is well defined and T is nonsingular.
     */
    static boolean[] eligibleLanes(BatchConeProgram program, boolean[] valid, DerivativeIssue[] kink, double[] y,
                                   double[] s) {
        int lanes = valid.length;
        int zero = program.cones().zero();
        int ineqEnd = zero + program.cones().nonneg();
        boolean[] eligible = new boolean[lanes];
        for (int l = 0; l < lanes; l++) {
            boolean ok = valid[l] && kink[l] == DerivativeIssue.NONE;
            eligible[l] = ok;
        }
        return eligible;
    }

    /**
     * Solves T·z = g for every valid lane (g and z: (n + m) × lanes, u then v; z overwritten) by
     * refinement with K⁻¹, and returns each lane's final relative residual ‖g − T·z‖∞/‖g‖∞ (0 where
     * g = 0; invalid lanes 0, their z zero).
     */
    double[] solve(double[] g, double[] z) {
        return solve(g, z, STOP_RESIDUAL);
    }

    /** {@link #solve(double[], double[])}, refining a lane only while its relative residual is above {@code target}. */
    double[] solve(double[] g, double[] z, double target) {
        classifyRows();
        refactorIfMoved();
        int nl = n * lanes;
        int len = (n + m) * lanes;
        java.util.Arrays.fill(z, 0);
        boolean start = false;
        for (int k = 0; k < m * lanes; k++) {
            if (!active[k] && g[nl + k] != 0) {
                z[nl + k] = g[nl + k]; // T's inactive rows are v_i = g_i: exact from the start
                start = true;
            }
        }
        double[] tz = new double[len];
        double[] res = g.clone();
        if (start) {
            apply(z, tz);
            for (int k = 0; k < len; k++) {
                res[k] = g[k] - tz[k];
            }
        }
        double[] gNorm = laneMaxAbs(g);
        double[] resNorm = laneMaxAbs(res);
        double[] rel = new double[lanes];
        boolean[] refining = new boolean[lanes];
        boolean any = false;
        for (int l = 0; l < lanes; l++) {
            rel[l] = valid[l] && gNorm[l] > 0 ? resNorm[l] / gNorm[l] : 0;
            refining[l] = rel[l] > target;
            any |= refining[l];
        }
        double[] k1 = new double[nl];
        double[] k2 = new double[m * lanes];
        double[] d1 = new double[nl];
        double[] d2 = new double[m * lanes];
        for (int it = 0; it < MAX_REFINEMENT && any; it++) {
            System.arraycopy(res, 0, k1, 0, nl);
            System.arraycopy(res, nl, k2, 0, m * lanes); // zero on inactive rows, which K leaves out
            matrix.solve(k1, k2, d1, d2);
            addWhere(refining, d1, d2, z, 1);
            apply(z, tz);
            for (int k = 0; k < len; k++) {
                res[k] = g[k] - tz[k];
            }
            double[] rNorm = laneMaxAbs(res);
            any = false;
            boolean[] undo = new boolean[lanes];
            boolean anyUndo = false;
            for (int l = 0; l < lanes; l++) {
                if (!refining[l]) {
                    continue;
                }
                double next = rNorm[l] / gNorm[l];
                if (!(next < rel[l])) {
                    undo[l] = true; // no longer helping (or NaN): keep the better iterate
                    anyUndo = true;
                    refining[l] = false;
                    continue;
                }
                // Go on while a step gains at least a digit: near rounding the steps only shuffle it.
                refining[l] = next > target && next < 0.1 * rel[l];
                rel[l] = next;
                any |= refining[l];
            }
            if (anyUndo) {
                addWhere(undo, d1, d2, z, -1);
                apply(z, tz);
                for (int k = 0; k < len; k++) {
                    res[k] = g[k] - tz[k];
                }
            }
        }
        for (int l = 0; l < lanes; l++) {
            if (!valid[l]) {
                for (int i = 0; i < n + m; i++) {
                    z[i * lanes + l] = 0;
                }
            }
        }
        double[] largest = laneMaxAbs(z); // NaN or infinite exactly where some entry is
        for (int l = 0; l < lanes; l++) {
            if (!Double.isFinite(largest[l])) {
                rel[l] = Double.POSITIVE_INFINITY; // a factorization that broke down: never exact
            }
        }
        return rel;
    }

    /**
     * One Newton step on the KKT residuals at each valid lane's point with the active set held: z* =
     * (x + δx, v + δv, 1) and ‖ẑ − z*‖/‖ẑ‖ for ẑ = (x, v, 1), v = y − s ({@link ForwardError}'s layout);
     * null when a lane's solve was not exact (the caller then estimates the general way).
     */
    ForwardError.ExactPoints exactPoints() {
        int nl = n * lanes;
        int ml = m * lanes;
        Residuals r = residuals();
        double[] f1 = r.f1();
        double[] f2 = r.f2();
        classifyRows();
        double[] g = new double[nl + ml];
        for (int k = 0; k < nl; k++) {
            g[k] = -f1[k];
        }
        for (int k = 0; k < ml; k++) {
            g[nl + k] = active[k] ? -f2[k] : 0;
        }
        double[] step = new double[nl + ml];
        double[] rel = solve(g, step, STEP_RESIDUAL);
        for (int l = 0; l < lanes; l++) {
            if (valid[l] && !(rel[l] <= STEP_RESIDUAL)) {
                return null;
            }
        }
        double[] aDx = new double[ml];
        TileSparse.multiplyAdd(program.aPattern(), aValues, aShared, lanes, step, 0, aDx, 0);
        int len = n + m + 1;
        double[] zStar = new double[len * lanes];
        double[] error = new double[lanes];
        double[] dd = new double[lanes];
        double[] zz = new double[lanes];
        // zStar = ẑ + δ, with the sums of δ² and ẑ² per lane in row order (x rows, then v rows).
        double[] v = new double[ml];
        double[] dv = new double[ml];
        for (int k = 0; k < nl; k++) {
            zStar[k] = x[k] + step[k];
        }
        for (int k = 0; k < ml; k++) {
            v[k] = y[k] - s[k];
            // δv = δȳ on active rows; on inactive ones −δs̄ = F2 + a_iᵀ·δx (δȳ = 0 there).
            dv[k] = active[k] ? step[nl + k] : f2[k] + aDx[k];
            zStar[nl + k] = v[k] + dv[k];
        }
        LaneLoops.dotAdd(step, step, 0, n, lanes, dd);
        LaneLoops.dotAdd(dv, dv, 0, m, lanes, dd);
        LaneLoops.dotAdd(x, x, 0, n, lanes, zz);
        LaneLoops.dotAdd(v, v, 0, m, lanes, zz);
        for (int l = 0; l < lanes; l++) {
            if (valid[l]) {
                zStar[(n + m) * lanes + l] = 1;
                error[l] = Math.sqrt(dd[l] / (zz[l] + 1));
            } else {
                for (int i = 0; i < len; i++) {
                    zStar[i * lanes + l] = 0;
                }
            }
        }
        return new ForwardError.ExactPoints(zStar, error);
    }

    /**
     * Per valid lane, the residual map's relative residual ‖R(z)‖/‖z‖ at the current point z = (x, v, 1),
     * v = y − s, from the KKT residuals: R(z) = (F1, −F2, −(cᵀx + bᵀȳ + xᵀPx)) with F1 = P·x + c + Aᵀȳ,
     * F2 = A·x + s̄ − b ({@link SolutionRefinement#relativeResidual} without building M); invalid lanes 0.
     */
    double[] relativeResidual() {
        Residuals r = residuals();
        double[] rr = new double[lanes];
        double[] zz = new double[lanes];
        double[] gap = new double[lanes];
        // Per lane in row order: the x rows, then the v rows.
        double[] cPx = new double[n * lanes];
        for (int k = 0; k < cPx.length; k++) {
            cPx[k] = c[k] + r.px()[k];
        }
        double[] v = new double[m * lanes];
        for (int k = 0; k < v.length; k++) {
            v[k] = y[k] - s[k];
        }
        LaneLoops.dotAdd(r.f1(), r.f1(), 0, n, lanes, rr);
        LaneLoops.dotAdd(r.f2(), r.f2(), 0, m, lanes, rr);
        LaneLoops.dotAdd(x, x, 0, n, lanes, zz);
        LaneLoops.dotAdd(v, v, 0, m, lanes, zz);
        LaneLoops.dotAdd(cPx, x, 0, n, lanes, gap);
        LaneLoops.dotAdd(b, r.yBar(), 0, m, lanes, gap);
        double[] out = new double[lanes];
        for (int l = 0; l < lanes; l++) {
            if (valid[l]) {
                double rel = Math.sqrt((rr[l] + gap[l] * gap[l]) / (zz[l] + 1));
                out[l] = Double.isFinite(rel) ? rel : Double.POSITIVE_INFINITY;
            }
        }
        return out;
    }

    /** The KKT residuals at the current point: ȳ = Π(v), P·x, F1 = P·x + c + Aᵀȳ, F2 = A·x + s̄ − b. */
    private record Residuals(double[] yBar, double[] px, double[] f1, double[] f2) {
    }

    /**
     * {@link Residuals} at the current point (v = y − s, s̄ = ȳ − v; zero-cone rows: ȳ = v, s̄ = 0). The
     * refinement asks for them twice at each point (its Newton step, and the residual a step is judged by),
     * so the last ones are kept with a copy of the point they belong to and returned while x, y and s are
     * that point bit for bit; they are read, never written, by the callers.
     */
    private Residuals residuals() {
        if (lastResiduals != null && java.util.Arrays.equals(x, residualX) && java.util.Arrays.equals(y, residualY)
                && java.util.Arrays.equals(s, residualS)) {
            return lastResiduals;
        }
        int nl = n * lanes;
        int ml = m * lanes;
        int zl = zero * lanes;
        double[] yBar = new double[ml];
        double[] sBar = new double[ml];
        for (int k = 0; k < zl; k++) {
            yBar[k] = y[k] - s[k];
        }
        for (int k = zl; k < ml; k++) {
            double v = y[k] - s[k];
            yBar[k] = Math.max(v, 0);
            sBar[k] = Math.max(-v, 0);
        }
        double[] px = new double[nl];
        multiplyP(x, px);
        double[] f1 = new double[nl];
        TileSparse.transposeMultiplyAdd(program.aPattern(), aValues, aShared, lanes, yBar, 0, f1, 0);
        for (int k = 0; k < nl; k++) {
            f1[k] += px[k] + c[k];
        }
        double[] f2 = new double[ml];
        TileSparse.multiplyAdd(program.aPattern(), aValues, aShared, lanes, x, 0, f2, 0);
        for (int k = 0; k < ml; k++) {
            f2[k] += sBar[k] - b[k];
        }
        lastResiduals = new Residuals(yBar, px, f1, f2);
        residualX = x.clone();
        residualY = y.clone();
        residualS = s.clone();
        return lastResiduals;
    }

    /** Whether row entry k (i·lanes + l) is active at the current point ({@link #classifyRows}'s rule). */
    boolean active(int k) {
        return k < zero * lanes || y[k] > s[k];
    }

    /** Factors the matrix again where the classification moved since it was factored (or never was). */
    private void refactorIfMoved() {
        if (!java.util.Arrays.equals(active, factoredActive) || !factored) {
            System.arraycopy(active, 0, factoredActive, 0, active.length);
            matrix.factor(program, first, factoredActive, scaling);
            factored = true;
        }
    }

    /** Active rows: the zero-cone rows, and nonnegative rows with y &gt; s (where Π's derivative at y − s is 1). */
    private void classifyRows() {
        int zl = zero * lanes;
        for (int k = 0; k < m * lanes; k++) {
            active[k] = k < zl || y[k] > s[k];
        }
    }

    /** out = T·z at the current classification. */
    private void apply(double[] z, double[] out) {
        int nl = n * lanes;
        java.util.Arrays.fill(out, 0);
        multiplyP(z, out);
        TileSparse.transposeMultiplyAdd(program.aPattern(), aValues, aShared, lanes, z, nl, out, 0);
        TileSparse.multiplyAdd(program.aPattern(), aValues, aShared, lanes, z, 0, out, nl);
        for (int k = 0; k < m * lanes; k++) {
            if (!active[k]) {
                out[nl + k] = z[nl + k];
            }
        }
    }

    /** out += P·u (u at offset 0; nothing without P). */
    private void multiplyP(double[] u, double[] out) {
        SparsePattern pp = program.pPattern();
        if (pp != null) {
            TileSparse.symmetricMultiplyAdd(pp, pValues, pShared, lanes, u, 0, out, 0);
        }
    }

    /** z += sign·(d1, d2) in the lanes marked (sign ±1: sign·d is d or −d exactly). */
    private void addWhere(boolean[] lanesMarked, double[] d1, double[] d2, double[] z, double sign) {
        double[] factor = signWhereMarked;
        for (int l = 0; l < lanes; l++) {
            factor[l] = lanesMarked[l] ? sign : Double.NaN;
        }
        LaneLoops.addScaledWhereNumber(z, 0, factor, d1, 0, n, lanes);
        LaneLoops.addScaledWhereNumber(z, n, factor, d2, 0, m, lanes);
    }

    /** Per lane, max |v| over the entries of a batch-minor tile vector. */
    private double[] laneMaxAbs(double[] v) {
        double[] out = new double[lanes];
        LaneLoops.maxAbs(v, v.length / lanes, lanes, out);
        return out;
    }
}
