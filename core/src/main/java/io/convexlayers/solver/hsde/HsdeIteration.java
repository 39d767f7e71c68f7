// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.hsde;


import io.convexlayers.solver.Acceleration;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.IterationListener;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import io.convexlayers.solver.WarmStart;


/**
 * The solver's algorithm, written once over {@link HsdeKernels}: Douglas–Rachford splitting on the
 * homogeneous self-dual embedding with over-relaxation, per-iteration normalization, periodic
 * termination checks on unscaled residuals, adaptive scale and the acceleration the kernels resolved
 * ({@link HsdeKernels#acceleration()}): safeguarded Anderson steps (DESIGN §4; O'Donoghue 2021) or
 * Halpern anchoring with restarts ({@link HalpernRestarts}). Every lane terminates on its own; a
 * finished lane's result is written at once into the batch's solution (its instance's column of the
 * batch-minor x, y, s and its scalars) and later iterations of the batch never touch it.
 *
 * @param <V> the backend's vector handle
 */
public final class HsdeIteration<V> {
    /**
     * Early polishing is tried once a lane's termination ratio is at most this, in tiles that the
     * polisher factors whole ({@link SolutionPolisher.Workspace#sharesAttempts}): an attempt there
     * costs a factorization of eight lanes, and near the tolerances the guessed active set is mostly
     * right (dense-qp: at ratio 1e3 half the first attempts failed).
     */
    static final double SHARED_ATTEMPT_RATIO = 10;
    /**
     * The ratio for the other lanes (a single instance, the sparse factorization), where an attempt costs
     * one lane's factorization and an early success saves most of the iterations (small-qp-n10 alone:
     * 70 iterations polished from ratio 1e3, 190 from 10); and, after {@value #STALL_ITERATIONS}
     * iterations, for every lane: one that stalls far from the tolerances (an LP whose active set is
     * settled long before its residuals shrink, NETLIB kb2) is still polished at doubling intervals.
     */
    static final double EARLY_POLISH_RATIO = 1e3;
    /** See {@link #EARLY_POLISH_RATIO}. */
    static final int STALL_ITERATIONS = 500;

    private final HsdeKernels<V> kernels;
    private final SolverSettings settings;
    private SolutionPolisher.Workspace polishing;
    private boolean compaction;

    public HsdeIteration(HsdeKernels<V> kernels, SolverSettings settings) {
        this.kernels = kernels;
        this.settings = settings;
    }

    /**
     * Enables early polishing when the workspace polishes the batch ({@link SolutionPolisher.Workspace#polishes}): at a
     * check, a lane whose termination ratio is at most {@value #EARLY_POLISH_RATIO} ({@value #SHARED_ATTEMPT_RATIO}
     * in tiles the polisher factors whole, until {@value #STALL_ITERATIONS} iterations) has its point
     * polished ({@link SolutionPolisher}) from the workspace batch's unscaled data, and terminates as solved
     * when the polished point meets the tolerances. The other running lanes of the polisher's tiles ride
     * along at no extra factorization (see addRiders). Attempts are spaced out per lane: again only
     * once the iterations have doubled since the last one, so a lane that reaches iteration k has had
     * at most log₂ k attempts. (Spacing by measured time bounded their cost better on the largest
     * problems but made results depend on the machine's load: solves must be deterministic.) The
     * workspace's arrays and factorization are reused from call to call; the caller polishes the tile's
     * remaining lanes with the same workspace afterwards.
     *
     * @param workspace for the whole batch the lanes' instances belong to (lane l is instance first + l)
     */
    public HsdeIteration<V> polishing(SolutionPolisher.Workspace workspace) {
        polishing = workspace.polishes(settings) ? workspace : null;
        return this;
    }

    /**
     * Enables lane compaction where the kernels support it ({@link HsdeKernels#canCompact}): at a
     * check where the running lanes fit in a power of two narrower than the tile, they continue in a
     * tile of that width ({@link HsdeKernels#compact}), so finished lanes stop costing work. Each
     * lane's arithmetic is independent of the others and of the width, so results are unchanged.
     */
    public HsdeIteration<V> compaction(boolean on) {
        compaction = on;
        return this;
    }

    /**
     * Runs the iteration until every live lane has terminated, writing lane l's result as instance
     * {@code first + l} of {@code out}, and adds the lane-iterations computed to
     * {@link BatchSolution.Builder#addLaneIterations}.
     *
     * @param out           the batch's solution, filled in place
     * @param first         the instance of lane 0
     * @param liveLanes     lanes {@code [0, liveLanes)} are real instances; the rest are padding
     * @param warm          per-lane starting points (null: every lane starts cold)
     * @param deadlineNanos {@link System#nanoTime()} deadline from {@link Deadline#after}, or {@link Deadline#NONE}
     * @param listener      progress of lane 0 (instance {@code first}) at every check, or null
     * @param setupSeconds  time spent before this call, reported in every solution
     */
    public void run(BatchSolution.Builder out, int first, int liveLanes, WarmStart.Lanes warm, long deadlineNanos,
                    IterationListener listener, double setupSeconds) {
        long start = System.nanoTime();
        TileLanes<V> t = new TileLanes<>(kernels, first, liveLanes, settings);
        if (liveLanes < t.lanes()) {
            kernels.retire(t.done);
        }
        kernels.setScale(t.scale.scale());
        if (warm == null) {
            kernels.initialize(t.v, null, null, null, null);
        } else {
            kernels.initialize(t.v, warm.x(), warm.y(), warm.s(), warm.warm());
        }
        kernels.copy(t.v, t.anchor);

        boolean accel = kernels.acceleration() == Acceleration.ANDERSON;
        t.halpern = kernels.acceleration() == Acceleration.HALPERN ? new HalpernRestarts(t.lanes()) : null;
        double alpha = t.halpern != null ? HalpernRestarts.RELAXATION : settings.alpha();
        int anchorRow = 0;
        int anchorRows = 0;
        int interval = settings.andersonInterval();
        int maxIters = settings.maxIters();
        int check = settings.checkInterval();
        long laneIterations = 0;
        for (int it = 0; it < maxIters && t.running > 0; it++) {
            HsdeKernels<V> k = t.kernels;
            laneIterations += k.lanes();
            if (accel && it > 0 && it % interval == 0) {
                anderson(t);
            }
            boolean checkNow = isCheck(it, check, maxIters);
            if (it > 0 && t.halpern != null) {
                // One iteration at a time: each is followed by its anchoring step.
                if (checkNow) {
                    k.checkIteration(t.v, t.u, t.uTilde, t.rsk, alpha, t.stats);
                    k.fixedPointResidual(t.u, t.uTilde, t.fpr);
                } else {
                    k.plainIteration(t.v, t.u, t.uTilde, alpha);
                }
                if (anchorRow == anchorRows) {
                    // Stage the weights of every iteration up to and including the next check.
                    int next = it;
                    while (!isCheck(next, check, maxIters)) {
                        next++;
                    }
                    anchorRows = next - it + 1;
                    anchorRow = 0;
                    k.stageAnchorWeights(t.halpern.nextWeights(anchorRows), anchorRows);
                }
                k.anchor(t.v, t.anchor, anchorRow++);
                if (!checkNow) {
                    continue;
                }
            } else if (it > 0 && !checkNow) {
                // Every plain iteration up to the next event (check, Anderson step, limit) in one call, so
                // that a device can run them as one unit; the iterations themselves are unchanged.
                int next = it + 1;
                while (next < maxIters && !isCheck(next, check, maxIters) && !(accel && next % interval == 0)) {
                    next++;
                }
                int plain = next - it;
                if (next < maxIters && !(accel && next % interval == 0)) {
                    // The next event is a check with no Anderson step before it: one run through the check.
                    k.iterationsThenCheck(t.v, t.u, t.uTilde, t.rsk, alpha, plain, t.stats);
                    laneIterations += (long) plain * k.lanes();
                    it = next;
                } else {
                    k.plainIterations(t.v, t.u, t.uTilde, alpha, plain);
                    laneIterations += (long) (plain - 1) * k.lanes();
                    it = next - 1;
                    continue;
                }
            } else if (it > 0) {
                k.checkIteration(t.v, t.u, t.uTilde, t.rsk, alpha, t.stats);
            } else {
                // The first step fixes τ = 1.
                k.linearStep(t.v, t.uTilde, true);
                k.coneStep(t.uTilde, t.v, t.u, true);
                if (checkNow) {
                    k.dualIterate(t.v, t.u, t.uTilde, t.rsk);
                }
                k.relax(t.v, t.u, t.uTilde, alpha);
                if (t.halpern != null) {
                    // The first point is the first anchor.
                    k.normalize(t.v);
                    k.copy(t.v, t.anchor);
                }
                if (!checkNow) {
                    continue;
                }
                k.residuals(t.u, t.rsk, t.stats);
            }
            int iters = it + 1;
            boolean limit = iters == maxIters || Deadline.passed(deadlineNanos, System.nanoTime());
            if (listener != null) {
                report(listener, t, first, iters, (System.nanoTime() - start) * 1e-9);
            }
            checkLanes(t, iters, limit, start, setupSeconds, out);
            if (limit) {
                break;
            }
            boolean[] changed = null;
            if (t.running > 0 && settings.adaptiveScale() && t.scale.update(t.stats, t.done, iters)) {
                changed = t.scale.changed();
                k.setScale(t.scale.scale());
                k.resetAfterScaleChange(t.v, t.u, t.uTilde, t.rsk, t.anchor, changed);
                t.guard.reset(changed);
            }
            if (t.halpern != null && t.running > 0) {
                boolean[] restart = t.halpern.restarts(t.fpr, t.done, iters, changed);
                if (restart != null) {
                    k.copyLanes(t.v, t.anchor, restart);
                }
            }
            int width = compaction ? t.compactWidth() : 0;
            if (width > 0) {
                t.compact(width);
            }
        }
        out.addLaneIterations(laneIterations);
    }

    /** True when iteration {@code it} (from 0) ends at a termination check. */
    private static boolean isCheck(int it, int check, int maxIters) {
        return (it + 1) % check == 0 || it + 1 == maxIters;
    }

    /** Reports the tile's first instance while it runs. */
    private static <V> void report(IterationListener listener, TileLanes<V> t, int instance, int iters,
                                   double elapsed) {
        for (int l = 0; l < t.lanes(); l++) {
            if (t.instance[l] == instance && !t.done[l]) {
                int o = l * ResidualStats.WIDTH;
                double[] st = t.stats;
                listener.onCheck(iters, st[o + ResidualStats.PRIMAL_RES], st[o + ResidualStats.DUAL_RES],
                        st[o + ResidualStats.GAP], st[o + ResidualStats.PRIMAL_OBJ], t.scale.scale()[l], elapsed);
                return;
            }
        }
    }

    /**
     * At a check: terminates the lanes whose statistics meet a stopping rule (or all at a limit),
     * tries early polishing on the lanes due for it, writes the finished lanes' results and retires them.
     */
    private void checkLanes(TileLanes<V> t, int iters, boolean limit, long start, double setupSeconds,
                            BatchSolution.Builder out) {
        int lanes = t.lanes();
        double[] stats = t.stats;
        double elapsed = (System.nanoTime() - start) * 1e-9;
        SolverStatus[] finished = null;
        for (int l = 0; l < lanes; l++) {
            if (t.done[l]) {
                continue;
            }
            int o = l * ResidualStats.WIDTH;
            SolverStatus status = Termination.check(stats, o, settings);
            if (status == null && limit) {
                status = Termination.atLimit(stats, o, settings);
            }
            if (status != null) {
                if (finished == null) {
                    finished = new SolverStatus[lanes];
                }
                finished[l] = status;
            }
        }
        boolean[] polishNow = null;
        if (polishing != null && !limit) {
            double firstRatio = polishing.sharesAttempts() ? SHARED_ATTEMPT_RATIO : EARLY_POLISH_RATIO;
            for (int l = 0; l < lanes; l++) {
                if (t.done[l] || (finished != null && finished[l] != null)) {
                    continue;
                }
                int o = l * ResidualStats.WIDTH;
                double ratio = Termination.optimalityRatio(stats, o, settings);
                boolean due = stats[o + ResidualStats.TAU] > 0 && iters >= 2 * t.lastAttemptIters[l]
                        && (ratio <= firstRatio || (ratio <= EARLY_POLISH_RATIO && iters >= STALL_ITERATIONS));
                if (due) {
                    if (polishNow == null) {
                        polishNow = new boolean[lanes];
                    }
                    polishNow[l] = true;
                    t.lastAttemptIters[l] = iters;
                }
            }
        }
        if (polishNow != null && polishing.sharesAttempts()) {
            addRiders(t, polishNow, finished, stats);
        }
        if (finished == null && polishNow == null) {
            return;
        }
        boolean[] reading = new boolean[lanes];
        for (int l = 0; l < lanes; l++) {
            reading[l] = (finished != null && finished[l] != null) || (polishNow != null && polishNow[l]);
        }
        HsdeKernels<V> k = t.kernels;
        k.prepareReads(t.u, t.rsk, reading);
        for (int l = 0; l < lanes && finished != null; l++) {
            if (finished[l] != null) {
                extract(k, finished[l], t.u, t.rsk, l, stats, iters, t.scale.scale()[l], elapsed, setupSeconds, out,
                        t.instance[l]);
                t.done[l] = true;
                t.running--;
            }
        }
        if (polishNow != null) {
            t.running -= polishEarly(t, polishNow, iters, start, setupSeconds, out);
        }
        k.retire(t.done);
    }

    /**
     * Adds riders to the lanes due for polishing: the other running lanes in the same home tiles of the
     * workspace ({@link SolutionPolisher.Workspace#homeTile}), which the polisher factors whole anyway. A
     * lane that rides along costs no factorization, and one whose polished point meets the tolerances
     * terminates now instead of iterating on to an attempt of its own. Riders keep their own attempt
     * schedule ({@link TileLanes#lastAttemptIters} is not moved).
     */
    private void addRiders(TileLanes<V> t, boolean[] chosen, SolverStatus[] finished, double[] stats) {
        int lanes = t.lanes();
        boolean[] dueTile = new boolean[lanes];
        for (int l = 0; l < lanes; l++) {
            if (chosen[l]) {
                dueTile[polishing.homeTile(t.instance[l])] = true;
            }
        }
        for (int l = 0; l < lanes; l++) {
            boolean running = !t.done[l] && (finished == null || finished[l] == null)
                    && stats[l * ResidualStats.WIDTH + ResidualStats.TAU] > 0;
            chosen[l] |= running && dueTile[polishing.homeTile(t.instance[l])];
        }
    }

    /**
     * Reads the chosen lanes' current points into their instances of {@code out}, polishes them, and
     * terminates (as solved, polish succeeded) those whose polished point meets the tolerances.
     * The others keep iterating; what was written for them is overwritten when they terminate.
     *
     * @return the number of lanes terminated
     */
    private int polishEarly(TileLanes<V> t, boolean[] chosen, int iters, long start, double setupSeconds,
                            BatchSolution.Builder out) {
        int count = 0;
        for (boolean c : chosen) {
            count += c ? 1 : 0;
        }
        int[] instances = new int[count];
        int[] laneOf = new int[count];
        int k = 0;
        for (int l = 0; l < chosen.length; l++) {
            if (chosen[l]) {
                t.kernels.readSolution(t.u, t.rsk, l, t.stats[l * ResidualStats.WIDTH + ResidualStats.TAU], out.x(),
                        out.y(), out.s(), t.instance[l], out.batch());
                instances[k] = t.instance[l];
                laneOf[k++] = l;
            }
        }
        SolutionPolisher.Result r = SolutionPolisher.polishInstances(polishing, settings, out, instances);
        double elapsed = (System.nanoTime() - start) * 1e-9;
        double[] scale = t.scale.scale();
        int terminated = 0;
        for (int j = 0; j < count; j++) {
            if (r.ratio[j] <= 1) {
                int l = laneOf[j];
                out.record(instances[j], SolverStatus.SOLVED, 0, 0, iters, 0, 0, 0, scale[l], elapsed, setupSeconds);
                r.writeBack(out, j, SolverStatus.SOLVED, 0);
                t.kernels.recordScaling(l, out, instances[j]);
                t.done[l] = true;
                terminated++;
            }
        }
        return terminated;
    }

    /** Safeguard the last accelerated step, then take the next one. */
    private static <V> void anderson(TileLanes<V> t) {
        HsdeKernels<V> k = t.kernels;
        k.fixedPointResidual(t.v, t.anchor, t.fpr);
        boolean[] reject = t.guard.rejections(t.fpr, t.done);
        if (reject != null) {
            k.andersonReject(t.v, t.anchor, reject);
        }
        k.andersonStep(t.v, t.anchor, t.guard.applications(t.fpr, t.done));
    }

    /** Writes a terminated lane's (x, y, s) and scalars as instance {@code b} of {@code out}. */
    private static <V> void extract(HsdeKernels<V> kernels, SolverStatus status, V u, V rsk, int lane, double[] st,
                                    int iters, double scale, double elapsed, double setupSeconds,
                                    BatchSolution.Builder out, int b) {
        int o = lane * ResidualStats.WIDTH;
        int n = kernels.n();
        int m = kernels.m();
        int stride = out.batch();
        double[] x = out.x();
        double[] y = out.y();
        double[] s = out.s();
        switch (status) {
            case INFEASIBLE, INFEASIBLE_INACCURATE -> {
                kernels.readSolution(u, rsk, lane, -st[o + ResidualStats.CERT_BTY], x, y, s, b, stride);
                fillNaN(x, n, b, stride);
                fillNaN(s, m, b, stride);
            }
            case UNBOUNDED, UNBOUNDED_INACCURATE -> {
                kernels.readSolution(u, rsk, lane, -st[o + ResidualStats.CERT_CTX], x, y, s, b, stride);
                fillNaN(y, m, b, stride);
            }
            default -> kernels.readSolution(u, rsk, lane, st[o + ResidualStats.TAU], x, y, s, b, stride);
        }
        kernels.recordScaling(lane, out, b);
        ResidualStats.Reported r = ResidualStats.Reported.of(status, st, o);
        out.record(b, status, r.objective(), r.dualObjective(), iters, r.primal(), r.dual(), r.gap(), scale, elapsed,
                setupSeconds);
    }

    /** Fills instance b's column of a batch-minor array (the part a certificate leaves undefined). */
    private static void fillNaN(double[] data, int length, int b, int stride) {
        for (int i = 0; i < length; i++) {
            data[i * stride + b] = Double.NaN;
        }
    }
}
