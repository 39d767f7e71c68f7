// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import io.convexlayers.diff.residual.ResidualMapOperator;
import io.convexlayers.batch.BatchOperator;
import io.convexlayers.batch.LaneSimd;
import io.convexlayers.batch.Lanes8Kernels;
import io.convexlayers.batch.Lsqr;
import io.convexlayers.batch.LsqrResult;
import io.convexlayers.batch.CpuBatchVectors;
import io.convexlayers.batch.TileScheduler;
import io.convexlayers.batch.TileSparse;
import io.convexlayers.cone.ConeProjector;
import io.convexlayers.data.BatchArray;
import io.convexlayers.solver.linsys.TileMatrices;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.InvalidProblemException;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.Solution;
import io.convexlayers.data.SparsePattern;
import io.convexlayers.solver.SolverStatus;
import io.convexlayers.solver.hsde.Deadline;
import io.convexlayers.solver.ipm.ActiveKktMatrix;
import io.convexlayers.solver.linsys.SparseLdl;

import java.util.List;

/**
 * The derivative of the solution map (x, y, s)(P, A, b, c) of a batch of cone programs at their
 * solutions (DESIGN §6): {@link #jvp} pushes a data perturbation forward, {@link #vjp} pulls a
 * loss gradient back onto the data, each solving one linear system with M (or Mᵀ) per instance —
 * by batched LSQR or, for small programs, densely. Instances without a solution get zero results
 * with {@link DerivativeQuality#UNDEFINED}; they never affect the others.
 *
 * <p>Each instance's {@link DerivativeInfo} says how far its result can be trusted. The derivative is
 * taken at the returned solution, not the exact one, so its error follows the forward solution's:
 * {@link DerivativeInfo#estimatedError} is the relative distance ‖ẑ − z*‖/‖ẑ‖ of ẑ = (x, y − s, 1)
 * from the exact solution, estimated by one Newton step on the residual map with τ fixed
 * ({@link ForwardError}; free where an active block was factored, one more LSQR solve otherwise).
 * Against closed-form gradients of QPs, LPs, SOCPs and entropy, softmax and log-sum-exp problems
 * solved by the first-order method at eps 1e-3 … 1e-9, the actual relative error of the gradient
 * was 0.02–1.3 times this estimate. A result is ACCURATE only when the point is not a kink, the
 * linear solve met its tolerance, the solver said solved and the estimate is at most
 * {@link DerivativeSettings#accurateError}; otherwise POOR with the first such {@link DerivativeIssue}.
 *
 * <p>Everything is batch-minor (DESIGN §2), as the solver left it: the solution is read from the
 * {@link BatchSolution}'s arrays in place, and both directions take and return {@link BatchArray}s
 * (entry i of instance b at {@code i * batch + b}). The work runs in CPU tiles as the forward solve
 * did, on the {@link ExecutionSettings} given to {@link #at}.
 */
public final class SolutionDerivative {
    /**
     * A nonnegative row whose slack and dual are both below this (relative to the lane's largest
     * slack or dual), or a cone block whose s + y is this close to the cone's boundary, marks a point
     * without strict complementarity, where the solution map has a kink.
     */
    static final double KINK_TOLERANCE = 1e-5;

    /**
     * AUTO uses the sparse active block only when its factorization stays sparse: one per instance
     * costs about nnz(L)²/(n + m) flops, against LSQR's few hundred products with A and P (on the
     * paper's sparse QP, fill 19 — a dense trailing block of order 1006 — LSQR was 2× faster).
     */
    private static final double SPARSE_FILL_LIMIT = 8;

    private final BatchConeProgram program;
    private final BatchSolution solution;
    private final DerivativeSettings settings;
    private final ExecutionSettings execution;

    private SolutionDerivative(BatchConeProgram program, BatchSolution solution, DerivativeSettings settings,
                               ExecutionSettings execution) {
        if (solution.batch() != program.batch()) {
            throw new InvalidProblemException("solution", "has " + solution.batch() + " instances, program has "
                    + program.batch());
        }
        if (solution.n() != program.n() || solution.m() != program.m()) {
            throw new InvalidProblemException("solution", "has n = " + solution.n() + ", m = " + solution.m()
                    + "; the program has n = " + program.n() + ", m = " + program.m());
        }
        if (settings == null || execution == null) {
            throw new InvalidProblemException(settings == null ? "settings" : "execution", "must not be null");
        }
        this.program = program;
        this.solution = solution;
        this.settings = settings;
        this.execution = execution;
    }

    /**
     * The derivative of a batch at its solutions.
     *
     * @param execution threads and tile width (normally those the forward solve used)
     */
    public static SolutionDerivative at(BatchConeProgram program, BatchSolution solution,
                                        DerivativeSettings settings, ExecutionSettings execution) {
        return new SolutionDerivative(program, solution, settings, execution);
    }

    /** The derivative of a batch at its solutions, with {@link ExecutionSettings#defaults()}. */
    public static SolutionDerivative at(BatchConeProgram program, BatchSolution solution,
                                        DerivativeSettings settings) {
        return at(program, solution, settings, ExecutionSettings.defaults());
    }

    /** The derivative of one program at its solution (a batch of one). */
    public static SolutionDerivative at(ConeProgram program, Solution solution, DerivativeSettings settings) {
        return at(BatchConeProgram.of(program), BatchSolution.of(List.of(solution)), settings);
    }

    /**
     * Forward derivative for a perturbation of the data.
     *
     * @param dP perturbation of P's values on its pattern, or null (no change, or no P)
     * @param dA perturbation of A's values on its pattern, or null
     * @param db perturbation of b, or null
     * @param dc perturbation of c, or null
     * @return (dx, dy, ds) batch-minor, with per-instance diagnostics
     */
    public JvpResult jvp(BatchArray dP, BatchArray dA, BatchArray db, BatchArray dc) {
        int batch = program.batch();
        int n = program.n();
        int m = program.m();
        check("dP", dP, program.pPattern() == null ? 0 : program.pPattern().nnz());
        check("dA", dA, program.aPattern().nnz());
        check("db", db, m);
        check("dc", dc, n);
        if (dP != null && program.pPattern() == null) {
            throw new InvalidProblemException("dP", "the program has no P");
        }
        double[] dx = new double[n * batch];
        double[] dy = new double[m * batch];
        double[] ds = new double[m * batch];
        DerivativeInfo[] info = new DerivativeInfo[batch];
        int lanes = TileScheduler.lanesFor(batch, execution.tileLanes());
        // Tiles write disjoint instances; TileScheduler.run returns after every tile has finished.
        ActiveKktMatrix.Structure kkt = activeKktStructure();
        TileScheduler.run(batch, lanes, execution.threads(), (tile, first, tl, live) -> {
            List<Tile> todo = tiles(first, tl, live, kkt);
            for (int k = 0; k < todo.size(); k++) {
                Tile t = todo.get(k);
                if (settings.refine()) {
                    t.refine();
                }
                if (!t.jvpByActiveKkt(dP, dA, db, dc, dx, dy, ds, info)
                        && !t.jvpByFaces(dP, dA, db, dc, dx, dy, ds, info)) {
                    double[] rhs = t.jvpRightHandSide(dP, dA, db, dc);
                    double[] dz = new double[rhs.length];
                    t.solve(rhs, dz, false, info);
                    t.jvpOutputs(dz, dx, dy, ds);
                }
                t.handedBack().ifPresent(todo::add);
            }
        });
        return new JvpResult(BatchArray.batchMinor(n, batch, dx), BatchArray.batchMinor(m, batch, dy),
                BatchArray.batchMinor(m, batch, ds), info);
    }

    /**
     * Adjoint derivative for the gradients of a scalar loss with respect to x, y and s of every
     * instance (n, m and m entries per instance, batch-minor or shared; a null array means zero).
     *
     * @return (dP, dA, db, dc) batch-minor, with per-instance diagnostics
     */
    public VjpResult vjp(BatchArray dx, BatchArray dy, BatchArray ds) {
        return vjp(dx, dy, ds, true, true);
    }

    /**
     * {@link #vjp(BatchArray, BatchArray, BatchArray)} returning dP and dA only where asked (null
     * otherwise): a layer whose A or P does not depend on its parameters has no use for them, and
     * writing dA — nnz(A) entries per instance, scattered over the batch — was an eighth of an LP's
     * backward pass (n = 50, 128 instances).
     */
    public VjpResult vjp(BatchArray dx, BatchArray dy, BatchArray ds, boolean wantP, boolean wantA) {
        int batch = program.batch();
        int n = program.n();
        int m = program.m();
        check("dx", dx, n);
        check("dy", dy, m);
        check("ds", ds, m);
        boolean hasP = program.pPattern() != null;
        int nnzP = hasP ? program.pPattern().nnz() : 0;
        int nnzA = program.aPattern().nnz();
        double[] dP = hasP && wantP ? new double[nnzP * batch] : null;
        double[] dA = wantA ? new double[nnzA * batch] : null;
        double[] db = new double[m * batch];
        double[] dc = new double[n * batch];
        DerivativeInfo[] info = new DerivativeInfo[batch];
        int lanes = TileScheduler.lanesFor(batch, execution.tileLanes());
        // Tiles write disjoint instances; TileScheduler.run returns after every tile has finished.
        ActiveKktMatrix.Structure kkt = activeKktStructure();
        TileScheduler.run(batch, lanes, execution.threads(), (tile, first, tl, live) -> {
            List<Tile> todo = tiles(first, tl, live, kkt);
            for (int k = 0; k < todo.size(); k++) {
                Tile t = todo.get(k);
                if (settings.refine()) {
                    t.refine();
                }
                if (!t.vjpByActiveKkt(dx, dy, ds, dP, dA, db, dc, info)
                        && !t.vjpByFaces(dx, dy, ds, dP, dA, db, dc, info)) {
                    double[] rhs = t.vjpRightHandSide(dx, dy, ds);
                    double[] r = new double[rhs.length];
                    t.solve(rhs, r, true, info);
                    t.vjpOutputs(r, dP, dA, db, dc);
                }
                t.handedBack().ifPresent(todo::add);
            }
        });
        return new VjpResult(dP != null ? BatchArray.batchMinor(nnzP, batch, dP) : null,
                dA != null ? BatchArray.batchMinor(nnzA, batch, dA) : null, BatchArray.batchMinor(m, batch, db),
                BatchArray.batchMinor(n, batch, dc), info);
    }

    /**
     * The point each instance's derivative is taken at: its solution refined as {@link DerivativeSettings#refine}
     * refines it (whatever that setting says), batch-minor, with the steps kept and whether a first step was
     * refused; no step is started once {@code deadline} ({@link Deadline}) has passed. Instances without a
     * solution are left as they are. For {@link ResidualMapPolisher}.
     */
    RefinedPoints refinedPoints(long deadline) {
        int batch = program.batch();
        int n = program.n();
        int m = program.m();
        double[] x = solution.x().rawData().clone();
        double[] y = solution.y().rawData().clone();
        double[] s = solution.s().rawData().clone();
        int[] steps = new int[batch];
        boolean[] refused = new boolean[batch];
        int lanes = TileScheduler.lanesFor(batch, execution.tileLanes());
        // Tiles write disjoint instances; TileScheduler.run returns after every tile has finished.
        TileScheduler.run(batch, lanes, execution.threads(), (tile, first, tl, live) -> {
            Tile t = new Tile(first, tl, live, null, null);
            t.refine(deadline, true);
            for (int l = 0; l < live; l++) {
                int b = first + l;
                steps[b] = t.refinementSteps[l];
                refused[b] = t.refinementRefused[l];
                if (steps[b] == 0) {
                    continue;
                }
                for (int j = 0; j < n; j++) {
                    x[j * batch + b] = t.x[j * tl + l];
                }
                for (int i = 0; i < m; i++) {
                    y[i * batch + b] = t.y[i * tl + l];
                    s[i * batch + b] = t.s[i * tl + l];
                }
            }
        });
        return new RefinedPoints(x, y, s, steps, refused);
    }

    /** Refined solutions, batch-minor, and per instance the steps kept and whether a first step was refused. */
    record RefinedPoints(double[] x, double[] y, double[] s, int[] steps, boolean[] refused) {
    }

    /**
     * Whether the settings' mode solves every instance by LSQR alone: true for {@link DerivativeMode#LSQR};
     * for AUTO, when neither the active KKT solve nor the face solve applies, no tile's active blocks fit the dense threshold and the sparse active block does
     * not apply or would fill in (the choice {@link #vjp} makes per tile); false otherwise. Backends that
     * run only LSQR use it to decide where a batch's derivative runs.
     */
    public boolean solvesByLsqrOnly() {
        return switch (settings.mode()) {
            case LSQR -> true;
            case DENSE, SPARSE -> false;
            case AUTO -> {
                if (activeKktStructure() != null) {
                    yield false; // LPs and QPs the active KKT solve takes
                }
                if (ConeFaceStep.supports(program.cones(), program.n())) {
                    yield false; // second-order-cone programs the face solve takes (Tile.faceSystem)
                }
                int batch = program.batch();
                int lanes = TileScheduler.lanesFor(batch, execution.tileLanes());
                java.util.concurrent.atomic.AtomicBoolean other = new java.util.concurrent.atomic.AtomicBoolean();
                TileScheduler.run(batch, lanes, execution.threads(), (tile, first, tl, live) -> {
                    if (!other.get()) {
                        Tile t = new Tile(first, tl, live, null, null);
                        DenseSolve dense = t.denseSolve();
                        if (dense != null || t.sparseSolve(null)) {
                            other.set(true);
                        }
                    }
                });
                yield !other.get();
            }
        };
    }

    /**
     * The tile of instances {@code first …} as one {@link Tile}, or — where some of its lanes can be
     * solved by the active KKT solve and others cannot (a kink) — as two that
     * share the lanes out: the first with those lanes and that solve, the second with the rest.
     */
    private List<Tile> tiles(int first, int lanes, int live, ActiveKktMatrix.Structure kkt) {
        List<Tile> out = new java.util.ArrayList<>(2);
        Tile whole = new Tile(first, lanes, live, kkt, null);
        if (kkt == null || whole.kkt != null) {
            out.add(whole);
            return out;
        }
        boolean[] eligible = ActiveKktSolve.eligibleLanes(program, whole.valid, whole.kink, whole.y, whole.s);
        boolean[] rest = new boolean[lanes];
        boolean any = false;
        for (int l = 0; l < lanes; l++) {
            rest[l] = !eligible[l]; // lanes without a solution too: the second tile reports them
            any |= eligible[l];
        }
        if (!any) {
            out.add(whole);
            return out;
        }
        out.add(new Tile(first, lanes, live, kkt, eligible));
        out.add(new Tile(first, lanes, live, null, rest));
        return out;
    }

    /**
     * The active KKT matrix's structure where AUTO solves by it ({@link ActiveKktSolve}): LPs and QPs the
     * tiled interior-point method's dense Newton system takes, in tiles of at least
     * {@value ActiveKktSolve#MIN_LANES} lanes; null otherwise.
     */
    private ActiveKktMatrix.Structure activeKktStructure() {
        if (settings.mode() != DerivativeMode.AUTO
                || TileScheduler.lanesFor(program.batch(), execution.tileLanes()) < ActiveKktSolve.MIN_LANES) {
            return null;
        }
        return ActiveKktMatrix.structure(program);
    }

    private void check(String name, BatchArray arr, int length) {
        if (arr == null) {
            return;
        }
        if (arr.length() != length || arr.batch() != program.batch()) {
            throw new InvalidProblemException(name, "expected " + length + " entries for " + program.batch()
                    + " instances, got " + arr.length() + " for " + arr.batch());
        }
        arr.requireFinite(name);
    }

    /** One tile of lanes: its data, its solution and the operator M. */
    /** Eight ones: the second factor of {@link Lanes8Kernels#productDifference} where a term has none. */
    private static final double[] ONES = {1, 1, 1, 1, 1, 1, 1, 1};
    /**
     * Per thread, its tiles' values of A and P ({@link Tile#programValues}): static, so that a thread
     * holds one pair of arrays whatever the number of derivatives made (a {@code ThreadLocal} per object
     * left each dead object's arrays in the pool threads until their maps purged the entry).
     */
    private static final ThreadLocal<double[][]> PROGRAM_DATA = ThreadLocal.withInitial(() -> new double[2][]);

    private final class Tile {
        final int batch = program.batch();
        final int first;
        final int lanes;
        final int live;
        final int n = program.n();
        final int m = program.m();
        final int len = n + m + 1;
        final boolean[] valid;
        /** The lanes this tile reports on (null: all). */
        boolean[] only;
        /** Lanes the active KKT solve gave up after a refinement step made them a kink, or null. */
        private boolean[] handedBack;
        /** Lanes whose forward solution is only approximate (solved-inaccurate): at best POOR. */
        final boolean[] inaccurate;
        /**
         * Per lane, the kink of the solution map at its point ({@link DerivativeIssue#NONE} where it is
         * differentiable as far as the zero and nonnegative rows tell): at best POOR, whatever the linear
         * solve's residual.
         */
        final DerivativeIssue[] kink;
        final double[] x;
        final double[] y;
        final double[] s;
        final double[] b;
        final double[] c;
        final double[] aValues;
        final double[] pValues;
        /**
         * M at the tile's current point (x, y, s): the returned solution, or the refined one; built on first
         * use ({@link #op()}), which the active KKT solve may never make.
         */
        private ResidualMapOperator op;
        /** The solvers the mode picks at the current point, made on first use and dropped when it moves. */
        private DenseSolve dense;
        private boolean denseChosen;
        /** The dense solve of the point before the last move, and the lanes that moved, or null. */
        private DenseSolve previousDense;
        private boolean[] previousMoved;
        private SparseActiveBlock sparseBlock;
        private Boolean sparseChosen;
        /** Per lane, the estimated forward error at the current point where already computed, else NaN. */
        private final double[] knownError;
        /** Per lane, the Newton steps the refinement kept. */
        final int[] refinementSteps;
        /**
         * The active KKT matrix's solves where every valid lane is without a kink ({@link ActiveKktSolve}),
         * else null; dropped (null) once it fails in any lane.
         */
        private ActiveKktSolve kkt;
        /** The Newton step by cone faces, where the cones allow it ({@link #faceStep}); null until needed. */
        private ConeFaceStep faceStep;
        /** The last face system ({@link #facesAtPoint}) and the y and s it was factored at. */
        private ConeFaceStep.FaceSystem faces;
        private double[] facesY;
        private double[] facesS;
        /** Per lane, whether the refinement tried a first step and refused it (the point was kept). */
        final boolean[] refinementRefused;
        /** The projection onto the cones for the refinement's read-back, made on first use. */
        private ConeProjector projector;

        /**
         * @param only the lanes this tile answers for (others are left to another tile: neither solved nor
         *             reported), or null for all
         */
        Tile(int first, int lanes, int live, ActiveKktMatrix.Structure kktStructure, boolean[] only) {
            this.first = first;
            this.lanes = lanes;
            this.live = live;
            this.only = only;
            valid = new boolean[lanes];
            inaccurate = new boolean[lanes];
            kink = new DerivativeIssue[lanes];
            java.util.Arrays.fill(kink, DerivativeIssue.NONE);
            x = new double[n * lanes];
            y = new double[m * lanes];
            s = new double[m * lanes];
            BatchArray sx = solution.x();
            BatchArray sy = solution.y();
            BatchArray ss = solution.s();
            boolean whole = live == lanes;
            for (int l = 0; l < live; l++) {
                SolverStatus status = solution.status(first + l);
                valid[l] = status.hasSolution() && (only == null || only[l]);
                inaccurate[l] = valid[l] && status != SolverStatus.SOLVED;
                whole &= valid[l];
            }
            if (whole) { // every lane's point: whole rows at once
                sx.copyTile(first, lanes, x);
                sy.copyTile(first, lanes, y);
                ss.copyTile(first, lanes, s);
            } else {
                for (int l = 0; l < live; l++) {
                    if (valid[l]) { // other lanes stay zero: masked out of every solve
                        toLane(sx, x, l);
                        toLane(sy, y, l);
                        toLane(ss, s, l);
                    }
                }
            }
            for (int l = 0; l < live; l++) {
                if (valid[l]) {
                    kink[l] = atKink(l);
                }
            }
            b = new double[m * lanes];
            c = new double[n * lanes];
            program.b().copyTile(first, lanes, b);
            program.c().copyTile(first, lanes, c);
            aValues = programValues(program.aValues(), 0);
            pValues = program.pValues() == null ? null : programValues(program.pValues(), 1);
            knownError = new double[lanes];
            java.util.Arrays.fill(knownError, Double.NaN);
            refinementSteps = new int[lanes];
            refinementRefused = new boolean[lanes];
            kkt = ActiveKktSolve.at(program, kktStructure, solution.dataScaling(), first, valid, kink, x, y, s, b, c,
                    aValues, pValues);
        }

        /** M at the current point, built now if not yet. */
        ResidualMapOperator op() {
            if (op == null) {
                op = operatorAtPoint();
            }
            return op;
        }

        /** M at the current (x, y, s). */
        ResidualMapOperator operatorAtPoint() {
            BatchArray pv = program.pValues();
            return new ResidualMapOperator(program.cones(), lanes, program.aPattern(), aValues,
                    program.aValues().isShared(), program.pPattern(), pValues, pv == null || pv.isShared(), b, c,
                    x, y, s);
        }

        /**
         * Makes {@code next} the tile's M after the lanes in {@code moved} moved: the solvers chosen for the
         * old point are dropped, except that the next dense solve reuses the unmoved lanes' factorizations.
         */
        void moveTo(ResidualMapOperator next, boolean[] moved) {
            op = next;
            previousDense = dense;
            previousMoved = moved;
            dense = null;
            denseChosen = false;
            sparseBlock = null;
            sparseChosen = null;
        }

        /**
         * Refines the valid lanes' solutions by Newton steps ({@link SolutionRefinement}) where their
         * estimated forward error is above {@link SolutionRefinement#REFINE_ABOVE}, except at a degenerate
         * point ({@link DerivativeIssue#KINK_DEGENERATE}); the estimates at the
         * final point that the refinement computed are kept for {@link #forwardError}. Kinks are judged
         * again at the refined point, and a solved-inaccurate lane the refinement made accurate is no
         * longer held to its solver's verdict.
         */
        void refine() {
            refine(Deadline.NONE);
        }

        /** {@link #refine()}, taking no step once {@code deadline} ({@link Deadline}) has passed. */
        void refine(long deadline) {
            refine(deadline, false);
        }

        /**
         * {@link #refine(long)}; {@code damped} (polishing) takes up to {@link SolutionRefinement#DAMPED_STEPS}
         * steps where {@link ConeFaceStep} computes them, and a lane whose full step does not lower its residual
         * tries a half, a quarter … ({@link SolutionRefinement#HALVINGS} times) before it is refused: from a
         * first-order point at eps 1e-5 a cone's face can still be wrong, and the full step then overshoots.
         */
        void refine(long deadline, boolean damped) {
            boolean faces = ConeFaceStep.supports(program.cones(), n) && kkt == null;
            int maxSteps = damped && faces ? SolutionRefinement.DAMPED_STEPS : SolutionRefinement.MAX_STEPS;
            boolean[] active = new boolean[lanes];
            for (int l = 0; l < lanes; l++) {
                // More active rows than variables is a property of the solution, not of its accuracy: no step
                // can remove that kink (and on the paper's sparse QP, 2048 rows for n = 1024, three LSQR
                // steps cost 2.3× the backward pass for nothing).
                active[l] = valid[l] && kink[l] != DerivativeIssue.KINK_DEGENERATE;
            }
            for (int step = 0; step < maxSteps; step++) {
                if (Deadline.passed(deadline, System.nanoTime())) {
                    return;
                }
                boolean any = false;
                for (int l = 0; l < lanes; l++) {
                    any |= active[l];
                }
                if (!any) {
                    return;
                }
                double[] z = SolutionRefinement.point(x, y, s, n, m, valid);
                ForwardError.ExactPoints exact = activeKktExactPoints();
                if (exact == null && faces) {
                    exact = facesAtPoint().exactPoints(b, c, x, active);
                } else if (exact == null) {
                    boolean[] byBlock = new boolean[lanes];
                    boolean[] byLsqr = new boolean[lanes];
                    for (int l = 0; l < lanes; l++) {
                        if (active[l]) {
                            byBlock[l] = blockFactored(l);
                            byLsqr[l] = !byBlock[l];
                        }
                    }
                    exact = ForwardError.exactPoints(op(), z, nullVectorIf(byBlock), byBlock, byLsqr,
                            settings.lsqr().limits());
                }
                boolean[] move = new boolean[lanes];
                boolean anyMove = false;
                for (int l = 0; l < lanes; l++) {
                    if (active[l]) {
                        knownError[l] = exact.error()[l];
                        // (Polishing also tries a face step whose solve did not converge, NaN: the system of a
                        // wrongly guessed face can be singular, and its regularized step still a descent one.)
                        move[l] = exact.error()[l] > SolutionRefinement.REFINE_ABOVE
                                && Double.isFinite(exact.error()[l]) || damped && faces && Double.isNaN(exact.error()[l]);
                        anyMove |= move[l];
                    }
                }
                if (!anyMove) {
                    return;
                }
                // ‖R(z)‖/‖z‖ before and after: from the KKT residuals where the active KKT solve runs (no M built).
                ConeFaceStep merit = damped && faces ? faceStep() : null;
                double[] before = kkt != null ? kkt.relativeResidual() : merit != null
                        ? merit.relativeResidual(b, c, x, y, s, valid) : SolutionRefinement.relativeResidual(op(), z);
                double[] oldX = x.clone();
                double[] oldY = y.clone();
                double[] oldS = s.clone();
                SolutionRefinement.readBack(exact.zStar(), projector(), n, m, move, x, y, s);
                ResidualMapOperator candidate = kkt != null || merit != null ? null : operatorAtPoint();
                double[] after = kkt != null ? kkt.relativeResidual() : merit != null
                        ? merit.relativeResidual(b, c, x, y, s, valid)
                        : SolutionRefinement.relativeResidual(candidate, SolutionRefinement.point(x, y, s, n, m, valid));
                if (merit != null) {
                    dampSteps(merit, z, exact.zStar(), move, before, after);
                }
                boolean refused = false;
                java.util.Arrays.fill(active, false);
                for (int l = 0; l < lanes; l++) {
                    if (!move[l]) {
                        continue;
                    }
                    if (after[l] < before[l]) {
                        refinementSteps[l]++;
                        knownError[l] = Double.NaN;
                        active[l] = true;
                    } else {
                        refused = true;
                        refinementRefused[l] |= refinementSteps[l] == 0;
                        for (int j = 0; j < n; j++) {
                            x[j * lanes + l] = oldX[j * lanes + l];
                        }
                        for (int i = 0; i < m; i++) {
                            y[i * lanes + l] = oldY[i * lanes + l];
                            s[i * lanes + l] = oldS[i * lanes + l];
                        }
                    }
                }
                boolean anyKept = false;
                for (int l = 0; l < lanes; l++) {
                    anyKept |= active[l];
                }
                if (!anyKept) {
                    return; // every step was refused: the point, M and its solvers are those of before
                }
                moveTo(refused ? null : candidate, active.clone()); // null: M is built again when needed
                for (int l = 0; l < lanes; l++) {
                    if (refinementSteps[l] > 0 && valid[l]) {
                        kink[l] = atKink(l);
                        if (kink[l] != DerivativeIssue.NONE && kkt != null) {
                            handBack(l); // T is singular at a kink: the general solves judge it
                        }
                    }
                }
            }
        }

        /**
         * For the lanes in {@code move} whose full step from z to zStar did not lower the residual
         * ({@code after} ≥ {@code before}): z + α·(zStar − z) for α = ½, ¼, … until one does; {@code after}
         * gets the residual of the point each such lane ends at (the last one tried where none did, which the
         * caller then refuses). Returns whether any lane was damped.
         */
        /** The tile's projection onto the cones (its blocks hold workspace, so it is made once per tile). */
        ConeProjector projector() {
            if (projector == null) {
                projector = new ConeProjector(program.cones(), lanes);
            }
            return projector;
        }

        void dampSteps(ConeFaceStep merit, double[] z, double[] zStar, boolean[] move, double[] before,
                       double[] after) {
            boolean[] retry = new boolean[lanes];
            boolean any = false;
            for (int l = 0; l < lanes; l++) {
                retry[l] = move[l] && !(after[l] < before[l]);
                any |= retry[l];
            }
            if (!any) {
                return;
            }
            ConeProjector projector = projector();
            double[] mid = new double[zStar.length];
            double alpha = 1;
            for (int h = 0; h < SolutionRefinement.HALVINGS && any; h++) {
                alpha *= 0.5;
                for (int k = 0; k < mid.length; k++) {
                    mid[k] = z[k] + alpha * (zStar[k] - z[k]);
                }
                SolutionRefinement.readBack(mid, projector, n, m, retry, x, y, s);
                double[] next = merit.relativeResidual(b, c, x, y, s, valid);
                any = false;
                for (int l = 0; l < lanes; l++) {
                    if (retry[l]) {
                        after[l] = next[l];
                        retry[l] = !(next[l] < before[l]);
                        any |= retry[l];
                    }
                }
            }
        }

        /** The tile's {@link ConeFaceStep}, made once (its face pattern depends on the structure only). */
        ConeFaceStep faceStep() {
            if (faceStep == null) {
                BatchArray pv = program.pValues();
                faceStep = new ConeFaceStep(program.cones(), new TileMatrices(program.aPattern(), aValues,
                        program.aValues().isShared(), program.pPattern(), pValues, pv == null || pv.isShared(), lanes));
            }
            return faceStep;
        }


        /**
         * Every valid lane's exact point and forward error by the active KKT solve's Newton step, or null
         * (no such solve, or it failed in a lane: then it is dropped for the tile).
         */
        ForwardError.ExactPoints activeKktExactPoints() {
            if (kkt == null) {
                return null;
            }
            ForwardError.ExactPoints exact = kkt.exactPoints();
            if (exact == null) {
                kkt = null;
            }
            return exact;
        }

        /**
         * The adjoint derivative by the active KKT solve ({@link ActiveKktSolve}): T·(u, v) = (∂x, ∂y on
         * active rows, ∂s on inactive ones), then {@link #vjpOutputs} with r = (u, −v, 0). False, with
         * nothing written, where the tile has no such solve or a lane's solve is not exact.
         */
        boolean vjpByActiveKkt(BatchArray gx, BatchArray gy, BatchArray gs, double[] dP, double[] dA, double[] db,
                                 double[] dc, DerivativeInfo[] info) {
            if (kkt == null) {
                return false;
            }
            int nl = n * lanes;
            double[] g = new double[(n + m) * lanes];
            double[] gxT = liveLanes(gx, n);
            double[] gyT = liveLanes(gy, m);
            double[] gsT = liveLanes(gs, m);
            System.arraycopy(gxT, 0, g, 0, nl);
            for (int k = 0; k < m * lanes; k++) {
                g[nl + k] = kkt.active(k) ? gyT[k] : gsT[k];
            }
            double[] z = new double[g.length];
            double[] rel = kkt.solve(g, z);
            double[] forward = activeKktForwardError(rel);
            if (forward == null) {
                return false;
            }
            double[] r = new double[len * lanes];
            System.arraycopy(z, 0, r, 0, nl);
            for (int k = nl; k < (n + m) * lanes; k++) {
                r[k] = -z[k];
            }
            vjpOutputs(r, dP, dA, db, dc);
            exactSolveInfo(DerivativeMethod.ACTIVE_KKT, rel, forward, info);
            return true;
        }

        /**
         * The forward derivative by the active KKT solve: T·(u, v) = (−dP·x − dc − dAᵀy, (db − dA·x) on
         * active rows, 0 on inactive ones); dx = u, dy = v and ds = 0 on active rows, dy = 0 and
         * ds = db − dA·x − A·u on inactive ones. False, with nothing written, as {@link #vjpByActiveKkt}.
         */
        boolean jvpByActiveKkt(BatchArray dP, BatchArray dA, BatchArray db, BatchArray dc, double[] dx, double[] dy,
                                 double[] ds, DerivativeInfo[] info) {
            if (kkt == null) {
                return false;
            }
            int nl = n * lanes;
            int ml = m * lanes;
            DataDirection d = direction(dP, dA, db, dc);
            double[] g = new double[nl + ml];
            double[] f2 = new double[ml]; // db − dA·x
            for (int k = 0; k < nl; k++) {
                g[k] = -(d.aty[k] + (d.px[k] + d.c[k]));
            }
            for (int k = 0; k < ml; k++) {
                f2[k] = d.b[k] - d.ax[k];
                g[nl + k] = kkt.active(k) ? f2[k] : 0;
            }
            maskInvalidRows(g, n + m);
            double[] z = new double[g.length];
            double[] rel = kkt.solve(g, z);
            double[] forward = activeKktForwardError(rel);
            if (forward == null) {
                return false;
            }
            double[] au = new double[ml];
            TileSparse.multiplyAdd(program.aPattern(), aValues, program.aValues().isShared(), lanes, z, 0, au, 0);
            for (int j = 0; j < n; j++) {
                for (int l = 0; l < live; l++) {
                    if (valid[l]) {
                        dx[j * batch + first + l] = z[j * lanes + l];
                    }
                }
            }
            for (int i = 0; i < m; i++) {
                for (int l = 0; l < live; l++) {
                    if (valid[l]) {
                        int k = i * lanes + l;
                        boolean act = kkt.active(k);
                        dy[i * batch + first + l] = act ? z[nl + k] : 0;
                        ds[i * batch + first + l] = act ? 0 : f2[k] - au[k];
                    }
                }
            }
            exactSolveInfo(DerivativeMethod.ACTIVE_KKT, rel, forward, info);
            return true;
        }

        /**
         * The tile's face system at its point where AUTO differentiates by the cones' faces
         * ({@link ConeFaceStep}: programs with second-order cones besides zero and nonnegative ones, every
         * valid lane without a kink), else null.
         */
        ConeFaceStep.FaceSystem faceSystem() {
            if (settings.mode() != DerivativeMode.AUTO || !ConeFaceStep.supports(program.cones(), n)) {
                return null;
            }
            boolean any = false;
            for (int l = 0; l < lanes; l++) {
                if (valid[l] && kink[l] != DerivativeIssue.NONE) {
                    return null;
                }
                any |= valid[l];
            }
            return any ? facesAtPoint() : null;
        }

        /**
         * The face system at the tile's current y and s, factored once per point: the refinement's last
         * estimate, the forward error and the derivative's solves share it where the point did not move.
         */
        ConeFaceStep.FaceSystem facesAtPoint() {
            if (faces == null || !java.util.Arrays.equals(y, facesY) || !java.util.Arrays.equals(s, facesS)) {
                faces = faceStep().at(y, s);
                facesY = y.clone();
                facesS = s.clone();
            }
            return faces;
        }

        /**
         * The forward derivative through the cones' faces ({@link ConeFaceStep.FaceSystem#jvp}); false, with
         * nothing written, where it does not apply or a lane's solve is not exact (the general solves then run).
         */
        boolean jvpByFaces(BatchArray dP, BatchArray dA, BatchArray db, BatchArray dc, double[] dx, double[] dy,
                           double[] ds, DerivativeInfo[] info) {
            ConeFaceStep.FaceSystem faces = faceSystem();
            if (faces == null) {
                return false;
            }
            int nl = n * lanes;
            int ml = m * lanes;
            DataDirection d = direction(dP, dA, db, dc);
            double[] f1 = new double[nl];
            double[] f2 = new double[ml];
            for (int k = 0; k < nl; k++) {
                f1[k] = -(d.aty[k] + (d.px[k] + d.c[k]));
            }
            for (int k = 0; k < ml; k++) {
                f2[k] = d.b[k] - d.ax[k];
            }
            maskInvalidRows(f1, n);
            maskInvalidRows(f2, m);
            double[] tx = new double[nl];
            double[] ty = new double[ml];
            double[] ts = new double[ml];
            double[] rel = faces.jvp(f1, f2, valid, tx, ty, ts);
            double[] forward = facesForwardError(faces, rel);
            if (forward == null) {
                return false;
            }
            for (int l = 0; l < live; l++) {
                if (!valid[l]) {
                    continue;
                }
                for (int j = 0; j < n; j++) {
                    dx[j * batch + first + l] = tx[j * lanes + l];
                }
                for (int i = 0; i < m; i++) {
                    dy[i * batch + first + l] = ty[i * lanes + l];
                    ds[i * batch + first + l] = ts[i * lanes + l];
                }
            }
            exactSolveInfo(DerivativeMethod.CONE_FACES, rel, forward, info);
            return true;
        }

        /**
         * The adjoint derivative through the cones' faces ({@link ConeFaceStep.FaceSystem#vjp}), then
         * {@link #vjpOutputs} with r = (u, −w, 0); false, with nothing written, as {@link #jvpByFaces}.
         */
        boolean vjpByFaces(BatchArray gx, BatchArray gy, BatchArray gs, double[] dP, double[] dA, double[] db,
                           double[] dc, DerivativeInfo[] info) {
            ConeFaceStep.FaceSystem faces = faceSystem();
            if (faces == null) {
                return false;
            }
            int nl = n * lanes;
            int ml = m * lanes;
            double[] u = new double[nl];
            double[] w = new double[ml];
            double[] rel = faces.vjp(liveLanes(gx, n), liveLanes(gy, m), liveLanes(gs, m), valid, u, w);
            double[] forward = facesForwardError(faces, rel);
            if (forward == null) {
                return false;
            }
            double[] r = new double[len * lanes];
            System.arraycopy(u, 0, r, 0, nl);
            for (int k = 0; k < ml; k++) {
                r[nl + k] = -w[k];
            }
            maskInvalidRows(r, len);
            vjpOutputs(r, dP, dA, db, dc);
            exactSolveInfo(DerivativeMethod.CONE_FACES, rel, forward, info);
            return true;
        }

        /**
         * Each lane's forward error for a face solve's result (the refinement's estimate, else the face
         * system's Newton step at this point), or null where a valid lane's solve was not exact.
         */
        double[] facesForwardError(ConeFaceStep.FaceSystem faces, double[] rel) {
            boolean unknown = false;
            for (int l = 0; l < lanes; l++) {
                if (valid[l] && !(rel[l] <= ActiveKktSolve.EXACT_RESIDUAL)) {
                    return null;
                }
                unknown |= valid[l] && Double.isNaN(knownError[l]);
            }
            double[] est = knownError.clone();
            if (unknown) {
                double[] fresh = faces.exactPoints(b, c, x, valid).error();
                for (int l = 0; l < lanes; l++) {
                    if (valid[l] && Double.isNaN(est[l])) {
                        est[l] = Double.isNaN(fresh[l]) ? Double.POSITIVE_INFINITY : fresh[l];
                    }
                }
            }
            return est;
        }

        /**
         * Each lane's forward error for the active KKT solve's result, or null (the solve is dropped) when a
         * valid lane's linear solve was not exact or the error estimate failed.
         */
        double[] activeKktForwardError(double[] rel) {
            for (int l = 0; l < lanes; l++) {
                if (valid[l] && !(rel[l] <= ActiveKktSolve.EXACT_RESIDUAL)) {
                    kkt = null;
                    return null;
                }
            }
            double[] est = new double[lanes];
            boolean unknown = false;
            for (int l = 0; l < lanes; l++) {
                est[l] = knownError[l];
                unknown |= valid[l] && Double.isNaN(est[l]);
            }
            if (unknown) {
                ForwardError.ExactPoints exact = activeKktExactPoints();
                if (exact == null) {
                    return null;
                }
                for (int l = 0; l < lanes; l++) {
                    if (valid[l] && Double.isNaN(est[l])) {
                        est[l] = exact.error()[l];
                    }
                }
            }
            return est;
        }

        /**
         * Whether this tile reports lane l's diagnostics from its solve: false for a lane another tile
         * reports, and for a lane without a solution, whose NO_SOLUTION diagnostics it writes here.
         */
        private boolean reportsOwnSolution(int l, DerivativeInfo[] info) {
            if (only != null && !only[l]) {
                return false; // another tile reports this lane
            }
            if (!valid[l]) {
                info[first + l] = new DerivativeInfo(DerivativeQuality.UNDEFINED, 0, 0, DerivativeMethod.NONE,
                        Double.NaN, DerivativeIssue.NO_SOLUTION);
                return false;
            }
            return true;
        }

        /**
         * The live lanes' diagnostics after an exact solve ({@code method}: the active KKT solve or the face
         * solve) with relative residuals {@code rel} and forward errors {@code forward}.
         */
        void exactSolveInfo(DerivativeMethod method, double[] rel, double[] forward, DerivativeInfo[] info) {
            for (int l = 0; l < live; l++) {
                if (!reportsOwnSolution(l, info)) {
                    continue;
                }
                DerivativeIssue issue = issue(l, true, forward[l]);
                DerivativeQuality q = issue == DerivativeIssue.NONE ? DerivativeQuality.ACCURATE : DerivativeQuality.POOR;
                info[first + l] = new DerivativeInfo(q, 0, rel[l], method, forward[l], issue, DerivativeDevice.CPU,
                        refinementSteps[l]);
            }
        }

        /** Zeroes the invalid lanes of a tile vector of {@code rows} entries per lane. */
        void maskInvalidRows(double[] v, int rows) {
            for (int i = 0; i < rows; i++) {
                for (int l = 0; l < lanes; l++) {
                    if (!valid[l]) {
                        v[i * lanes + l] = 0;
                    }
                }
            }
        }

        /**
         * Takes lane l out of this tile (its point became a kink under the active KKT solve's refinement):
         * no longer solved or reported here, it goes to {@link #handedBack}'s tile from its returned point.
         */
        void handBack(int l) {
            if (only == null) {
                only = new boolean[lanes];
                java.util.Arrays.fill(only, true);
            }
            if (handedBack == null) {
                handedBack = new boolean[lanes];
            }
            only[l] = false;
            valid[l] = false;
            handedBack[l] = true;
        }

        /** A tile of the lanes handed back ({@link #handBack}), for the general solves; empty if none. */
        java.util.Optional<Tile> handedBack() {
            return handedBack == null ? java.util.Optional.empty()
                    : java.util.Optional.of(new Tile(first, lanes, live, null, handedBack));
        }

        /** Whether lane l's active block (dense or sparse, as the mode picks) was factored. */
        boolean blockFactored(int l) {
            DenseSolve d = denseSolve();
            if (d != null) {
                return d.blockFactored(l);
            }
            return sparseSolve(null) && sparseBlock().factored(l);
        }

        /** M's near-null vectors from the active block, or null when no lane in {@code byBlock} needs them. */
        double[] nullVectorIf(boolean[] byBlock) {
            for (boolean bl : byBlock) {
                if (bl) {
                    DenseSolve d = denseSolve();
                    return d != null ? d.nullVector() : new ActiveSetSolve(op(), valid, sparseBlock()).nullVector();
                }
            }
            return null;
        }

        SparseActiveBlock sparseBlock() {
            if (sparseBlock == null) {
                sparseBlock = new SparseActiveBlock(op(), valid);
            }
            return sparseBlock;
        }

        /**
         * The kink of the solution map at lane l's point: {@link DerivativeRules#kinkAt}.
         */
        DerivativeIssue atKink(int l) {
            return DerivativeRules.kinkAt(program, first + l, y, s, lanes, l);
        }

        /**
         * The tile's values of the program's A (slot 0) or P (slot 1), in the worker thread's array for that slot:
         * every tile a thread makes at one place of the batch holds the same values, and a thread finishes one
         * place before it takes the next, so the arrays serve every tile it makes (no 8·nnz allocation per tile).
         */
        double[] programValues(BatchArray arr, int slot) {
            if (arr.isShared()) {
                return arr.rawData();
            }
            double[][] held = PROGRAM_DATA.get();
            int length = arr.length() * lanes;
            if (held[slot] == null || held[slot].length != length) {
                held[slot] = new double[length];
            }
            arr.copyTile(first, lanes, held[slot]);
            return held[slot];
        }

        double[] values(BatchArray arr) {
            if (arr.isShared()) {
                return arr.rawData();
            }
            double[] out = new double[arr.length() * lanes];
            arr.copyTile(first, lanes, out);
            return out;
        }

        /** Copies instance {@code first + lane} of a batch array into lane {@code lane} of a tile vector. */
        void toLane(BatchArray src, double[] dst, int lane) {
            int b = first + lane;
            for (int i = 0; i < src.length(); i++) {
                dst[i * lanes + lane] = src.get(i, b);
            }
        }

        /** dQ(π) = (dP·x + dAᵀy + dc, −dA·x + db, −dcᵀx − dbᵀy − xᵀdP·x). */
        double[] jvpRightHandSide(BatchArray dP, BatchArray dA, BatchArray db, BatchArray dc) {
            double[] rhs = new double[len * lanes];
            int nl = n * lanes;
            int w = (n + m) * lanes;
            DataDirection d = direction(dP, dA, db, dc);
            for (int k = 0; k < nl; k++) {
                rhs[k] = d.aty[k] + (d.px[k] + d.c[k]);
                rhs[w + k % lanes] -= d.c[k] * x[k] + x[k] * d.px[k];
            }
            for (int k = 0; k < m * lanes; k++) {
                rhs[nl + k] = -d.ax[k] + d.b[k];
                rhs[w + k % lanes] -= d.b[k] * y[k];
            }
            maskInvalid(rhs);
            return rhs;
        }

        /** A data perturbation's products at the tile's point, each n or m × lanes: dP·x, dAᵀy, dA·x, dc, db. */
        record DataDirection(double[] px, double[] aty, double[] ax, double[] c, double[] b) {
        }

        /** {@link DataDirection} of (dP, dA, db, dc), any of them null (zero). */
        DataDirection direction(BatchArray dP, BatchArray dA, BatchArray db, BatchArray dc) {
            int nl = n * lanes;
            double[] px = new double[nl];
            if (dP != null) {
                TileSparse.symmetricMultiplyAdd(program.pPattern(), values(dP), dP.isShared(), lanes, x, 0, px, 0);
            }
            double[] aty = new double[nl];
            double[] ax = new double[m * lanes];
            if (dA != null) {
                double[] vals = values(dA);
                TileSparse.transposeMultiplyAdd(program.aPattern(), vals, dA.isShared(), lanes, y, 0, aty, 0);
                TileSparse.multiplyAdd(program.aPattern(), vals, dA.isShared(), lanes, x, 0, ax, 0);
            }
            double[] c = new double[nl];
            double[] b = new double[m * lanes];
            if (dc != null) {
                dc.copyTile(first, lanes, c);
            }
            if (db != null) {
                db.copyTile(first, lanes, b);
            }
            return new DataDirection(px, aty, ax, c, b);
        }

        /** A batch array's live lanes as a tile vector of {@code rows} entries per lane (padding lanes and null: zero). */
        double[] liveLanes(BatchArray arr, int rows) {
            double[] out = new double[rows * lanes];
            if (arr != null) {
                for (int l = 0; l < live; l++) {
                    toLane(arr, out, l);
                }
            }
            return out;
        }

        /** dz = (dx, DΠᵀ(dy + ds) − ds, −(xᵀdx + yᵀdy + sᵀds)). */
        double[] vjpRightHandSide(BatchArray gx, BatchArray gy, BatchArray gs) {
            double[] rhs = new double[len * lanes];
            int nl = n * lanes;
            int w = (n + m) * lanes;
            double[] gxT = liveLanes(gx, n);
            double[] gyT = liveLanes(gy, m);
            double[] gsT = liveLanes(gs, m);
            System.arraycopy(gxT, 0, rhs, 0, nl);
            double[] sum = new double[m * lanes];
            for (int k = 0; k < sum.length; k++) {
                sum[k] = gyT[k] + gsT[k];
            }
            op().coneDerivative().applyTranspose(sum, 0, rhs, nl);
            for (int k = 0; k < m * lanes; k++) {
                rhs[nl + k] -= gsT[k];
                rhs[w + k % lanes] -= y[k] * gyT[k] + s[k] * gsT[k];
            }
            for (int k = 0; k < nl; k++) {
                rhs[w + k % lanes] -= x[k] * gxT[k];
            }
            maskInvalid(rhs);
            return rhs;
        }

        void maskInvalid(double[] v) {
            maskInvalidRows(v, len);
        }

        /** The dense solve the mode picks for this tile at its current point, or null (made once per point). */
        DenseSolve denseSolve() {
            if (!denseChosen) {
                denseChosen = true;
                DerivativeMode mode = settings.mode();
                if (mode == DerivativeMode.DENSE || mode == DerivativeMode.AUTO) {
                    DenseSolve candidate = new DenseSolve(op(), valid, y, s, previousDense, previousMoved);
                    int limit = mode == DerivativeMode.AUTO
                            ? Math.min(settings.denseThreshold(), DenseSolve.MAX_ORDER) : DenseSolve.MAX_ORDER;
                    dense = candidate.maxActiveSize() > limit ? null : candidate;
                }
            }
            return dense;
        }

        /** Whether the mode picks the sparse active block for this tile (when it picked no dense solve). */
        boolean sparseSolve(DenseSolve dense) {
            if (sparseChosen == null) {
                DerivativeMode mode = settings.mode();
                sparseChosen = dense == null && (mode == DerivativeMode.SPARSE || mode == DerivativeMode.AUTO)
                        && SparseActiveBlock.applies(op(), valid)
                        && (mode == DerivativeMode.SPARSE || SchurComplementCg.applies(op().tileMatrices())
                        || SparseLdl.fillRatio(op().tileMatrices()) <= SPARSE_FILL_LIMIT);
            }
            return sparseChosen;
        }

        /**
         * Solves M·out = rhs (or Mᵀ·out = rhs) per lane at the tile's current point (refined first when
         * the settings ask) and records diagnostics of the live lanes.
         */
        void solve(double[] rhs, double[] out, boolean transpose, DerivativeInfo[] info) {
            DenseSolve dense = denseSolve();
            boolean sparse = sparseSolve(dense);
            BatchOperator<double[]> k = transpose ? op().transposed() : op();
            SparseActiveBlock sparseBlock = null;
            int[] iters = new int[lanes];
            boolean[] exact = new boolean[lanes];
            DerivativeMethod[] method = new DerivativeMethod[lanes];
            java.util.Arrays.fill(method, DerivativeMethod.LSQR);
            if (dense != null) {
                exact = dense.solve(rhs, out, transpose);
                boolean[] done = new boolean[lanes];
                for (int l = 0; l < lanes; l++) {
                    done[l] = exact[l] || dense.solvedBySvd(l);
                    method[l] = exact[l] ? DerivativeMethod.DENSE_ACTIVE_BLOCK
                            : dense.solvedBySvd(l) ? DerivativeMethod.DENSE_SVD : DerivativeMethod.LSQR;
                }
                lsqrWhereNotExact(k, rhs, out, done, iters); // lanes whose M was too large for an SVD
            } else if (sparse) {
                sparseBlock = sparseBlock();
                exact = new ActiveSetSolve(op(), valid, sparseBlock).solve(rhs, out, transpose);
                for (int l = 0; l < lanes; l++) {
                    method[l] = exact[l] ? DerivativeMethod.SPARSE_ACTIVE_BLOCK : DerivativeMethod.LSQR;
                }
            }
            if (dense == null) {
                lsqrWhereNotExact(k, rhs, out, exact, iters);
            }
            double[] check = new double[len * lanes];
            k.apply(out, check);
            double[] forward = forwardError(dense, sparseBlock, method);
            for (int l = 0; l < live; l++) {
                if (!reportsOwnSolution(l, info)) {
                    continue;
                }
                double rr = 0;
                double bb = 0;
                for (int i = 0; i < len; i++) {
                    double d = check[i * lanes + l] - rhs[i * lanes + l];
                    rr += d * d;
                    bb += rhs[i * lanes + l] * rhs[i * lanes + l];
                }
                double rel = bb > 0 ? Math.sqrt(rr / bb) : 0;
                boolean finite = Double.isFinite(rel);
                // An exact active-block solve is accurate whatever its residual: that residual is the part
                // of the right-hand side outside M's range, set by the forward solution's accuracy (which
                // the estimate judges).
                DerivativeIssue issue = issue(l, finite && (exact[l] || rel <= settings.poorResidual()), forward[l]);
                DerivativeQuality q = issue == DerivativeIssue.NONE ? DerivativeQuality.ACCURATE : DerivativeQuality.POOR;
                info[first + l] = new DerivativeInfo(q, iters[l], finite ? rel : Double.POSITIVE_INFINITY,
                        method[l], forward[l], issue, DerivativeDevice.CPU, refinementSteps[l]);
                if (!finite) {
                    for (int i = 0; i < len; i++) {
                        out[i * lanes + l] = 0; // never hand NaN on
                    }
                }
            }
        }

        /**
         * The first reason lane l's result is not accurate: a kink, a forward solution the solver called
         * inaccurate or whose estimated effect exceeds {@link DerivativeSettings#accurateError}, a poor
         * linear solve (the derivative's, or the estimate's LSQR); {@link DerivativeIssue#NONE} if none.
         */
        DerivativeIssue issue(int l, boolean solved, double estimate) {
            // A solved-inaccurate solution that the refinement brought within the accurate error is judged
            // by where the derivative was taken, not by the solver's verdict on the point it returned.
            boolean refinedAccurate = refinementSteps[l] > 0 && estimate <= settings.accurateError();
            return DerivativeRules.issue(kink[l], inaccurate[l] && !refinedAccurate, solved, estimate, settings);
        }

        /**
         * Each lane's relative forward error ({@link ForwardError}): from M's near-null vector where an
         * active block was factored, by one LSQR solve elsewhere.
         */
        double[] forwardError(DenseSolve dense, SparseActiveBlock sparseBlock, DerivativeMethod[] method) {
            double[] est = new double[lanes];
            boolean[] byBlock = new boolean[lanes];
            boolean[] byLsqr = new boolean[lanes];
            for (int l = 0; l < lanes; l++) {
                if (!valid[l]) {
                    continue;
                }
                if (!Double.isNaN(knownError[l])) {
                    est[l] = knownError[l]; // computed at this point by the refinement
                    continue;
                }
                byBlock[l] = method[l] == DerivativeMethod.DENSE_ACTIVE_BLOCK
                        || method[l] == DerivativeMethod.SPARSE_ACTIVE_BLOCK;
                byLsqr[l] = !byBlock[l];
            }
            double[] nullVector = null;
            for (int l = 0; l < lanes && nullVector == null; l++) {
                if (byBlock[l]) {
                    nullVector = dense != null ? dense.nullVector()
                            : new ActiveSetSolve(op(), valid, sparseBlock).nullVector();
                }
            }
            double[] z = SolutionRefinement.point(x, y, s, n, m, valid);
            double[] fresh = ForwardError.exactPoints(op(), z, nullVector, byBlock, byLsqr, settings.lsqr().limits())
                    .error();
            for (int l = 0; l < lanes; l++) {
                if (byBlock[l] || byLsqr[l]) {
                    est[l] = fresh[l];
                }
            }
            return est;
        }

        /** LSQR for the lanes not solved exactly (all lanes in LSQR mode). */
        void lsqrWhereNotExact(BatchOperator<double[]> k, double[] rhs, double[] out, boolean[] exact, int[] iters) {
            double[] masked = rhs.clone();
            boolean any = false;
            for (int l = 0; l < lanes; l++) {
                any |= valid[l] && !exact[l];
                for (int i = 0; i < len && exact[l]; i++) {
                    masked[i * lanes + l] = 0;
                }
            }
            if (!any) {
                return;
            }
            double[] sol = new double[out.length];
            CpuBatchVectors vecs = new CpuBatchVectors(lanes);
            LsqrResult r = new Lsqr<>(vecs, k, settings.lsqr().limits()).solve(masked, sol);
            for (int l = 0; l < lanes; l++) {
                if (!exact[l]) {
                    iters[l] = r.iterations()[l];
                    for (int i = 0; i < len; i++) {
                        out[i * lanes + l] = sol[i * lanes + l];
                    }
                }
            }
        }

        /** dx = −(du − x·dw), dy = −(DΠ·dv − y·dw), ds = −(DΠ·dv − dv − s·dw). */
        void jvpOutputs(double[] dz, double[] dx, double[] dy, double[] ds) {
            int nl = n * lanes;
            int w = (n + m) * lanes;
            double[] dpdv = new double[m * lanes];
            op().coneDerivative().apply(dz, nl, dpdv, 0);
            // Entry-major, lanes innermost, as vjpOutputs writes.
            for (int j = 0; j < n; j++) {
                for (int l = 0; l < live; l++) {
                    if (valid[l]) {
                        int k = j * lanes + l;
                        dx[j * batch + first + l] = -(dz[k] - x[k] * dz[w + l]);
                    }
                }
            }
            for (int i = 0; i < m; i++) {
                for (int l = 0; l < live; l++) {
                    if (valid[l]) {
                        int k = i * lanes + l;
                        double dw = dz[w + l];
                        dy[i * batch + first + l] = -(dpdv[k] - y[k] * dw);
                        ds[i * batch + first + l] = -(dpdv[k] - dz[nl + k] - s[k] * dw);
                    }
                }
            }
        }

        /**
         * dA_ij = x_j r_y,i − y_i r_x,j; db = y r_w − r_y; dc = x r_w − r_x;
         * dP = r_w xxᵀ − ½(r_x xᵀ + x r_xᵀ), an off-diagonal upper entry collecting both positions.
         * Written batch-minor: entry k of instance b at {@code k * batch + b}.
         */
        void vjpOutputs(double[] r, double[] dP, double[] dA, double[] db, double[] dc) {
            int nl = n * lanes;
            int w = (n + m) * lanes;
            SparsePattern ap = program.aPattern();
            SparsePattern pp = program.pPattern();
            if (live == lanes && allValid()) {
                vjpOutputsAllLanes(r, dP, dA, db, dc);
                return;
            }
            // Entry-major, lanes innermost: a tile's instances of one entry are adjacent in the batch-minor
            // outputs (one cache line), where lane-major writes touched a new line per entry.
            for (int j = 0; j < n; j++) {
                int kj = j * lanes;
                if (dA != null) {
                    for (int k = ap.colStart(j); k < ap.colStart(j + 1); k++) {
                        int ki = ap.rowIndex(k) * lanes;
                        int o = k * batch + first;
                        for (int l = 0; l < live; l++) {
                            if (valid[l]) {
                                dA[o + l] = x[kj + l] * r[nl + ki + l] - y[ki + l] * r[kj + l];
                            }
                        }
                    }
                }
                for (int l = 0; l < live; l++) {
                    if (valid[l]) {
                        dc[j * batch + first + l] = x[kj + l] * r[w + l] - r[kj + l];
                    }
                }
            }
            for (int i = 0; i < m; i++) {
                int ki = i * lanes;
                for (int l = 0; l < live; l++) {
                    if (valid[l]) {
                        db[i * batch + first + l] = y[ki + l] * r[w + l] - r[nl + ki + l];
                    }
                }
            }
            if (pp != null && dP != null) {
                for (int j = 0; j < n; j++) {
                    int kj = j * lanes;
                    for (int k = pp.colStart(j); k < pp.colStart(j + 1); k++) {
                        int i = pp.rowIndex(k);
                        int ki = i * lanes;
                        int o = k * batch + first;
                        for (int l = 0; l < live; l++) {
                            if (valid[l]) {
                                double rw = r[w + l];
                                double g = rw * x[ki + l] * x[kj + l]
                                        - 0.5 * (r[ki + l] * x[kj + l] + x[ki + l] * r[kj + l]);
                                dP[o + l] = i == j ? g : 2 * g;
                            }
                        }
                    }
                }
            }
        }
        /** {@link #vjpOutputsAllLanes} on the SIMD kernels (a tile of eight): the same expressions, bit for bit. */
        private void vjpOutputsSimd(Lanes8Kernels k, double[] r, double[] dP, double[] dA, double[] db, double[] dc) {
            int nl = n * 8;
            int w = (n + m) * 8;
            SparsePattern ap = program.aPattern();
            SparsePattern pp = program.pPattern();
            for (int j = 0; j < n; j++) {
                int kj = j * 8;
                if (dA != null) {
                    for (int q = ap.colStart(j); q < ap.colStart(j + 1); q++) {
                        int ki = ap.rowIndex(q) * 8;
                        k.productDifference(x, kj, r, nl + ki, y, ki, r, kj, dA, q * batch + first);
                    }
                }
                k.productDifference(x, kj, r, w, r, kj, ONES, 0, dc, j * batch + first); // r·1 is r
            }
            for (int i = 0; i < m; i++) {
                int ki = i * 8;
                k.productDifference(y, ki, r, w, r, nl + ki, ONES, 0, db, i * batch + first);
            }
            if (pp == null || dP == null) {
                return;
            }
            for (int j = 0; j < n; j++) {
                int kj = j * 8;
                for (int q = pp.colStart(j); q < pp.colStart(j + 1); q++) {
                    int i = pp.rowIndex(q);
                    k.symmetricGradient(r, w, x, i * 8, kj, i == j ? 1 : 2, dP, q * batch + first);
                }
            }
        }

        /** Whether every lane of the tile holds a valid solution. */
        private boolean allValid() {
            for (boolean v : valid) {
                if (!v) {
                    return false;
                }
            }
            return true;
        }

        /**
         * {@link #vjpOutputs} for a full tile of valid lanes: the same expressions in the same order, with
         * no per-lane test in the inner loops, so that the compiler can run a tile entry's lanes as one
         * vector operation.
         */
        private void vjpOutputsAllLanes(double[] r, double[] dP, double[] dA, double[] db, double[] dc) {
            int nl = n * lanes;
            int w = (n + m) * lanes;
            SparsePattern ap = program.aPattern();
            SparsePattern pp = program.pPattern();
            Lanes8Kernels simd = lanes == 8 ? LaneSimd.kernels() : null;
            if (simd != null) {
                vjpOutputsSimd(simd, r, dP, dA, db, dc);
                return;
            }
            for (int j = 0; j < n; j++) {
                int kj = j * lanes;
                if (dA != null) {
                    for (int k = ap.colStart(j); k < ap.colStart(j + 1); k++) {
                        int ki = ap.rowIndex(k) * lanes;
                        int o = k * batch + first;
                        for (int l = 0; l < lanes; l++) {
                            dA[o + l] = x[kj + l] * r[nl + ki + l] - y[ki + l] * r[kj + l];
                        }
                    }
                }
                int o = j * batch + first;
                for (int l = 0; l < lanes; l++) {
                    dc[o + l] = x[kj + l] * r[w + l] - r[kj + l];
                }
            }
            for (int i = 0; i < m; i++) {
                int ki = i * lanes;
                int o = i * batch + first;
                for (int l = 0; l < lanes; l++) {
                    db[o + l] = y[ki + l] * r[w + l] - r[nl + ki + l];
                }
            }
            if (pp == null || dP == null) {
                return;
            }
            for (int j = 0; j < n; j++) {
                int kj = j * lanes;
                for (int k = pp.colStart(j); k < pp.colStart(j + 1); k++) {
                    int ki = pp.rowIndex(k) * lanes;
                    int o = k * batch + first;
                    double factor = pp.rowIndex(k) == j ? 1 : 2;
                    for (int l = 0; l < lanes; l++) {
                        double g = r[w + l] * x[ki + l] * x[kj + l] - 0.5 * (r[ki + l] * x[kj + l] + x[ki + l] * r[kj + l]);
                        dP[o + l] = factor * g;
                    }
                }
            }
        }
    }
}
