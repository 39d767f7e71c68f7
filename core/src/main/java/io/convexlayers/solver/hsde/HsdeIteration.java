// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.hsde;


import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.IterationListener;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import io.convexlayers.solver.WarmStart;


/**
 * The solver's algorithm, written once over {@link HsdeKernels}: Douglas–Rachford splitting on the
 * homogeneous self-dual embedding with over-relaxation, per-iteration normalization, periodic
 * termination checks on unscaled residuals, adaptive scale and safeguarded Anderson acceleration
 * (DESIGN §4; O'Donoghue 2021). Every lane terminates on its own; a finished lane's result is
 * written at once into the batch's solution (its instance's column of the batch-minor x, y, s and
 * its scalars) and later iterations of the batch never touch it.
 *
 * @param <V> the backend's vector handle
 */
public final class HsdeIteration<V> {
    /** Early polishing is tried once a lane's termination ratio is at most this. */
    static final double EARLY_POLISH_RATIO = 1e3;

    private final HsdeKernels<V> kernels;
    private final SolverSettings settings;
    private BatchConeProgram polishData;

    public HsdeIteration(HsdeKernels<V> kernels, SolverSettings settings) {
        this.kernels = kernels;
        this.settings = settings;
    }

    /**
     * Enables early polishing when {@link SolverSettings#polish()} is on and the cones allow it: at a
     * check, a lane whose termination ratio is at most {@value #EARLY_POLISH_RATIO} has its point
     * polished ({@link SolutionPolisher}) from {@code batch}'s unscaled data, and terminates as solved
     * when the polished point meets the tolerances. Attempts are spaced out per lane: again only
     * once the iterations have doubled since the last one, so a lane that reaches iteration k has had
     * at most log₂ k attempts. (Spacing by measured time bounded their cost better on the largest
     * problems but made results depend on the machine's load: solves must be deterministic.)
     *
     * @param batch the whole batch the lanes' instances belong to (lane l is instance first + l)
     */
    public HsdeIteration<V> polishing(BatchConeProgram batch) {
        polishData = settings.polish() && SolutionPolisher.supports(batch.cones()) ? batch : null;
        return this;
    }

    /**
     * Runs the iteration until every live lane has terminated, writing lane l's result as instance
     * {@code first + l} of {@code out}.
     *
     * @param out           the batch's solution, filled in place
     * @param first         the instance of lane 0
     * @param liveLanes     lanes {@code [0, liveLanes)} are real instances; the rest are padding
     * @param warm          per-lane starting points (null: every lane starts cold)
     * @param deadlineNanos {@link System#nanoTime()} deadline from {@link Deadline#after}, or {@link Deadline#NONE}
     * @param listener      progress of lane 0 at every check, or null
     * @param setupSeconds  time spent before this call, reported in every solution
     */
    public void run(BatchSolution.Builder out, int first, int liveLanes, WarmStart.Lanes warm, long deadlineNanos,
                    IterationListener listener, double setupSeconds) {
        long start = System.nanoTime();
        int lanes = kernels.lanes();
        int n = kernels.n();
        int m = kernels.m();
        int len = n + m + 1;
        V v = kernels.newVector(len);
        V u = kernels.newVector(len);
        V uTilde = kernels.newVector(len);
        V rsk = kernels.newVector(len);
        V anchor = kernels.newVector(len);
        double[] stats = new double[lanes * ResidualStats.WIDTH];
        boolean[] done = new boolean[lanes];
        for (int l = liveLanes; l < lanes; l++) {
            done[l] = true;
        }
        if (liveLanes < lanes) {
            kernels.retire(done);
        }
        int remaining = liveLanes;

        ScaleController scale = new ScaleController(lanes, kernels.sharedScale(), settings.scale());
        kernels.setScale(scale.scale());
        if (warm == null) {
            kernels.initialize(v, null, null, null, null);
        } else {
            kernels.initialize(v, warm.x(), warm.y(), warm.s(), warm.warm());
        }
        kernels.copy(v, anchor);

        boolean accel = settings.acceleration();
        int interval = settings.andersonInterval();
        double[] fpr = new double[lanes];
        AccelerationGuard guard = new AccelerationGuard(lanes);

        int[] lastAttemptIters = new int[lanes];

        int maxIters = settings.maxIters();
        int check = settings.checkInterval();
        for (int it = 0; it < maxIters && remaining > 0; it++) {
            if (accel && it > 0 && it % interval == 0) {
                anderson(v, anchor, fpr, guard, done);
            }
            boolean checkNow = (it + 1) % check == 0 || it + 1 == maxIters;
            if (it > 0 && !checkNow) {
                kernels.plainIteration(v, u, uTilde, settings.alpha());
                continue;
            }
            if (it > 0) {
                kernels.checkIteration(v, u, uTilde, rsk, settings.alpha(), stats);
            } else {
                // The first step fixes τ = 1.
                kernels.linearStep(v, uTilde, true);
                kernels.coneStep(uTilde, v, u, true);
                if (checkNow) {
                    kernels.dualIterate(v, u, uTilde, rsk);
                }
                kernels.relax(v, u, uTilde, settings.alpha());
                if (!checkNow) {
                    continue;
                }
                kernels.residuals(u, rsk, stats);
            }
            int iters = it + 1;
            double elapsed = (System.nanoTime() - start) * 1e-9;
            boolean limit = iters == maxIters || Deadline.passed(deadlineNanos, System.nanoTime());
            if (listener != null && !done[0]) {
                int o = 0;
                listener.onCheck(iters, stats[o + ResidualStats.PRIMAL_RES], stats[o + ResidualStats.DUAL_RES],
                        stats[o + ResidualStats.GAP], stats[o + ResidualStats.PRIMAL_OBJ], scale.scale()[0], elapsed);
            }
            SolverStatus[] finished = null;
            for (int l = 0; l < liveLanes; l++) {
                if (done[l]) {
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
            if (polishData != null && !limit) {
                for (int l = 0; l < liveLanes; l++) {
                    if (done[l] || (finished != null && finished[l] != null)) {
                        continue;
                    }
                    int o = l * ResidualStats.WIDTH;
                    double ratio = Termination.optimalityRatio(stats, o, settings);
                    boolean due = stats[o + ResidualStats.TAU] > 0 && ratio <= EARLY_POLISH_RATIO
                            && iters >= 2 * lastAttemptIters[l];
                    if (due) {
                        if (polishNow == null) {
                            polishNow = new boolean[lanes];
                        }
                        polishNow[l] = true;
                        lastAttemptIters[l] = iters;
                    }
                }
            }
            if (finished != null || polishNow != null) {
                boolean[] reading = new boolean[lanes];
                for (int l = 0; l < lanes; l++) {
                    reading[l] = (finished != null && finished[l] != null) || (polishNow != null && polishNow[l]);
                }
                kernels.prepareReads(u, rsk, reading);
                for (int l = 0; l < liveLanes && finished != null; l++) {
                    if (finished[l] != null) {
                        extract(finished[l], u, rsk, l, stats, iters, scale.scale()[l], elapsed, setupSeconds, out,
                                first + l);
                        done[l] = true;
                        remaining--;
                    }
                }
                if (polishNow != null) {
                    remaining -= polishEarly(polishNow, u, rsk, stats, iters, scale.scale(), start, setupSeconds, out,
                            first, done);
                }
                kernels.retire(done);
            }
            if (limit) {
                break;
            }
            if (remaining > 0 && settings.adaptiveScale() && scale.update(stats, done, iters)) {
                boolean[] changed = scale.changed();
                kernels.setScale(scale.scale());
                kernels.resetAfterScaleChange(v, u, uTilde, rsk, anchor, changed);
                guard.reset(changed);
            }
        }
    }

    /**
     * Reads the chosen lanes' current points into their instances of {@code out}, polishes them, and
     * terminates (as solved, polish succeeded) those whose polished point meets the tolerances.
     * The others keep iterating; what was written for them is overwritten when they terminate.
     *
     * @return the number of lanes terminated
     */
    private int polishEarly(boolean[] chosen, V u, V rsk, double[] st, int iters, double[] scale, long start,
                            double setupSeconds, BatchSolution.Builder out, int first, boolean[] done) {
        int count = 0;
        for (boolean c : chosen) {
            count += c ? 1 : 0;
        }
        int[] instances = new int[count];
        int[] laneOf = new int[count];
        int k = 0;
        for (int l = 0; l < chosen.length; l++) {
            if (chosen[l]) {
                kernels.readSolution(u, rsk, l, st[l * ResidualStats.WIDTH + ResidualStats.TAU], out.x(), out.y(),
                        out.s(), first + l, out.batch());
                instances[k] = first + l;
                laneOf[k++] = l;
            }
        }
        SolutionPolisher.Result r = SolutionPolisher.polishInstances(polishData, settings, out, instances);
        double elapsed = (System.nanoTime() - start) * 1e-9;
        int terminated = 0;
        for (int j = 0; j < count; j++) {
            if (r.ratio[j] <= 1) {
                int l = laneOf[j];
                out.record(instances[j], SolverStatus.SOLVED, 0, 0, iters, 0, 0, 0, scale[l], elapsed, setupSeconds);
                r.writeBack(out, j, SolverStatus.SOLVED, 0);
                done[l] = true;
                terminated++;
            }
        }
        return terminated;
    }

    /** Safeguard the last accelerated step, then take the next one. */
    private void anderson(V v, V anchor, double[] fpr, AccelerationGuard guard, boolean[] done) {
        kernels.fixedPointResidual(v, anchor, fpr);
        boolean[] reject = guard.rejections(fpr, done);
        if (reject != null) {
            kernels.andersonReject(v, anchor, reject);
        }
        kernels.andersonStep(v, anchor, guard.applications(fpr, done));
    }

    /** Writes a terminated lane's (x, y, s) and scalars as instance {@code b} of {@code out}. */
    private void extract(SolverStatus status, V u, V rsk, int lane, double[] st, int iters, double scale,
                         double elapsed, double setupSeconds, BatchSolution.Builder out, int b) {
        int o = lane * ResidualStats.WIDTH;
        int n = kernels.n();
        int m = kernels.m();
        int stride = out.batch();
        double[] x = out.x();
        double[] y = out.y();
        double[] s = out.s();
        double pri = st[o + ResidualStats.PRIMAL_RES];
        double dua = st[o + ResidualStats.DUAL_RES];
        double gap = st[o + ResidualStats.GAP];
        double pobj = st[o + ResidualStats.PRIMAL_OBJ];
        double dobj = st[o + ResidualStats.DUAL_OBJ];
        switch (status) {
            case INFEASIBLE, INFEASIBLE_INACCURATE -> {
                double bty = st[o + ResidualStats.CERT_BTY];
                kernels.readSolution(u, rsk, lane, -bty, x, y, s, b, stride);
                fillNaN(x, n, b, stride);
                fillNaN(s, m, b, stride);
                pri = st[o + ResidualStats.CERT_ATY] / -bty;
                dua = Double.NaN;
                gap = Double.NaN;
                pobj = Double.POSITIVE_INFINITY;
                dobj = Double.POSITIVE_INFINITY;
            }
            case UNBOUNDED, UNBOUNDED_INACCURATE -> {
                double ctx = st[o + ResidualStats.CERT_CTX];
                kernels.readSolution(u, rsk, lane, -ctx, x, y, s, b, stride);
                fillNaN(y, m, b, stride);
                pri = Math.max(st[o + ResidualStats.CERT_AXS], st[o + ResidualStats.CERT_PX]) / -ctx;
                dua = Double.NaN;
                gap = Double.NaN;
                pobj = Double.NEGATIVE_INFINITY;
                dobj = Double.NEGATIVE_INFINITY;
            }
            default -> kernels.readSolution(u, rsk, lane, st[o + ResidualStats.TAU], x, y, s, b, stride);
        }
        out.record(b, status, pobj, dobj, iters, pri, dua, gap, scale, elapsed, setupSeconds);
    }

    /** Fills instance b's column of a batch-minor array (the part a certificate leaves undefined). */
    private static void fillNaN(double[] data, int length, int b, int stride) {
        for (int i = 0; i < length; i++) {
            data[i * stride + b] = Double.NaN;
        }
    }
}
