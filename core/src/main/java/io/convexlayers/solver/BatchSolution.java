// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver;

import io.convexlayers.InvalidProblemException;
import io.convexlayers.data.BatchArray;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The results of a batched solve, kept in the batch-minor layout the iteration produced them in
 * (DESIGN §2): entry i of instance b lives at {@code i * batch + b} in x (n × batch) and in y and s
 * (m × batch); status, iterations, residuals, objectives, scale and times are per-instance arrays
 * indexed by b. Every instance carries its own status; one failed instance never affects the
 * others. What x, y and s hold for each status is described in {@link Solution}.
 *
 * <p>Batched consumers (the derivative, the layer's gathers, warm starts) read {@link #x()},
 * {@link #y()} and {@link #s()} in place; {@link #get(int)} copies one instance out as a
 * {@link Solution} for single-instance use. Immutable; backends fill one through a
 * {@link Builder}.
 */
public final class BatchSolution {
    private final int batch;
    private final int n;
    private final int m;
    private final double[] x;
    private final double[] y;
    private final double[] s;
    private final SolverStatus[] status;
    private final int[] iterations;
    private final double[] objective;
    private final double[] dualObjective;
    private final double[] primalResidual;
    private final double[] dualResidual;
    private final double[] gap;
    private final double[] scale;
    private final double[] solveSeconds;
    private final double[] setupSeconds;
    private final PolishStatus[] polish;
    private final Algorithm algorithm;
    private final long laneIterations;
    private final DataScaling dataScaling;

    private BatchSolution(Builder b) {
        batch = b.batch;
        n = b.n;
        m = b.m;
        x = b.x;
        y = b.y;
        s = b.s;
        status = b.status;
        iterations = b.iterations;
        objective = b.objective;
        dualObjective = b.dualObjective;
        primalResidual = b.primalResidual;
        dualResidual = b.dualResidual;
        gap = b.gap;
        scale = b.scale;
        solveSeconds = b.solveSeconds;
        setupSeconds = b.setupSeconds;
        polish = b.polish;
        algorithm = b.algorithm;
        laneIterations = b.laneIterations.get();
        dataScaling = b.dataScaling;
    }

    /** An empty builder for a batch of {@code batch} instances with n variables and m rows. */
    public static Builder builder(int batch, int n, int m) {
        return new Builder(batch, n, m);
    }

    /**
     * A batch of per-instance results (e.g. one {@link Solution} of a single solve, to differentiate
     * it); every solution must have the same n and m.
     */
    public static BatchSolution of(List<Solution> solutions) {
        if (solutions.isEmpty()) {
            throw new InvalidProblemException("solutions", "must hold at least one instance");
        }
        Solution first = solutions.get(0);
        Builder b = builder(solutions.size(), first.x().length, first.y().length);
        b.algorithm(first.algorithm());
        for (int k = 0; k < solutions.size(); k++) {
            b.put(k, solutions.get(k));
        }
        return b.build();
    }

    /** Number of instances. */
    public int batch() {
        return batch;
    }

    /** Number of variables n of every instance. */
    public int n() {
        return n;
    }

    /** Number of constraint rows m of every instance. */
    public int m() {
        return m;
    }

    /** Every instance's x, n × batch, batch-minor (entry i of instance b at {@code i * batch + b}). */
    public BatchArray x() {
        return BatchArray.batchMinor(n, batch, x);
    }

    /** Every instance's y, m × batch, batch-minor. */
    public BatchArray y() {
        return BatchArray.batchMinor(m, batch, y);
    }

    /** Every instance's s, m × batch, batch-minor. */
    public BatchArray s() {
        return BatchArray.batchMinor(m, batch, s);
    }

    /** Instance {@code b}'s result as a {@link Solution} (x, y and s copied out of the batch). */
    public Solution get(int b) {
        check(b);
        return new Solution(status[b], column(x, n, b), column(y, m, b), column(s, m, b), objective[b],
                dualObjective[b], iterations[b], primalResidual[b], dualResidual[b], gap[b], scale[b],
                solveSeconds[b], setupSeconds[b], polish[b], algorithm);
    }

    private double[] column(double[] data, int length, int b) {
        double[] out = new double[length];
        for (int i = 0; i < length; i++) {
            out[i] = data[i * batch + b];
        }
        return out;
    }

    /** Instance b's status (what x, y and s hold for it: see {@link Solution}). */
    public SolverStatus status(int b) {
        check(b);
        return status[b];
    }

    /** Iterations instance b ran until it terminated. */
    public int iterations(int b) {
        check(b);
        return iterations[b];
    }

    /** Primal objective ½xᵀPx + cᵀx of instance b (±∞ for certificates, see {@link Solution}). */
    public double objective(int b) {
        check(b);
        return objective[b];
    }

    /** Dual objective −½xᵀPx − bᵀy of instance b. */
    public double dualObjective(int b) {
        check(b);
        return dualObjective[b];
    }

    /** ‖Ax + s − b‖∞ of instance b (for certificates: see {@link Solution#primalResidual()}). */
    public double primalResidual(int b) {
        check(b);
        return primalResidual[b];
    }

    /** ‖Px + Aᵀy + c‖∞ of instance b. */
    public double dualResidual(int b) {
        check(b);
        return dualResidual[b];
    }

    /** |xᵀPx + cᵀx + bᵀy| of instance b. */
    public double gap(int b) {
        check(b);
        return gap[b];
    }

    /** The final dual scale ρ_y of instance b. */
    public double scale(int b) {
        check(b);
        return scale[b];
    }

    /** Seconds instance b's tile or chunk iterated until b terminated. */
    public double solveTimeSeconds(int b) {
        check(b);
        return solveSeconds[b];
    }

    /** Seconds instance b's tile or chunk spent in setup (equilibration, factorization). */
    public double setupTimeSeconds(int b) {
        check(b);
        return setupSeconds[b];
    }

    /** Whether solution polishing ran for instance b and replaced its point. */
    public PolishStatus polish(int b) {
        check(b);
        return polish[b];
    }

    /**
     * The diagonal scaling of the data each instance was solved with, where the solver recorded it (the
     * interior-point method's lock-step tiles and the CPU's first-order tiles, with equilibration on), or
     * null: what the derivative's active KKT matrix reuses instead of equilibrating the data again.
     */
    public DataScaling dataScaling() {
        return dataScaling;
    }

    /**
     * The method that solved this batch: {@link Algorithm#FIRST_ORDER} or
     * {@link Algorithm#INTERIOR_POINT} (never AUTO: what AUTO chose).
     */
    public Algorithm algorithm() {
        return algorithm;
    }

    /** Total iterations over the batch (useful for reporting). */
    public long totalIterations() {
        long t = 0;
        for (int it : iterations) {
            t += it;
        }
        return t;
    }

    /**
     * The lane-iterations the solver computed for this batch: each tile's (or device chunk's) width
     * times the iterations it ran, summed, and an instance solved alone its own iterations. It exceeds
     * {@link #totalIterations()} by the work spent on lanes that had finished (or were padding) while
     * others in their tile ran on; the first-order method's lane compaction on the CPU
     * ({@link ExecutionSettings#compactLanes()}) keeps it close. The interior-point method's lock-step
     * tiles run their lanes to the tile's last (1.10–1.24× the instances' own iterations on the benchmark
     * batches; benchmarks/RESULTS.md, session 29). 0 for batches assembled from separate solutions; the
     * CUDA backend's interior point counts only the instances it hands to the CPU.
     */
    public long laneIterations() {
        return laneIterations;
    }

    private void check(int b) {
        Objects.checkIndex(b, batch);
    }

    /**
     * Collects a batch's results where the solver produces them: the iteration writes each finished
     * instance's x, y and s straight into the batch-minor storage ({@link #x()}, {@link #y()},
     * {@link #s()}) and its scalars through {@link #record}. Different instances may be filled from
     * different threads; {@link #build()} must follow every write (e.g. after joining the threads)
     * and ends the builder's use.
     */
    public static final class Builder {
        private final int batch;
        private final int n;
        private final int m;
        private final double[] x;
        private final double[] y;
        private final double[] s;
        private final SolverStatus[] status;
        private final int[] iterations;
        private final double[] objective;
        private final double[] dualObjective;
        private final double[] primalResidual;
        private final double[] dualResidual;
        private final double[] gap;
        private final double[] scale;
        private final double[] solveSeconds;
        private final double[] setupSeconds;
        private final PolishStatus[] polish;
        private Algorithm algorithm = Algorithm.FIRST_ORDER;
        private boolean built;
        private DataScaling dataScaling;
        /** Tiles add theirs concurrently. */
        private final java.util.concurrent.atomic.AtomicLong laneIterations = new java.util.concurrent.atomic.AtomicLong();

        private Builder(int batch, int n, int m) {
            if (batch < 1 || n < 0 || m < 0) {
                throw new InvalidProblemException("batch solution", "needs batch >= 1, n >= 0, m >= 0; got batch "
                        + batch + ", n " + n + ", m " + m);
            }
            this.batch = batch;
            this.n = n;
            this.m = m;
            x = new double[n * batch];
            y = new double[m * batch];
            s = new double[m * batch];
            status = new SolverStatus[batch];
            iterations = new int[batch];
            objective = new double[batch];
            dualObjective = new double[batch];
            primalResidual = new double[batch];
            dualResidual = new double[batch];
            gap = new double[batch];
            scale = new double[batch];
            solveSeconds = new double[batch];
            setupSeconds = new double[batch];
            polish = new PolishStatus[batch];
            Arrays.fill(polish, PolishStatus.NOT_RUN);
        }

        /** Number of instances: the stride of {@link #x()}, {@link #y()} and {@link #s()}. */
        public int batch() {
            return batch;
        }

        /** The storage of x to write into: n × batch, entry i of instance b at {@code i * batch + b}. */
        public double[] x() {
            return x;
        }

        /** The storage of y to write into: m × batch, batch-minor. */
        public double[] y() {
            return y;
        }

        /** The storage of s to write into: m × batch, batch-minor. */
        public double[] s() {
            return s;
        }

        /** Makes room for each instance's data scaling ({@link #recordScaling}); call before the tiles run. */
        public Builder keepScaling() {
            if (dataScaling == null) {
                dataScaling = new DataScaling(batch, n, m);
            }
            return this;
        }

        /**
         * Records instance b's data scaling from lane {@code lane} of a tile's batch-minor factors (D: m ×
         * lanes, E: n × lanes) and its cost scale (NaN: none, see {@link DataScaling}), where
         * {@link #keepScaling} made room; otherwise nothing.
         */
        public void recordScaling(int b, double[] tileD, double[] tileE, double costScale, int lane, int lanes) {
            if (dataScaling != null) {
                dataScaling.record(b, tileD, tileE, costScale, lane, lanes);
            }
        }

        /** Sets the method that ran (default {@link Algorithm#FIRST_ORDER}); AUTO is not a method. */
        public Builder algorithm(Algorithm ran) {
            if (ran == null || ran == Algorithm.AUTO) {
                throw new IllegalArgumentException("the algorithm that ran must be FIRST_ORDER or INTERIOR_POINT, got "
                        + ran);
            }
            algorithm = ran;
            return this;
        }

        /** Records instance b's status and scalars (its x, y, s go into the storage directly). */
        public void record(int b, SolverStatus status, double objective, double dualObjective, int iterations,
                           double primalResidual, double dualResidual, double gap, double scale,
                           double solveTimeSeconds, double setupTimeSeconds) {
            Objects.checkIndex(b, batch);
            this.status[b] = Objects.requireNonNull(status, "status");
            this.objective[b] = objective;
            this.dualObjective[b] = dualObjective;
            this.iterations[b] = iterations;
            this.primalResidual[b] = primalResidual;
            this.dualResidual[b] = dualResidual;
            this.gap[b] = gap;
            this.scale[b] = scale;
            this.solveSeconds[b] = solveTimeSeconds;
            this.setupSeconds[b] = setupTimeSeconds;
        }

        /**
         * Records what polishing did for instance b; when it {@link PolishStatus#SUCCEEDED} the caller
         * has written the polished x, y, s into the storage and records the point's status (solved
         * when the polished point meets the tolerances), objectives and residuals here; the seconds
         * polishing took are added to the instance's solve time either way.
         */
        public void recordPolish(int b, PolishStatus polished, SolverStatus status, double objective,
                                 double dualObjective, double primalResidual, double dualResidual, double gap,
                                 double seconds) {
            Objects.checkIndex(b, batch);
            this.polish[b] = Objects.requireNonNull(polished, "polished");
            this.solveSeconds[b] += seconds;
            if (polished == PolishStatus.SUCCEEDED) {
                this.status[b] = Objects.requireNonNull(status, "status");
                this.objective[b] = objective;
                this.dualObjective[b] = dualObjective;
                this.primalResidual[b] = primalResidual;
                this.dualResidual[b] = dualResidual;
                this.gap[b] = gap;
            }
        }

        /** What polishing did for instance b so far. */
        public PolishStatus polish(int b) {
            Objects.checkIndex(b, batch);
            return polish[b];
        }

        /** Instance b's status as recorded so far (null before its lane terminated). */
        public SolverStatus status(int b) {
            Objects.checkIndex(b, batch);
            return status[b];
        }

        /** Records one instance's whole result, copying its x, y and s into the batch. */
        public void put(int b, Solution r) {
            Objects.checkIndex(b, batch);
            if (r.x().length != n || r.y().length != m || r.s().length != m) {
                throw new InvalidProblemException("solution " + b, "has n = " + r.x().length + ", m = "
                        + r.y().length + "/" + r.s().length + "; the batch has n = " + n + ", m = " + m);
            }
            for (int i = 0; i < n; i++) {
                x[i * batch + b] = r.x()[i];
            }
            for (int i = 0; i < m; i++) {
                y[i * batch + b] = r.y()[i];
                s[i * batch + b] = r.s()[i];
            }
            record(b, r.status(), r.objective(), r.dualObjective(), r.iterations(), r.primalResidual(),
                    r.dualResidual(), r.gap(), r.scale(), r.solveTimeSeconds(), r.setupTimeSeconds());
            polish[b] = r.polish();
        }

        /** Adds lane-iterations computed by one tile or chunk (see {@link BatchSolution#laneIterations()}). */
        public void addLaneIterations(long count) {
            laneIterations.addAndGet(count);
        }

        /**
         * The finished batch; its arrays are this builder's, not copied.
         *
         * @throws IllegalStateException when an instance has no result or the builder was used already
         */
        public BatchSolution build() {
            if (built) {
                throw new IllegalStateException("this builder has built its batch solution already");
            }
            for (int b = 0; b < batch; b++) {
                if (status[b] == null) {
                    throw new IllegalStateException("instance " + b + " of " + batch + " has no result");
                }
            }
            built = true;
            return new BatchSolution(this);
        }
    }
}
