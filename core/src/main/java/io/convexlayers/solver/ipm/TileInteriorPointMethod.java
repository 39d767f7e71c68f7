// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

import io.convexlayers.batch.LaneLoops;
import io.convexlayers.batch.LaneSimd;
import io.convexlayers.batch.Lanes8Kernels;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.IterationListener;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import io.convexlayers.solver.hsde.Deadline;
import io.convexlayers.solver.hsde.ResidualStats;
import io.convexlayers.solver.hsde.Termination;
import java.util.Arrays;

/**
 * {@link InteriorPointMethod} over a tile of instances in lock-step: the same embedding, starting
 * point, predictor–corrector and stopping rules, lane by lane, on batch-minor data (entry i of lane
 * l at {@code i·lanes + l}), so that the products and the Newton matrices' assembly and Cholesky run
 * once over all lanes ({@link ScaledTile}, {@link TileNewtonSystem}) instead of once per instance.
 * For zero, nonnegative and second-order cones (LPs, QPs and SOCPs with dense reduced Newton
 * systems): W = √(s/z) is elementwise on nonnegative rows, in vectorized loops over the lanes; a
 * second-order cone's Nesterov–Todd scaling and Jordan algebra run lane by lane ({@link TileSocCones}). Each lane stops on its own tests and is written out at once; a stopped lane
 * stays in the tile with a unit scaling and no longer moves. A lane that needs more than the tile
 * offers — a Newton solve the reduction cannot make accurate, where one instance would switch to
 * the full system — is handed back for the single-instance method to solve from the start.
 */
final class TileInteriorPointMethod {
    /**
     * The hand-back threshold of lanes with second-order cones. Near the end of a solve their Newton
     * systems have a residual floor near 1e-10 whatever the factorization: on planted SOCPs the single
     * instance's switch to the full system (at {@link ReducedKkt#FALLBACK_TOL}) left a median relative
     * residual of 3.8e-10 and a largest of 6.7e-8, where the tile's reduced solves stood at 1e-10 to 2e-7.
     * A Newton direction that accurate still serves, so such a lane stays in the tile, and one that then
     * stops short of SOLVED is handed back ({@link #stop}). At eps 1e-8 this hands back 1 of 416 lanes of
     * socp-n10-b256, socp-n50-b128 and socp-n100-b32 (51 with a threshold of 1e-8), with the statuses
     * of one instance at a time and objectives within 1e-10 of them.
     */
    static final double SOC_FALLBACK_TOL = 1e-6;
    /**
     * A running lane's Newton solves need a relative residual of at most this times its iterate's merit
     * ({@link InteriorPointMethod#merit}), never below {@link NewtonSystem#REFINE_TOL}: a direction whose
     * error is a thousandth of the residuals it reduces steps as the exact one does. Early iterations
     * then take their solves unrefined (the static regularization leaves about 1e-8), middle ones refine
     * once, the last ones to 1e-14 as before; the constant system's solve, whose residual is computed at
     * every step, judges lane by lane for the step's two other solves ({@link TileNewtonSystem#judge}), so
     * that a lane's bits do not depend on its tile mates. On small-qp-n10-b1024, small-qp-n50-b128,
     * small-qp-n100-b16 and lp-n50-b128 the iteration counts did not change (9 250, 1 359, 186, 1 412).
     */
    static final double SOLVE_TOL_FACTOR = 1e-3;
    private final IpmLayout layout;
    private final int lanes;
    private final int n;
    private final int m;
    private final int zero;
    private final int ineqEnd;
    private final ScaledTile data;
    private final TileNewtonSystem kkt;
    /** The second-order cones' scaling and algebra (null without second-order cones). */
    private final TileSocCones soc;
    private final QuasiDefiniteLdl convexityWork;
    private final double[] x;
    private final double[] z;
    private final double[] s;
    private final double[] tau;
    private final double[] kappa;
    /**
     * √(s/z) and λ = √(sz) on nonnegative rows (1 on a stopped lane's); the scaling point w̄ and λ = Wz on
     * second-order cone rows (e₀ and e on a stopped lane's).
     */
    private final double[] w;
    private final double[] lambda;
    private final double[] px;
    private final double[] ax;
    private final double[] atz;
    private final double[] rx;
    private final double[] rz;
    private final double[] x1;
    private final double[] z1;
    private final double[] x2;
    private final double[] z2;
    private final double[] dx;
    private final double[] dz;
    private final double[] ds;
    private final double[] dxa;
    private final double[] dza;
    private final double[] dsa;
    private final double[] rhsX;
    private final double[] rhsZ;
    private final double[] dsTarget;
    private final double[] workM;
    private final double[] workM2;
    /** Zeros (zero-cone rows × lanes): the added term of the zero rows' right-hand side. */
    private final double[] zeros;
    private final double[] xPrev;
    private final double[] zPrev;
    private final double[] sPrev;
    private final double[] tauPrev;
    private final double[] kappaPrev;
    private final double[] stats;
    /** 1/d and 1/(e·costScale) of the loaded tile: the unscaling factors of the termination statistics. */
    private final double[] dInv;
    private final double[] eInv;
    /** Per lane 1/τ, and the seven residual maxima of the primal and the dual rows (see {@link #evaluate}). */
    private final double[] statsInvTau;
    /** ‖Ex̂‖∞ and ‖Dẑ‖∞ per lane: the certificate directions' sizes ({@link LaneLoops#maxAbsProduct}). */
    private final double[] xSize;
    private final double[] zSize;
    private final double[] primalMax;
    private final double[] dualMax;
    /** Per-lane scalars of one step. */
    private final double[] dTau;
    private final double[] dKappa;
    private final double[] mu;
    private final double[] invTau;
    private final double[] rTau;
    private final double[] denom;
    private final double[] sigma;
    private final double[] dKappaTarget;
    private final double[] alpha;
    private final double[] rel;
    /** Per lane the relative residual its Newton solves need in this step (see {@link #SOLVE_TOL_FACTOR}). */
    private final double[] solveTol;
    /** Lanes whose loosely solved step lost accuracy: their solves are refined fully from then on. */
    private final boolean[] exactSolves;
    private final double[] acc1;
    /** Per lane −σμ, the corrector's shift along the cones' identity. */
    private final double[] headShift;
    /** cᵀx, bᵀz and xᵀPx of every lane at the iterate {@link #evaluate} last saw (the step reuses them). */
    private final double[] cTx;
    private final double[] bTz;
    /** Per lane: whether its P̂ is positive semidefinite (read once per tile). */
    private final boolean[] convex;
    private final double[] xPx;
    private final double[] tauDir;
    private final double[] bSum;
    /** Per-lane state of the iteration. */
    private final boolean[] running;
    private final boolean[] handedBack;
    private final boolean[] restored;
    /** Lanes that go on to another step and need their scaling at the new iterate, and whether it is interior. */
    private final boolean[] rescale;
    private final boolean[] interior;
    /** Lanes whose last evaluated iterate met the settings' tolerance. */
    private final boolean[] meetsTolerance;
    private final double[] initialMu;
    private final double[] prevMerit;
    private final int[] iters;
    private final int[] smallSteps;
    private final int[] extra;
    /** One lane's unscaled iterate for {@link ScaledSolutionWriter}. */
    private final double[] laneX;
    private final double[] laneZ;
    private final double[] laneS;
    private final boolean fullFallback;
    /** A refined Newton solve worse than this (relative) hands its lane back. */
    private final double fallbackTol;

    TileInteriorPointMethod(IpmLayout layout, int lanes) {
        this.layout = layout;
        this.lanes = lanes;
        n = layout.n;
        m = layout.m;
        zero = layout.zero;
        ineqEnd = layout.zero + layout.nonneg;
        data = new ScaledTile(layout, lanes);
        soc = layout.socCount() > 0 ? new TileSocCones(layout, lanes) : null;
        kkt = new TileNewtonSystem(data, soc);
        convexityWork = layout.pPattern == null ? null : new QuasiDefiniteLdl(n);
        int nl = n * lanes;
        int ml = m * lanes;
        x = new double[nl];
        z = new double[ml];
        s = new double[ml];
        w = new double[ml];
        lambda = new double[ml];
        px = new double[nl];
        ax = new double[ml];
        atz = new double[nl];
        rx = new double[nl];
        rz = new double[ml];
        x1 = new double[nl];
        z1 = new double[ml];
        x2 = new double[nl];
        z2 = new double[ml];
        dx = new double[nl];
        dz = new double[ml];
        ds = new double[ml];
        dxa = new double[nl];
        dza = new double[ml];
        dsa = new double[ml];
        rhsX = new double[nl];
        rhsZ = new double[ml];
        dsTarget = new double[ml];
        workM = new double[ml];
        workM2 = new double[ml];
        zeros = new double[zero * lanes];
        xPrev = new double[nl];
        zPrev = new double[ml];
        sPrev = new double[ml];
        tau = new double[lanes];
        kappa = new double[lanes];
        tauPrev = new double[lanes];
        kappaPrev = new double[lanes];
        stats = new double[ResidualStats.WIDTH * lanes];
        dInv = new double[ml];
        eInv = new double[nl];
        statsInvTau = new double[lanes];
        xSize = new double[lanes];
        zSize = new double[lanes];
        primalMax = new double[7 * lanes];
        dualMax = new double[7 * lanes];
        dTau = new double[lanes];
        dKappa = new double[lanes];
        mu = new double[lanes];
        invTau = new double[lanes];
        rTau = new double[lanes];
        denom = new double[lanes];
        sigma = new double[lanes];
        dKappaTarget = new double[lanes];
        alpha = new double[lanes];
        rel = new double[lanes];
        solveTol = new double[lanes];
        exactSolves = new boolean[lanes];
        acc1 = new double[lanes];
        headShift = new double[lanes];
        cTx = new double[lanes];
        bTz = new double[lanes];
        xPx = new double[lanes];
        tauDir = new double[lanes];
        bSum = new double[lanes];
        running = new boolean[lanes];
        handedBack = new boolean[lanes];
        restored = new boolean[lanes];
        rescale = new boolean[lanes];
        interior = new boolean[lanes];
        meetsTolerance = new boolean[lanes];
        convex = new boolean[lanes];
        initialMu = new double[lanes];
        prevMerit = new double[lanes];
        iters = new int[lanes];
        smallSteps = new int[lanes];
        extra = new int[lanes];
        laneX = new double[n];
        laneZ = new double[m];
        laneS = new double[m];
        fullFallback = n + (long) m <= ReducedKkt.MAX_FULL_ORDER;
        fallbackTol = soc == null ? ReducedKkt.FALLBACK_TOL : SOC_FALLBACK_TOL;
    }

    /**
     * Solves instances {@code first … first + live − 1} of the batch in the tile's lanes and writes each
     * one's result into {@code out}, except those handed back.
     *
     * @param listener progress of lane 0 at every iteration, or null
     * @return the instances handed back (to be solved one at a time), possibly none
     */
    int[] solve(BatchConeProgram batch, int first, int live, SolverSettings settings, long deadline,
                IterationListener listener, BatchSolution.Builder out) {
        long t0 = System.nanoTime();
        data.load(batch, first, settings.equilibrate());
        for (int t = 0; t < m * lanes; t++) {
            dInv[t] = 1 / data.d[t];
        }
        for (int t = 0; t < n * lanes; t++) {
            eInv[t] = 1 / (data.e[t] * data.costScale[t % lanes]);
        }
        double setup = (System.nanoTime() - t0) * 1e-9;
        long start = System.nanoTime();
        Arrays.fill(handedBack, false);
        Arrays.fill(meetsTolerance, false);
        for (int l = 0; l < lanes; l++) {
            running[l] = l < live;
            iters[l] = 0;
            smallSteps[l] = 0;
            extra[l] = 0;
            prevMerit[l] = Double.POSITIVE_INFINITY;
        }
        data.convexLanes(live, convex, convexityWork);
        for (int l = 0; l < live; l++) {
            if (!convex[l]) {
                Arrays.fill(stats, l * ResidualStats.WIDTH, (l + 1) * ResidualStats.WIDTH, Double.NaN);
                finish(l, SolverStatus.FAILED, first, start, setup, out);
            }
        }
        SolverSettings target = settings.toBuilder().epsAbs(Math.min(settings.epsAbs(), InteriorPointMethod.TARGET_EPS))
                .epsRel(Math.min(settings.epsRel(), InteriorPointMethod.TARGET_EPS)).build();
        int limit = Math.min(settings.maxIters(), InteriorPointMethod.MAX_ITERATIONS);
        Arrays.fill(solveTol, NewtonSystem.REFINE_TOL);
        Arrays.fill(exactSolves, false);
        initialize();
        complementarities(initialMu);
        int steps = 0; // every lane computes every step: the tile's lane-iterations are steps × lanes
        while (true) {
            evaluate();
            boolean anyRestored = false;
            boolean late = Deadline.passed(deadline, System.nanoTime()); // once for all lanes of this iteration
            for (int l = 0; l < lanes; l++) {
                restored[l] = false;
                rescale[l] = false;
                if (!running[l]) {
                    continue;
                }
                int so = l * ResidualStats.WIDTH;
                boolean solutionScale = tau[l] >= kappa[l];
                double merit = solutionScale ? InteriorPointMethod.merit(stats, so) : Double.POSITIVE_INFINITY;
                if (InteriorPointMethod.lostAccuracy(merit, prevMerit[l], tau[l], kappa[l], tauPrev[l], kappaPrev[l])) {
                    // The last step lost accuracy: back to the iterate before it, and stop there if that
                    // meets the tolerances or the step's solves were refined fully. Otherwise the step,
                    // made of loosely refined solves, is taken again, refined fully from then on (KB2 with
                    // its objective cut 10⁻⁵ below the optimum turned to its certificate so, not at its
                    // first try).
                    restore(l);
                    anyRestored = true;
                    if (solveTol[l] > NewtonSystem.REFINE_TOL && !meetsTolerance[l]) {
                        exactSolves[l] = true;
                        solveTol[l] = NewtonSystem.REFINE_TOL;
                        rescale[l] = true;
                    } else {
                        restored[l] = true;
                    }
                    continue;
                }
                prevMerit[l] = merit;
                if (listener != null && l == 0) {
                    listener.onCheck(iters[l], stats[so + ResidualStats.PRIMAL_RES], stats[so + ResidualStats.DUAL_RES],
                            stats[so + ResidualStats.GAP], stats[so + ResidualStats.PRIMAL_OBJ], 0,
                            (System.nanoTime() - start) * 1e-9);
                }
                SolverStatus status = Termination.check(stats, so, target);
                if ((status == SolverStatus.INFEASIBLE || status == SolverStatus.UNBOUNDED)
                        && !InteriorPointMethod.certificateStands(status, settings, stats, so, tau[l], kappa[l],
                        complementarity(l), initialMu[l])) {
                    status = null;
                }
                // (Solved at the target's tolerance, never looser than the settings', is solved at theirs.)
                meetsTolerance[l] = status == SolverStatus.SOLVED
                        || Termination.check(stats, so, settings) == SolverStatus.SOLVED;
                if (status == null && meetsTolerance[l] && extra[l]++ >= InteriorPointMethod.EXTRA_ITERATIONS) {
                    status = SolverStatus.SOLVED;
                }
                if (status == null && (iters[l] >= limit || smallSteps[l] >= InteriorPointMethod.MAX_SMALL_STEPS
                        || late)) {
                    stop(l, settings, deadline, first, start, setup, out);
                } else if (status != null) {
                    finish(l, status, first, start, setup, out);
                } else {
                    rescale[l] = true;
                    solveTol[l] = solutionScale && !exactSolves[l]
                            ? Math.max(NewtonSystem.REFINE_TOL, SOLVE_TOL_FACTOR * merit) : NewtonSystem.REFINE_TOL;
                }
            }
            updateScaling();
            for (int l = 0; l < lanes; l++) {
                if (rescale[l] && !interior[l]) {
                    stop(l, settings, deadline, first, start, setup, out);
                }
            }
            if (anyRestored) {
                evaluate();
                for (int l = 0; l < lanes; l++) {
                    if (restored[l]) {
                        stop(l, settings, deadline, first, start, setup, out);
                    }
                }
            }
            if (!anyRunning()) {
                break;
            }
            save();
            step();
            steps++;
            for (int l = 0; l < lanes; l++) {
                if (!running[l]) {
                    continue;
                }
                if (!(alpha[l] > InteriorPointMethod.MIN_STEP)) {
                    smallSteps[l]++;
                    if (!(alpha[l] >= 0)) {
                        stop(l, settings, deadline, first, start, setup, out);
                        continue;
                    }
                } else {
                    smallSteps[l] = 0;
                }
                iters[l]++;
            }
        }
        out.addLaneIterations((long) steps * lanes);
        int count = 0;
        for (int l = 0; l < live; l++) {
            count += handedBack[l] ? 1 : 0;
        }
        int[] back = new int[count];
        for (int l = 0, k = 0; l < live; l++) {
            if (handedBack[l]) {
                back[k++] = first + l;
            }
        }
        return back;
    }

    private boolean anyRunning() {
        for (int l = 0; l < lanes; l++) {
            if (running[l]) {
                return true;
            }
        }
        return false;
    }

    /**
     * Stops lane l where its iteration cannot go on, with {@link InteriorPointMethod#stopped}'s status. A
     * lane with second-order cones that is not SOLVED there is handed back instead: its Newton solves may
     * have been less accurate than the single instance's (see {@link #SOC_FALLBACK_TOL}). Not once the
     * deadline has passed: the single instance would stop at its start, and the lane's own result is kept.
     */
    private void stop(int l, SolverSettings settings, long deadline, int first, long start, double setup,
                      BatchSolution.Builder out) {
        SolverStatus status = InteriorPointMethod.stopped(stats, l * ResidualStats.WIDTH, settings);
        if (soc != null && fullFallback && status != SolverStatus.SOLVED
                && !Deadline.passed(deadline, System.nanoTime())) {
            handBack(l);
        } else {
            finish(l, status, first, start, setup, out);
        }
    }

    /** Writes lane l's result as instance {@code first + l} and retires the lane. */
    private void finish(int l, SolverStatus status, int first, long start, double setup, BatchSolution.Builder out) {
        for (int j = 0; j < n; j++) {
            laneX[j] = x[j * lanes + l];
        }
        for (int i = 0; i < m; i++) {
            laneZ[i] = z[i * lanes + l];
            laneS[i] = s[i * lanes + l];
        }
        ScaledSolutionWriter.write(status, iters[l], (System.nanoTime() - start) * 1e-9, setup, first + l, out, stats,
                l * ResidualStats.WIDTH, tau[l], data.costScale[l], laneX, 0, laneZ, 0, laneS, 0, data.d, l, data.e, l,
                lanes);
        out.recordScaling(first + l, data.d, data.e, data.costScale[l], l, lanes);
        retire(l);
    }

    /** Stops a lane: it keeps its iterate and a unit scaling, so that its share of the tile's work stays finite. */
    private void retire(int l) {
        running[l] = false;
        for (int i = zero; i < ineqEnd; i++) {
            w[i * lanes + l] = 1;
            lambda[i * lanes + l] = 1;
        }
        if (soc != null) {
            soc.identity(l, w, lambda);
        }
    }

    /** Retires a lane whose Newton solve the reduction could not make accurate: the caller solves it alone. */
    private void handBack(int l) {
        handedBack[l] = true;
        retire(l);
    }

    /**
     * Hands back the running lanes whose last Newton solve missed the tile's tolerance; with second-order
     * cones a lane whose iterate already meets the settings' tolerance goes on instead.
     */
    private void handBackInaccurate() {
        if (!fullFallback) {
            return; // no full system to fall back to: the instance would keep the reduced solve too
        }
        for (int l = 0; l < lanes; l++) {
            if (running[l] && !(rel[l] <= Math.max(fallbackTol, solveTol[l]))) {
                if (soc == null || !meetsTolerance[l]) {
                    handBack(l);
                }
                // (Past the requested tolerance with second-order cones the lane goes on, reaching for
                // more with the solve it has: the single instance's full system solves no better there,
                // and a step that loses accuracy is undone by the setback rule.)
            }
        }
    }

    private void save() {
        System.arraycopy(x, 0, xPrev, 0, x.length);
        System.arraycopy(z, 0, zPrev, 0, z.length);
        System.arraycopy(s, 0, sPrev, 0, s.length);
        System.arraycopy(tau, 0, tauPrev, 0, lanes);
        System.arraycopy(kappa, 0, kappaPrev, 0, lanes);
    }

    private void restore(int l) {
        for (int j = 0; j < n; j++) {
            x[j * lanes + l] = xPrev[j * lanes + l];
        }
        for (int i = 0; i < m; i++) {
            z[i * lanes + l] = zPrev[i * lanes + l];
            s[i * lanes + l] = sPrev[i * lanes + l];
        }
        tau[l] = tauPrev[l];
        kappa[l] = kappaPrev[l];
    }

    /**
     * The NT scaling of the lanes marked {@link #rescale} at their iterates; {@link #interior} says which of
     * them are still inside the cones (where s or z left them, the lane's w and λ are not to be read).
     */
    private void updateScaling() {
        Arrays.fill(interior, true);
        LaneLoops.scaling(s, z, rescale, zero, ineqEnd, lanes, w, lambda, interior);
        if (soc != null) {
            for (int l = 0; l < lanes; l++) {
                if (rescale[l] && interior[l]) {
                    interior[l] = soc.update(l, s, z, w, lambda);
                }
            }
        }
    }

    /** {@link InteriorPointMethod}'s starting point, every lane at once. */
    private void initialize() {
        Arrays.fill(w, 1);
        Arrays.fill(lambda, 1);
        if (soc != null) {
            for (int l = 0; l < lanes; l++) {
                soc.identity(l, w, lambda);
            }
        }
        kkt.factor(w);
        boolean linear = layout.pPattern == null;
        for (int t = 0; t < rhsX.length; t++) {
            rhsX[t] = linear ? 0 : -data.c[t];
        }
        System.arraycopy(data.b, 0, rhsZ, 0, rhsZ.length);
        kkt.solve(rhsX, rhsZ, x, z, running, rel);
        handBackInaccurate();
        Arrays.fill(s, 0, zero * lanes, 0);
        for (int t = zero * lanes; t < m * lanes; t++) {
            s[t] = -z[t];
        }
        if (linear) {
            for (int t = 0; t < rhsX.length; t++) {
                rhsX[t] = -data.c[t];
            }
            Arrays.fill(rhsZ, 0);
            kkt.solve(rhsX, rhsZ, x2, z, running, rel);
            handBackInaccurate();
        }
        shiftIntoCone(s);
        shiftIntoCone(z);
        Arrays.fill(tau, 1);
        Arrays.fill(kappa, 1);
    }

    /** Lifts each lane's smallest eigenvalue over the cones to at least 1, along the cones' identity. */
    private void shiftIntoCone(double[] v) {
        Arrays.fill(acc1, Double.POSITIVE_INFINITY);
        for (int i = zero; i < ineqEnd; i++) {
            for (int l = 0; l < lanes; l++) {
                acc1[l] = Math.min(acc1[l], v[i * lanes + l]);
            }
        }
        if (soc != null) {
            soc.minEigenvalues(v, acc1);
        }
        for (int l = 0; l < lanes; l++) {
            if (acc1[l] < 1) {
                double t = 1 - acc1[l];
                for (int i = zero; i < ineqEnd; i++) {
                    v[i * lanes + l] += t;
                }
                if (soc != null) {
                    soc.addIdentity(v, l, t);
                }
            }
        }
    }

    /** Products, Newton residuals and the termination statistics of every lane. */
    private void evaluate() {
        data.multiplyP(x, px);
        data.multiplyAandAt(x, ax, z, atz);
        double[] ctx = cTx;
        double[] bty = bTz;
        double[] xpx = xPx;
        Arrays.fill(ctx, 0);
        Arrays.fill(bty, 0);
        Arrays.fill(xpx, 0);
        LaneLoops.residualRows(px, atz, data.c, tau, false, x, n, lanes, rx, ctx, xpx);
        LaneLoops.residualRows(ax, s, data.b, tau, true, z, m, lanes, rz, bty, null);
        for (int l = 0; l < lanes; l++) {
            statsInvTau[l] = 1 / tau[l];
        }
        residualMaxima(ax, s, data.b, dInv, true, m, primalMax);
        residualMaxima(px, atz, data.c, eInv, false, n, dualMax);
        Arrays.fill(xSize, 0);
        Arrays.fill(zSize, 0);
        LaneLoops.maxAbsProduct(data.e, x, 0, n, lanes, xSize);
        LaneLoops.maxAbsProduct(data.d, z, 0, m, lanes, zSize);
        for (int l = 0; l < lanes; l++) {
            fillStats(l, ctx[l], bty[l], xpx[l]);
        }
    }

    /**
     * {@link Lanes8Kernels#residualMaxima} of every lane (stopped lanes too: their statistics are not
     * read again), on the SIMD kernels where they run.
     */
    private void residualMaxima(double[] p, double[] q, double[] r, double[] inv, boolean subtract, int count,
                                double[] out) {
        Lanes8Kernels simd = lanes == 8 ? LaneSimd.kernels() : null;
        if (simd != null) {
            simd.residualMaxima(p, q, r, inv, statsInvTau, subtract, count, out);
            return;
        }
        Arrays.fill(out, 0);
        for (int i = 0; i < count; i++) {
            for (int l = 0; l < lanes; l++) {
                int t = i * lanes + l;
                double f = inv[t];
                double u = p[t] * f;
                double v = q[t] * f;
                double w = r[t] * f;
                double uv = u + v;
                double scaled = uv * statsInvTau[l];
                out[l] = Math.max(out[l], Math.abs(subtract ? scaled - w : scaled + w));
                out[lanes + l] = Math.max(out[lanes + l], Math.abs(u * statsInvTau[l]));
                out[2 * lanes + l] = Math.max(out[2 * lanes + l], Math.abs(v * statsInvTau[l]));
                out[3 * lanes + l] = Math.max(out[3 * lanes + l], Math.abs(w));
                out[4 * lanes + l] = Math.max(out[4 * lanes + l], Math.abs(uv));
                out[5 * lanes + l] = Math.max(out[5 * lanes + l], Math.abs(u));
                out[6 * lanes + l] = Math.max(out[6 * lanes + l], Math.abs(v));
            }
        }
    }

    /** {@link InteriorPointMethod}'s statistics of lane l on the unscaled program. */
    private void fillStats(int l, double ctx, double bty, double xpx) {
        double cs = data.costScale[l];
        double invT = statsInvTau[l];
        double pri = primalMax[l];
        double axN = primalMax[lanes + l];
        double sN = primalMax[2 * lanes + l];
        double bN = primalMax[3 * lanes + l];
        double certAxs = primalMax[4 * lanes + l];
        double dua = dualMax[l];
        double pxN = dualMax[lanes + l];
        double atyN = dualMax[2 * lanes + l];
        double cN = dualMax[3 * lanes + l];
        double certPx = dualMax[5 * lanes + l];
        double certAty = dualMax[6 * lanes + l];
        double xPx = xpx * invT * invT / cs;
        double cTx = ctx * invT / cs;
        double bTy = bty * invT / cs;
        int so = l * ResidualStats.WIDTH;
        double[] st = stats;
        st[so + ResidualStats.PRIMAL_RES] = pri;
        st[so + ResidualStats.PRIMAL_SCALE] = Math.max(axN, Math.max(sN, bN));
        st[so + ResidualStats.DUAL_RES] = dua;
        st[so + ResidualStats.DUAL_SCALE] = Math.max(pxN, Math.max(atyN, cN));
        st[so + ResidualStats.GAP] = Math.abs(xPx + cTx + bTy);
        st[so + ResidualStats.GAP_SCALE] = Math.max(Math.abs(xPx), Math.max(Math.abs(cTx), Math.abs(bTy)));
        st[so + ResidualStats.PRIMAL_OBJ] = 0.5 * xPx + cTx;
        st[so + ResidualStats.DUAL_OBJ] = -0.5 * xPx - bTy;
        st[so + ResidualStats.TAU] = tau[l];
        st[so + ResidualStats.KAPPA] = kappa[l];
        st[so + ResidualStats.CERT_BTY] = bty / cs;
        st[so + ResidualStats.CERT_ATY] = certAty;
        st[so + ResidualStats.CERT_CTX] = ctx / cs;
        st[so + ResidualStats.CERT_AXS] = certAxs;
        st[so + ResidualStats.CERT_PX] = certPx;
        // The directions x = Ex̂ and y = Dẑ/c_s.
        st[so + ResidualStats.CERT_X_SCALE] = data.magnitudes[lanes + l] * xSize[l];
        st[so + ResidualStats.CERT_Y_SCALE] = data.magnitudes[l] * zSize[l] / cs;
    }

    /**
     * One predictor–corrector step of every running lane ({@link InteriorPointMethod}'s, lane by lane);
     * {@link #alpha} gets each lane's step length (NaN where the step broke down, the lane unmoved).
     */
    private void step() {
        complementarities(mu);
        kkt.factor(w);
        // Constant system K·(x₁, z₁) = (−c, b).
        for (int t = 0; t < rhsX.length; t++) {
            rhsX[t] = -data.c[t];
        }
        System.arraycopy(data.b, 0, rhsZ, 0, rhsZ.length);
        kkt.solve(rhsX, rhsZ, x1, z1, running, rel, solveTol);
        handBackInaccurate();
        kkt.judge(solveTol); // how the predictor's and corrector's solves may skip their residuals
        // ξ = x/τ terms of the linearized third equation.
        // (cᵀx, bᵀz and xᵀPx are those of evaluate(), which ran at this iterate.)
        double[] xiPxi = acc1;
        for (int l = 0; l < lanes; l++) {
            invTau[l] = 1 / tau[l];
            xiPxi[l] = xPx[l] * (invTau[l] * invTau[l]);
            rTau[l] = kappa[l] + cTx[l] + bTz[l] + xiPxi[l] * tau[l];
        }
        tauDirection(x1, z1, tauDir);
        for (int l = 0; l < lanes; l++) {
            denom[l] = tauDir[l] - xiPxi[l] - kappa[l] * invTau[l];
        }

        // Predictor (affine scaling): d_s = λ∘λ, d_κ = τκ.
        for (int t = zero * lanes; t < ineqEnd * lanes; t++) {
            dsTarget[t] = lambda[t] * lambda[t];
        }
        if (soc != null) {
            soc.product(lambda, lambda, dsTarget);
        }
        for (int l = 0; l < lanes; l++) {
            dKappaTarget[l] = tau[l] * kappa[l];
            sigma[l] = 1; // η = 1 for the predictor
        }
        direction(sigma, dsTarget, dKappaTarget, dxa, dza, dsa);
        maxSteps(dsa, dza, 1, alpha);
        for (int l = 0; l < lanes; l++) {
            double sg = Math.pow(1 - alpha[l], 3);
            sigma[l] = sg;
            // Corrector targets: d_κ = τκ + Δτ_aΔκ_a − σμ.
            dKappaTarget[l] = tau[l] * kappa[l] + dTau[l] * dKappa[l] - sg * mu[l];
        }
        // d_s = λ∘λ + (W⁻¹Δs_a)∘(WΔz_a) − σμe.
        for (int l = 0; l < lanes; l++) {
            headShift[l] = -sigma[l] * mu[l];
        }
        LaneLoops.correctorTarget(lambda, dsa, dza, w, headShift, zero, ineqEnd, lanes, dsTarget);
        if (soc != null) {
            soc.applyW(w, dsa, workM, true);
            soc.applyW(w, dza, workM2, false);
            soc.product(workM, workM2, workM);
            soc.product(lambda, lambda, dsTarget);
            for (int t = ineqEnd * lanes; t < m * lanes; t++) {
                dsTarget[t] += workM[t];
            }
            soc.addIdentity(dsTarget, headShift);
        }
        for (int l = 0; l < lanes; l++) {
            sigma[l] = 1 - sigma[l]; // η = 1 − σ for the corrector
        }
        direction(sigma, dsTarget, dKappaTarget, dx, dz, ds);
        maxSteps(ds, dz, Double.POSITIVE_INFINITY, alpha);
        for (int l = 0; l < lanes; l++) {
            double a = Math.min(1, InteriorPointMethod.STEP_FRACTION * alpha[l]);
            alpha[l] = running[l] && Double.isFinite(a) && Double.isFinite(dTau[l]) && Double.isFinite(dKappa[l])
                    ? a : Double.NaN;
        }
        // (A NaN step leaves its lane where it is.)
        LaneLoops.addScaledWhereNumber(x, alpha, dx, 0, n, lanes);
        LaneLoops.addScaledWhereNumber(z, alpha, dz, 0, m, lanes);
        LaneLoops.addScaledWhereNumber(s, alpha, ds, zero, m, lanes);
        for (int l = 0; l < lanes; l++) {
            if (alpha[l] == alpha[l]) {
                tau[l] += alpha[l] * dTau[l];
                kappa[l] += alpha[l] * dKappa[l];
            }
        }
    }

    /** μ = (sᵀz + τκ)/(ν + 1) of every lane over the cone rows, in one pass (each lane summed in row order). */
    private void complementarities(double[] out) {
        java.util.Arrays.fill(out, 0);
        LaneLoops.dotAdd(s, z, zero, m, lanes, out);
        for (int l = 0; l < lanes; l++) {
            out[l] = (out[l] + tau[l] * kappa[l]) / (layout.degree + 1);
        }
    }

    /** μ = (sᵀz + τκ)/(ν + 1) of lane l. */
    private double complementarity(int l) {
        double sz = 0;
        for (int i = zero; i < m; i++) {
            sz += s[i * lanes + l] * z[i * lanes + l];
        }
        return (sz + tau[l] * kappa[l]) / (layout.degree + 1);
    }

    /** out[l] = (c + 2Pξ)ᵀu + bᵀv for ξ = x/τ, every lane (bᵀv summed apart and added last, as one instance adds it). */
    private void tauDirection(double[] u, double[] v, double[] out) {
        Arrays.fill(out, 0);
        Arrays.fill(bSum, 0);
        LaneLoops.shiftedDotAdd(data.c, px, invTau, u, n, lanes, out);
        LaneLoops.dotAdd(data.b, v, 0, m, lanes, bSum);
        for (int l = 0; l < lanes; l++) {
            out[l] += bSum[l];
        }
    }

    /**
     * The Newton direction of every lane for the targets (η·r_x, η·r_z, η·r_τ, d_s, d_κ) — see
     * {@link InteriorPointMethod}; {@link #dTau} and {@link #dKappa} get Δτ and Δκ.
     */
    private void direction(double[] eta, double[] dsT, double[] dKappaT, double[] outX, double[] outZ,
                           double[] outS) {
        // workM2 = W(λ \ d_s) on the cone rows.
        for (int t = zero * lanes; t < ineqEnd * lanes; t++) {
            workM2[t] = (dsT[t] / lambda[t]) * w[t];
        }
        if (soc != null) {
            soc.divide(lambda, dsT, workM);
            soc.applyW(w, workM, workM2, false);
        }
        LaneLoops.negatedScaledPlus(eta, rx, null, 0, n, lanes, rhsX);
        LaneLoops.negatedScaledPlus(eta, rz, zeros, 0, zero, lanes, rhsZ);
        LaneLoops.negatedScaledPlus(eta, rz, workM2, zero, m, lanes, rhsZ);
        kkt.solveJudged(rhsX, rhsZ, x2, z2, running, rel, solveTol);
        handBackInaccurate();
        tauDirection(x2, z2, tauDir);
        for (int l = 0; l < lanes; l++) {
            dTau[l] = (-eta[l] * rTau[l] + dKappaT[l] * invTau[l] - tauDir[l]) / denom[l];
        }
        LaneLoops.addScaled(x2, dTau, x1, 0, n, lanes, outX);
        LaneLoops.addScaled(z2, dTau, z1, 0, m, lanes, outZ);
        // Δs = −W(λ \ d_s) − HΔz.
        Arrays.fill(outS, 0, zero * lanes, 0);
        for (int t = zero * lanes; t < ineqEnd * lanes; t++) {
            double w2 = w[t] * w[t];
            outS[t] = -workM2[t] - outZ[t] * w2;
        }
        if (soc != null) {
            soc.applyH(w, outZ, workM, false);
            for (int t = ineqEnd * lanes; t < m * lanes; t++) {
                outS[t] = -workM2[t] - workM[t];
            }
        }
        for (int l = 0; l < lanes; l++) {
            dKappa[l] = -(dKappaT[l] + kappa[l] * dTau[l]) * invTau[l];
        }
    }

    /**
     * out[l] = the largest step in [0, limit] keeping lane l's s, z nonnegative and τ + αΔτ, κ + αΔκ
     * nonnegative ({@link #dTau}, {@link #dKappa}), every lane in one pass over the rows (a minimum:
     * the same value in any order).
     */
    private void maxSteps(double[] dS, double[] dZ, double limit, double[] out) {
        for (int l = 0; l < lanes; l++) {
            double a = limit;
            if (dTau[l] < 0) {
                a = Math.min(a, -tau[l] / dTau[l]);
            }
            if (dKappa[l] < 0) {
                a = Math.min(a, -kappa[l] / dKappa[l]);
            }
            out[l] = a;
        }
        Lanes8Kernels simd = lanes == 8 ? LaneSimd.kernels() : null;
        if (soc != null) {
            soc.limitSteps(s, dS, out);
            soc.limitSteps(z, dZ, out);
        }
        if (simd != null) {
            simd.stepLimits(s, dS, zero, ineqEnd, out);
            simd.stepLimits(z, dZ, zero, ineqEnd, out);
            return;
        }
        for (int t = zero * lanes; t < ineqEnd * lanes; t += lanes) {
            for (int l = 0; l < lanes; l++) {
                if (dS[t + l] < 0) {
                    out[l] = Math.min(out[l], -s[t + l] / dS[t + l]);
                }
            }
        }
        for (int t = zero * lanes; t < ineqEnd * lanes; t += lanes) {
            for (int l = 0; l < lanes; l++) {
                if (dZ[t + l] < 0) {
                    out[l] = Math.min(out[l], -z[t + l] / dZ[t + l]);
                }
            }
        }
    }
}
