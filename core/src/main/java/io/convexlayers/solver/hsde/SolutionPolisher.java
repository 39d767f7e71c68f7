// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.hsde;

import io.convexlayers.batch.TileScheduler;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.LinearSystemKind;
import io.convexlayers.solver.PolishStatus;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import io.convexlayers.solver.linsys.LinearSystem;
import io.convexlayers.solver.linsys.LinearSystemFactory;
import io.convexlayers.solver.linsys.TileMatrices;

import java.util.Arrays;

/**
 * Solution polishing for programs whose cones are zero and nonnegative (LPs and QPs), the step
 * OSQP calls polish (Stellato et al., "OSQP", Math. Prog. Comp. 2020, §5.2), run on the unscaled
 * solution once the first-order solve has terminated.
 *
 * <p>The active set is guessed from the solution: every zero-cone row, and the nonnegative rows
 * with y_i &gt; s_i. With A_A those rows, the point solves the equality-constrained KKT system
 * <pre>
 *   [ P     A_Aᵀ ] [x  ]   [−c ]
 *   [ A_A   0    ] [y_A] = [b_A],     y_i = 0 off the active set,
 * </pre>
 * which is factored in its regularized quasi-definite form [[P + δI, Aᵀ], [A, −diag(r)]] with
 * r_i = δ on active rows and 1/δ on the others (so those rows decouple), its right-hand side
 * shifted by δ·(x0, −y0_A) so that the regularization is proximal about the solver's point, by one
 * vectorized factorization for the tile's lanes: the dense reduced Cholesky of P + δI + Aᵀdiag(r)⁻¹A
 * where that is the cheaper one (small dense programs), else the sparse LDLᵀ, ordering cached per
 * pattern ({@link LinearSystemFactory#kindForFewSolves}). The dense factor takes instances in tiles of
 * {@value #SIMD_LANES} lanes (its vectorized kernels' width; the last instance repeated to fill one),
 * the sparse one as they come (a padded lane would cost as much as a real one there). A
 * {@link Workspace} keeps the tile's data arrays and factorization from one call to the next (early
 * polishing calls the polisher at many checks). Iterative
 * refinement against the unregularized system removes δ. Then y is projected onto K* and
 * s = Π_K(b − Ax). The polished point replaces the solver's only when the largest of its
 * termination ratios (residual over ε_abs + ε_rel·scale, {@link Termination#optimalityRatio}) is
 * smaller; an instance that was solved-inaccurate and whose polished point meets the tolerances is
 * then solved. Every instance records a {@link PolishStatus}.
 */
public final class SolutionPolisher {
    /** Regularization δ of the quasi-definite factorization. */
    static final double DELTA = 1e-7;
    /** Upper bound on iterative-refinement steps (they stop earlier once the residual stalls). */
    static final int MAX_REFINEMENT = 8;
    /** Lanes of the vectorized factorization kernels: smaller tiles are padded to this width. */
    static final int SIMD_LANES = 8;

    private SolutionPolisher() {
    }

    /** Whether {@code settings}' polishing rule polishes the first-order solutions of {@code batch}. */
    public static boolean polishes(SolverSettings settings, BatchConeProgram batch) {
        return settings.polishing().polishes(batch.cones(), batch.n(), batch.m());
    }

    /** True when this active-set polisher applies to programs with these cones (zero and nonnegative only). */
    public static boolean supports(ConeDims cones) {
        return cones.soc().length == 0 && cones.psd().length == 0 && cones.exp() == 0 && cones.dualExp() == 0
                && cones.power().length == 0;
    }

    /**
     * Polishes every instance of {@code out} that has a solution, tiles of
     * {@link ExecutionSettings#tileLanes()} instances spread over the execution's threads; does
     * nothing when {@link SolverSettings#polishing()} does not polish the batch.
     */
    public static void polishBatch(BatchConeProgram batch, SolverSettings settings, ExecutionSettings execution,
                                   BatchSolution.Builder out, long deadlineNanos) {
        if (!polishes(settings, batch) || !supports(batch.cones())) {
            return;
        }
        int total = batch.batch();
        int lanes = TileScheduler.lanesFor(total, execution.tileLanes());
        TileScheduler.run(total, lanes, execution.threads(), (tile, first, tileLanes, live) ->
                polish(batch, settings, out, first, live, deadlineNanos));
    }

    /**
     * Polishes instances {@code [first, first + count)} of {@code out} (those with a solution that
     * polishing has not improved already), in place; does nothing when {@link SolverSettings#polishing()}
     * does not polish the batch, the cones are not supported, or the solve's time limit has passed (a factorization of a
     * large problem can take as long as its whole solve: CONT-300 went from 24 to 42 s).
     *
     * @param deadlineNanos the solve's {@link Deadline}, or {@link Deadline#NONE}
     */
    public static void polish(BatchConeProgram batch, SolverSettings settings, BatchSolution.Builder out,
                              int first, int count, long deadlineNanos) {
        polish(new Workspace(batch), settings, out, first, count, deadlineNanos);
    }

    /**
     * {@link #polish(BatchConeProgram, SolverSettings, BatchSolution.Builder, int, int, long)} on the
     * workspace's batch, reusing its arrays and factorization.
     */
    public static void polish(Workspace workspace, SolverSettings settings, BatchSolution.Builder out,
                              int first, int count, long deadlineNanos) {
        BatchConeProgram batch = workspace.batch;
        if (!polishes(settings, batch) || !supports(batch.cones()) || Deadline.passed(deadlineNanos, System.nanoTime())) {
            return;
        }
        long t0 = System.nanoTime();
        int[] chosen = new int[count];
        int lanes = 0;
        for (int k = first; k < first + count; k++) {
            SolverStatus st = out.status(k);
            if (st != null && st.hasSolution() && out.polish(k) != PolishStatus.SUCCEEDED) {
                chosen[lanes++] = k;
            }
        }
        if (lanes == 0) {
            return;
        }
        int[] instances = Arrays.copyOf(chosen, lanes);
        Result r = polishInstances(workspace, settings, out, instances);
        double seconds = (System.nanoTime() - t0) * 1e-9 / lanes;
        for (int l = 0; l < lanes; l++) {
            int b = instances[l];
            if (!(r.ratio[l] < r.ratioBefore[l] || (Double.isNaN(r.ratioBefore[l]) && Double.isFinite(r.ratio[l])))) {
                out.recordPolish(b, PolishStatus.REJECTED, out.status(b), 0, 0, 0, 0, 0, seconds);
                continue;
            }
            SolverStatus status = out.status(b);
            if (status == SolverStatus.SOLVED_INACCURATE && r.ratio[l] <= 1) {
                status = SolverStatus.SOLVED;
            }
            r.writeBack(out, l, status, seconds);
        }
    }

    /**
     * Polishes the points that {@code out}'s storage holds for the given instances (nothing is
     * written back; see {@link Result#writeBack}).
     */
    static Result polishInstances(Workspace workspace, SolverSettings settings, BatchSolution.Builder out,
                                  int[] instances) {
        if (workspace.kind() != LinearSystemKind.DENSE) {
            return polishLanes(workspace, settings, out, instances);
        }
        int parts = (instances.length + SIMD_LANES - 1) / SIMD_LANES;
        Result[] results = new Result[parts];
        for (int k = 0; k < parts; k++) {
            results[k] = polishLanes(workspace, settings, out, padded(Arrays.copyOfRange(instances,
                    k * SIMD_LANES, Math.min(instances.length, (k + 1) * SIMD_LANES))));
        }
        return parts == 1 ? results[0] : Result.joined(results, instances.length);
    }

    /** Polishes the given instances as one tile, a lane each. */
    private static Result polishLanes(Workspace workspace, SolverSettings settings, BatchSolution.Builder out,
                                      int[] lanes) {
        TileData data = workspace.load(lanes);
        return polishTile(data, workspace.kkt, workspace.batch.cones(), read(out.x(), out.batch(), lanes, data.n),
                read(out.y(), out.batch(), lanes, data.m), read(out.s(), out.batch(), lanes, data.m), settings,
                lanes);
    }

    /** The instances as a tile of {@value #SIMD_LANES} lanes, the last one repeated. */
    private static int[] padded(int[] instances) {
        if (instances.length == SIMD_LANES) {
            return instances;
        }
        int[] out = Arrays.copyOf(instances, SIMD_LANES);
        Arrays.fill(out, instances.length, SIMD_LANES, instances[instances.length - 1]);
        return out;
    }

    /**
     * What polishing keeps from one call to the next for one batch: a tile's data arrays (refilled per
     * call) and the factorization built over them. Early polishing calls the polisher at many checks of
     * a tile (dense-qp: 59 calls for 128 instances); building both anew each time cost more than the
     * factorization. One thread at a time.
     */
    public static final class Workspace {
        private final BatchConeProgram batch;
        /** The factorization: DENSE or SPARSE, chosen on first use unless given. */
        private LinearSystemKind kind;
        private TileData data;
        private LinearSystem kkt;

        /** An empty workspace for {@code batch}'s instances. */
        public Workspace(BatchConeProgram batch) {
            this(batch, null);
        }

        /**
         * With the factorization of {@code kind}: DENSE or SPARSE, or null for
         * {@link LinearSystemFactory#kindForFewSolves}'s choice.
         */
        Workspace(BatchConeProgram batch, LinearSystemKind kind) {
            this.batch = batch;
            this.kind = kind;
        }

        /** The batch whose instances this workspace polishes. */
        public BatchConeProgram batch() {
            return batch;
        }

        /** The factorization this workspace builds (chosen from the batch's structure on first use). */
        LinearSystemKind kind() {
            if (kind == null) {
                kind = LinearSystemFactory.kindForFewSolves(
                        TileMatrices.structureOf(batch.aPattern(), batch.pPattern()), MAX_REFINEMENT + 1);
            }
            return kind;
        }

        /** The factorization's name ({@link LinearSystem#name}), once one was built. */
        String factorization() {
            return kkt == null ? null : kkt.name();
        }

        /** The data of these instances, in the arrays (and under the factorization) of the last call of that width. */
        TileData load(int[] instances) {
            if (data == null || data.lanes != instances.length) {
                data = new TileData(batch, instances);
                kkt = LinearSystemFactory.create(kind(), data.mats);
            } else {
                data.load(batch, instances);
            }
            return data;
        }
    }

    /** The polished points of a tile, their statistics and termination ratios before and after. */
    static final class Result {
        final int[] instances;
        final double[] x;
        final double[] y;
        final double[] s;
        final double[] stats;
        final double[] ratio;
        final double[] ratioBefore;
        /** The tiles of {@value #SIMD_LANES} lanes this result joins (lane l in part l / 8), or null. */
        private final Result[] parts;

        Result(int[] instances, double[] x, double[] y, double[] s, double[] stats, double[] ratio,
               double[] ratioBefore) {
            this.instances = instances;
            this.x = x;
            this.y = y;
            this.s = s;
            this.stats = stats;
            this.ratio = ratio;
            this.ratioBefore = ratioBefore;
            this.parts = null;
        }

        private Result(Result[] parts, double[] ratio, double[] ratioBefore) {
            this.instances = null;
            this.x = null;
            this.y = null;
            this.s = null;
            this.stats = null;
            this.ratio = ratio;
            this.ratioBefore = ratioBefore;
            this.parts = parts;
        }

        /** The first {@code count} lanes of consecutive tiles of {@value #SIMD_LANES} lanes, as one result. */
        static Result joined(Result[] parts, int count) {
            double[] ratio = new double[count];
            double[] before = new double[count];
            for (int l = 0; l < count; l++) {
                ratio[l] = parts[l / SIMD_LANES].ratio[l % SIMD_LANES];
                before[l] = parts[l / SIMD_LANES].ratioBefore[l % SIMD_LANES];
            }
            return new Result(parts, ratio, before);
        }

        /** Writes lane l's polished point and scalars as its instance of {@code out}, with that status. */
        void writeBack(BatchSolution.Builder out, int l, SolverStatus status, double seconds) {
            if (parts != null) {
                parts[l / SIMD_LANES].writeBack(out, l % SIMD_LANES, status, seconds);
                return;
            }
            int b = instances[l];
            int lanes = instances.length;
            write(x, out.x(), out.batch(), l, lanes, b, x.length / lanes);
            write(y, out.y(), out.batch(), l, lanes, b, y.length / lanes);
            write(s, out.s(), out.batch(), l, lanes, b, s.length / lanes);
            int o = l * ResidualStats.WIDTH;
            out.recordPolish(b, PolishStatus.SUCCEEDED, status, stats[o + ResidualStats.PRIMAL_OBJ],
                    stats[o + ResidualStats.DUAL_OBJ], stats[o + ResidualStats.PRIMAL_RES],
                    stats[o + ResidualStats.DUAL_RES], stats[o + ResidualStats.GAP], seconds);
        }
    }

    /** Polishes the tile's points (x, y, s) (batch-minor over the tile's lanes). */
    static Result polishTile(TileData d, LinearSystem kkt, ConeDims cones, double[] x0, double[] y0, double[] s0,
                             SolverSettings settings, int[] instances) {
        int n = d.n;
        int m = d.m;
        int lanes = d.lanes;
        int zero = cones.zero();
        boolean[] active = new boolean[m * lanes];
        double[] r = new double[m * lanes];
        for (int i = 0; i < m; i++) {
            for (int l = 0; l < lanes; l++) {
                int k = i * lanes + l;
                active[k] = i < zero || y0[k] > s0[k];
                r[k] = active[k] ? DELTA : 1 / DELTA;
            }
        }
        kkt.factor(DELTA, r);

        double[] rhs = new double[(n + m) * lanes];
        for (int k = 0; k < n * lanes; k++) {
            rhs[k] = -d.c[k];
        }
        for (int k = 0; k < m * lanes; k++) {
            rhs[n * lanes + k] = active[k] ? d.b[k] : 0;
        }
        // The regularization is proximal: δ pulls toward the solver's point (x0, y0), so directions in
        // which the active KKT system is singular (a degenerate vertex, an optimal face) keep the
        // solver's values instead of collapsing to zero; refinement then removes δ elsewhere.
        // An inactive row's weak coupling adds δ·A_iᵀA_i to the x block: its right-hand side A_i·x0
        // makes that term proximal too (with 0 it pulled A_i·x toward zero, off an optimal face).
        double[] z = rhs.clone();
        for (int k = 0; k < n * lanes; k++) {
            z[k] += DELTA * x0[k];
        }
        double[] ax0 = new double[m * lanes];
        d.multiplyA(x0, ax0);
        for (int k = 0; k < m * lanes; k++) {
            z[n * lanes + k] = active[k] ? z[n * lanes + k] - DELTA * y0[k] : ax0[k];
        }
        kkt.solve(z);
        dropInactive(z, active, n * lanes);
        refine(d, kkt, active, rhs, z);

        double[] x = Arrays.copyOfRange(z, 0, n * lanes);
        double[] y = new double[m * lanes];
        double[] s = new double[m * lanes];
        double[] ax = new double[m * lanes];
        d.multiplyA(x, ax);
        for (int i = 0; i < m; i++) {
            for (int l = 0; l < lanes; l++) {
                int k = i * lanes + l;
                double yi = active[k] ? z[n * lanes + k] : 0;
                double si = d.b[k] - ax[k];
                if (i < zero) {
                    y[k] = yi;
                    s[k] = 0;
                } else {
                    y[k] = Math.max(yi, 0);
                    s[k] = Math.max(si, 0);
                }
            }
        }
        double[] before = d.statistics(x0, y0, s0);
        double[] after = d.statistics(x, y, s);
        double[] ratio = new double[lanes];
        double[] ratioBefore = new double[lanes];
        for (int l = 0; l < lanes; l++) {
            int o = l * ResidualStats.WIDTH;
            ratioBefore[l] = Termination.optimalityRatio(before, o, settings);
            ratio[l] = Termination.optimalityRatio(after, o, settings);
        }
        return new Result(instances, x, y, s, after, ratio, ratioBefore);
    }

    /**
     * The factorization couples an inactive row weakly (y_i = δ·A_i·x); the exact system has
     * y_i = 0 there, so those entries are dropped after every solve. Left in, their δ-sized
     * contribution Aᵀy to the x rows moved x by O(1) along directions in which the active system is
     * singular (an LP's optimal face) during refinement.
     */
    private static void dropInactive(double[] z, boolean[] active, int offset) {
        for (int k = 0; k < active.length; k++) {
            if (!active[k]) {
                z[offset + k] = 0;
            }
        }
    }

    /**
     * Iterative refinement z ← z + K̃⁻¹(rhs − K·z) against the exact active-set system K (no δ on
     * the x block or the active rows, y = 0 on inactive rows), per lane until its residual stops
     * shrinking: a stopped lane's correction is zero from then on, so that a lane's result does not
     * depend on the instances it shares a tile with.
     */
    private static void refine(TileData d, LinearSystem kkt, boolean[] active, double[] rhs, double[] z) {
        int n = d.n;
        int m = d.m;
        int lanes = d.lanes;
        double[] res = new double[(n + m) * lanes];
        double[] px = new double[n * lanes];
        double[] aty = new double[n * lanes];
        double[] ax = new double[m * lanes];
        double[] x = new double[n * lanes];
        double[] y = new double[m * lanes];
        double[] last = new double[lanes];
        double[] worst = new double[lanes];
        boolean[] going = new boolean[lanes];
        Arrays.fill(last, Double.POSITIVE_INFINITY);
        Arrays.fill(going, true);
        for (int step = 0; step < MAX_REFINEMENT; step++) {
            System.arraycopy(z, 0, x, 0, n * lanes);
            System.arraycopy(z, n * lanes, y, 0, m * lanes);
            d.multiplyP(x, px);
            d.multiplyAt(y, aty);
            d.multiplyA(x, ax);
            for (int k = 0; k < n * lanes; k++) {
                res[k] = rhs[k] - px[k] - aty[k];
            }
            for (int k = 0; k < m * lanes; k++) {
                res[n * lanes + k] = active[k] ? rhs[n * lanes + k] - ax[k] : 0;
            }
            Arrays.fill(worst, 0);
            for (int k = 0; k < res.length; k += lanes) {
                for (int l = 0; l < lanes; l++) {
                    worst[l] = Math.max(worst[l], Math.abs(res[k + l]));
                }
            }
            boolean any = false;
            for (int l = 0; l < lanes; l++) {
                going[l] &= worst[l] < 0.5 * last[l] && worst[l] != 0;
                last[l] = worst[l];
                any |= going[l];
            }
            if (!any) {
                break;
            }
            for (int k = 0; k < res.length; k += lanes) {
                for (int l = 0; l < lanes; l++) {
                    if (!going[l]) {
                        res[k + l] = 0;
                    }
                }
            }
            kkt.solve(res);
            dropInactive(res, active, n * lanes);
            for (int k = 0; k < z.length; k++) {
                z[k] += res[k];
            }
        }
    }

    private static double[] read(double[] batchMinor, int stride, int[] instances, int length) {
        int lanes = instances.length;
        double[] out = new double[length * lanes];
        for (int i = 0; i < length; i++) {
            for (int l = 0; l < lanes; l++) {
                out[i * lanes + l] = batchMinor[i * stride + instances[l]];
            }
        }
        return out;
    }

    private static void write(double[] tile, double[] batchMinor, int stride, int lane, int lanes, int b, int length) {
        for (int i = 0; i < length; i++) {
            batchMinor[i * stride + b] = tile[i * lanes + lane];
        }
    }
}
