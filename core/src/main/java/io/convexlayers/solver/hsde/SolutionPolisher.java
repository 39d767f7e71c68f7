// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.hsde;

import io.convexlayers.batch.TileScheduler;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.LinearSystemKind;
import io.convexlayers.solver.PolishStatus;
import io.convexlayers.solver.Polishing;
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
                polish(new Workspace(batch).home(first, live), settings, out, first, live, deadlineNanos));
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
        if (!workspace.polishes(settings) || Deadline.passed(deadlineNanos, System.nanoTime())) {
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
     * written back; see {@link Result#writeBack}). The dense factorization works on tiles of
     * {@value #SIMD_LANES} lanes: the workspace's home tiles that hold the instances (their data
     * loaded once, every lane polished), or, without a home, the instances themselves in tiles of
     * that width, the last instance repeated to fill one.
     */
    static Result polishInstances(Workspace workspace, SolverSettings settings, BatchSolution.Builder out,
                                  int[] instances) {
        if (workspace.kind() != LinearSystemKind.DENSE) {
            return polishLanes(workspace, 0, settings, out, instances);
        }
        int[] partOf = new int[instances.length];
        int[] laneOf = new int[instances.length];
        int[][] tiles = workspace.tilesFor(instances, partOf, laneOf);
        Result[] results = new Result[tiles.length];
        for (int k = 0; k < tiles.length; k++) {
            results[k] = tiles[k] == null ? null : polishLanes(workspace, k, settings, out, tiles[k]);
        }
        return Result.selected(results, partOf, laneOf);
    }

    /** Polishes the given instances as one tile, a lane each, in the workspace's slot {@code slot}. */
    private static Result polishLanes(Workspace workspace, int slot, SolverSettings settings,
                                      BatchSolution.Builder out, int[] lanes) {
        Workspace.Slot tile = workspace.load(slot, lanes);
        TileData data = tile.data;
        return polishTile(data, tile.kkt, workspace.batch.cones(), read(out.x(), out.batch(), lanes, data.n),
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
     * What polishing keeps from one call to the next for one batch: tiles' data arrays and the
     * factorizations built over them. Early polishing calls the polisher at many checks of a tile
     * (dense-qp: 51 calls for 128 instances); gathering the data and building the factorization anew
     * each time cost more than the factorization itself.
     *
     * <p>A workspace given a home ({@link #home}: the first-order tile it serves) polishes by whole home
     * tiles of {@value SolutionPolisher#SIMD_LANES} lanes with the dense factorization: each home tile's
     * data is gathered once, and every call polishes all its lanes (a lane's arithmetic does not depend
     * on its tile mates, so the requested lanes get the bits they would get in any other tile). A
     * workspace can be given a new home and keeps its arrays, so one per worker thread serves a whole
     * batch. One thread at a time.
     */
    public static final class Workspace {
        private final BatchConeProgram batch;
        /** The factorization: DENSE or SPARSE, chosen on first use unless given. */
        private LinearSystemKind kind;
        /** The tiles' data and factorizations (slot k: home tile k, or the k-th tile of a call without a home). */
        private Slot[] slots = new Slot[0];
        private int homeFirst;
        private int homeCount;

        /** An empty workspace for {@code batch}'s instances, without a home. */
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

        /**
         * Makes instances {@code [first, first + count)} this workspace's home (the first-order tile it
         * serves): from now on it polishes only those, by whole home tiles. Arrays are kept; data is
         * gathered again on first use.
         *
         * @return this workspace
         */
        public Workspace home(int first, int count) {
            if (first < 0 || count < 1 || first + count > batch.batch()) {
                throw new IllegalArgumentException("home [" + first + ", " + (first + count) + ") outside a batch of "
                        + batch.batch());
            }
            homeFirst = first;
            homeCount = count;
            for (Slot slot : slots) {
                if (slot != null) {
                    slot.loaded = null;
                }
            }
            return this;
        }

        /**
         * Whether {@code settings} polish this workspace's batch on the CPU: where
         * {@link SolverSettings#polishing()}'s rule says so, and under {@link Polishing#AUTO} also LP
         * and QP batches of at least {@value SolutionPolisher#SIMD_LANES} instances whose polisher uses
         * the dense factorization ({@link #padsTiles}): with riders and home tiles, polishing them cost
         * 0.82–1.12× the unpolished first-order solve at eps 1e-5 (benchmarks/RESULTS.md, "Polishing
         * by whole tiles") and leaves residuals of 1e-13. (The CUDA backend polishes on the host, where
         * that cost is not measured: it keeps the cone rule, {@link SolutionPolisher#polishes}.)
         */
        public boolean polishes(SolverSettings settings) {
            if (!supports(batch.cones())) {
                return false;
            }
            Polishing rule = settings.polishing();
            return rule.polishes(batch.cones(), batch.n(), batch.m())
                    || (rule == Polishing.AUTO && batch.batch() >= SIMD_LANES && padsTiles());
        }

        /**
         * Whether polishing factors tiles of {@value SolutionPolisher#SIMD_LANES} lanes (the dense
         * factorization), so that up to that many instances cost one factorization.
         */
        boolean padsTiles() {
            return kind() == LinearSystemKind.DENSE;
        }

        /**
         * Whether an attempt polishes several instances at the cost of one: the dense factorization
         * on a home of more than one instance (whole home tiles of {@value SolutionPolisher#SIMD_LANES}
         * lanes, the tile's other running lanes riding along). A home of one instance is polished on
         * one lane, unpadded.
         */
        public boolean sharesAttempts() {
            return homeCount > 1 && padsTiles();
        }

        /**
         * The home tile that holds {@code instance} (polished together with the other instances of
         * that tile at no extra cost), or −1 without a home or where tiles are not padded.
         */
        public int homeTile(int instance) {
            if (homeCount == 0 || !padsTiles() || instance < homeFirst || instance >= homeFirst + homeCount) {
                return -1;
            }
            return (instance - homeFirst) / SIMD_LANES;
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
            for (Slot slot : slots) {
                if (slot != null) {
                    return slot.kkt.name();
                }
            }
            return null;
        }

        /**
         * The padded tiles that polish {@code instances}: entry k is slot k's tile of
         * {@value SolutionPolisher#SIMD_LANES} instances (null where slot k is not needed); instance j
         * is lane {@code laneOf[j]} of tile {@code partOf[j]}.
         */
        int[][] tilesFor(int[] instances, int[] partOf, int[] laneOf) {
            if (homeCount == 0) {
                int parts = (instances.length + SIMD_LANES - 1) / SIMD_LANES;
                int[][] tiles = new int[parts][];
                for (int k = 0; k < parts; k++) {
                    tiles[k] = padded(Arrays.copyOfRange(instances, k * SIMD_LANES,
                            Math.min(instances.length, (k + 1) * SIMD_LANES)));
                }
                for (int j = 0; j < instances.length; j++) {
                    partOf[j] = j / SIMD_LANES;
                    laneOf[j] = j % SIMD_LANES;
                }
                return tiles;
            }
            int[][] tiles = new int[(homeCount + SIMD_LANES - 1) / SIMD_LANES][];
            for (int j = 0; j < instances.length; j++) {
                int k = homeTile(instances[j]);
                if (k < 0) {
                    throw new IllegalArgumentException("instance " + instances[j] + " outside the workspace's home ["
                            + homeFirst + ", " + (homeFirst + homeCount) + ")");
                }
                if (tiles[k] == null) {
                    int from = homeFirst + k * SIMD_LANES;
                    int[] tile = new int[Math.min(SIMD_LANES, homeFirst + homeCount - from)];
                    for (int l = 0; l < tile.length; l++) {
                        tile[l] = from + l;
                    }
                    tiles[k] = homeCount == 1 ? tile : padded(tile);
                }
                partOf[j] = k;
                laneOf[j] = instances[j] - homeFirst - k * SIMD_LANES;
            }
            return tiles;
        }

        /**
         * Slot {@code index} holding {@code instances}' data: as it was where it holds them already,
         * else refilled (or made, when the width differs) and its factorization kept or built anew.
         */
        Slot load(int index, int[] instances) {
            if (index >= slots.length) {
                slots = Arrays.copyOf(slots, index + 1);
            }
            Slot slot = slots[index];
            if (slot == null || slot.data.lanes != instances.length) {
                TileData data = new TileData(batch, instances);
                slot = new Slot(data, LinearSystemFactory.create(kind(), data.mats));
                slots[index] = slot;
            } else if (!Arrays.equals(slot.loaded, instances)) {
                slot.data.load(batch, instances);
            }
            slot.loaded = instances.clone();
            return slot;
        }

        /** One tile's data and the factorization built over its arrays, and which instances it holds. */
        static final class Slot {
            final TileData data;
            final LinearSystem kkt;
            /** The instances whose data {@link #data} holds, lane by lane (null: none current). */
            int[] loaded;

            Slot(TileData data, LinearSystem kkt) {
                this.data = data;
                this.kkt = kkt;
            }
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
        /** The tiles this result selects its lanes from (lane j is lane laneOf[j] of part partOf[j]), or null. */
        private final Result[] parts;
        private final int[] partOf;
        private final int[] laneOf;

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
            this.partOf = null;
            this.laneOf = null;
        }

        private Result(Result[] parts, int[] partOf, int[] laneOf, double[] ratio, double[] ratioBefore) {
            this.instances = null;
            this.x = null;
            this.y = null;
            this.s = null;
            this.stats = null;
            this.ratio = ratio;
            this.ratioBefore = ratioBefore;
            this.parts = parts;
            this.partOf = partOf;
            this.laneOf = laneOf;
        }

        /** Lane j: lane {@code laneOf[j]} of {@code parts[partOf[j]]}. */
        static Result selected(Result[] parts, int[] partOf, int[] laneOf) {
            int count = partOf.length;
            double[] ratio = new double[count];
            double[] before = new double[count];
            for (int j = 0; j < count; j++) {
                ratio[j] = parts[partOf[j]].ratio[laneOf[j]];
                before[j] = parts[partOf[j]].ratioBefore[laneOf[j]];
            }
            return new Result(parts, partOf, laneOf, ratio, before);
        }

        /** Writes lane l's polished point and scalars as its instance of {@code out}, with that status. */
        void writeBack(BatchSolution.Builder out, int l, SolverStatus status, double seconds) {
            if (parts != null) {
                parts[partOf[l]].writeBack(out, laneOf[l], status, seconds);
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
