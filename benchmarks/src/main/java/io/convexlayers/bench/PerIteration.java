// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.bench;

import io.convexlayers.backend.Backends;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.SparsePattern;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.Polishing;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Per-iteration cost of the CPU first-order method (issue #15 item 5): for each workload, the
 * single-thread CPU time of a solve (eps 1e-6, two warm-up solves, then R timed solves on the calling
 * thread, summed) divided by the iterations the instances needed (µs per instance-iteration) and by
 * the lane-iterations the tiles computed ({@link BatchSolution#laneIterations()}: µs per
 * lane-iteration), set against a floor for one lane-iteration on this machine.
 *
 * <p>The floor is a lower bound, deliberately: floor = max(bytes / bandwidth, multiply-adds / rate),
 * with, per lane-iteration,
 * <ul>
 *   <li>multiply-adds ≥ 2·nnz(A) + 2·nnz(P strictly upper) + 4·(n + m): every linear system the solver
 *       may pick applies A and Aᵀ once per solve (the dense reduced solve explicitly; a sparse LDLᵀ's
 *       factor holds A's and P's off-diagonal entries at least) and its dense factor's two
 *       triangular solves cost n² ≥ 2·nnz(P strictly upper); the iteration then scales, projects,
 *       relaxes and updates every entry of the (n + m)-vector at least once each. The residual
 *       products of the termination checks and the factor's fill-in are not counted.</li>
 *   <li>bytes ≥ 8·(nnz(A) + nnz(P upper)) of values (divided by 8, the tile width, when the matrices
 *       are shared by the batch) + 4·(nnz(A) + nnz(P upper))/8 of row indices (one pattern per tile)
 *       + 3·8·(n + m) of iterates (two vectors read, one written).</li>
 *   <li>bandwidth: a STREAM-like triad a[i] = b[i] + s·c[i] timed in this run over three arrays whose
 *       total size is the tile's working set (8 lanes' bytes as above, at least 24 KB), so data that
 *       fits in a cache is credited with that cache's speed; rate: the faster of an L1-resident axpy
 *       (vectorized by the JIT) and eight independent scalar multiply-add chains, timed in this run.</li>
 * </ul>
 * The ratio is µs per lane-iteration over the floor; it bounds from below how far the solver is from
 * this machine's limits, not the limit of the algorithm.
 * {@code java -cp benchmarks.jar io.convexlayers.bench.PerIteration [--repeats R] [workload ...]}
 */
public final class PerIteration {
    /** Tile width of the default {@link ExecutionSettings} (lanes per tile). */
    private static final int TILE = 8;
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    /** Keeps the JIT from discarding the timed loops. */
    private static double sink;

    private PerIteration() {
    }

    public static void main(String[] args) {
        int repeats = 3;
        if (args.length >= 2 && args[0].equals("--repeats")) {
            repeats = Math.max(3, Integer.parseInt(args[1]));
            args = java.util.Arrays.copyOfRange(args, 2, args.length);
        }
        String[] names = args.length > 0 ? args : new String[] {"small-qp-n10-b1", "small-qp-n10-b16",
                "small-qp-n10-b128", "small-qp-n10-b1024", "small-qp-n50-b1", "small-qp-n50-b16",
                "small-qp-n50-b128", "small-qp-n50-b1024", "lp-n50-b128", "socp-n50-b128", "dense-qp", "sparse-qp"};
        double rate = multiplyAddRate();
        System.out.printf("multiply-add rate: %.2f G/s (axpy %.2f, scalar chains %.2f); triad over 96 MB: %.1f GB/s%n",
                rate * 1e-9, axpyRate() * 1e-9, chainRate() * 1e-9, triadBandwidth(96L << 20) * 1e-9);
        System.out.println("| workload | B | iterations/instance | µs/instance-iteration | µs/lane-iteration"
                + " | lane-it./instance-it. | floor µs (lane-it.) | triad GB/s at working set | ratio to floor |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (String name : names) {
            long t0 = System.nanoTime();
            BatchConeProgram program = ConvexLayersContender.toConeProgram(Workloads.create(name));
            Floor floor = Floor.of(program, rate);
            for (int w = 0; w < 2; w++) {
                solve(name, program);
            }
            long cpu = 0;
            long instanceIterations = 0;
            long laneIterations = 0;
            for (int r = 0; r < repeats; r++) {
                long c0 = CPU.getCurrentThreadCpuTime();
                BatchSolution sol = solve(name, program);
                cpu += CPU.getCurrentThreadCpuTime() - c0;
                instanceIterations += sol.totalIterations();
                laneIterations += sol.laneIterations();
            }
            double us = cpu * 1e-3;
            double perLane = us / laneIterations;
            System.out.printf("| %s | %d | %.1f | %.3f | %.3f | %.2f | %.3f | %.1f | %.1f |%n", name, program.batch(),
                    (double) instanceIterations / repeats / program.batch(), us / instanceIterations, perLane,
                    (double) laneIterations / instanceIterations, floor.microseconds, floor.bandwidth * 1e-9,
                    perLane / floor.microseconds);
            System.err.printf("%s: %.1f s wall%n", name, (System.nanoTime() - t0) * 1e-9);
        }
    }

    /** One single-thread first-order solve; a failed instance stops the run (its time would mislead). */
    private static BatchSolution solve(String name, BatchConeProgram program) {
        SolverSettings settings = SolverSettings.defaults().withPolishing(Polishing.OFF).withEps(ConvexLayersContender.EPS)
                .withAlgorithm(Algorithm.FIRST_ORDER);
        BatchSolution sol = Backends.cpu().solve(program, settings, ExecutionSettings.defaults().withThreads(1),
                null, null);
        for (int k = 0; k < sol.batch(); k++) {
            SolverStatus st = sol.status(k);
            if (st != SolverStatus.SOLVED && st != SolverStatus.SOLVED_INACCURATE) {
                throw new IllegalStateException(name + ": instance " + k + " " + st);
            }
        }
        return sol;
    }

    /** The floor of one lane-iteration (see the class comment) and the bandwidth it used. */
    private record Floor(double microseconds, double bandwidth) {
        static Floor of(BatchConeProgram p, double rate) {
            long nnzA = p.aPattern().nnz();
            SparsePattern pp = p.pPattern();
            long nnzP = pp == null ? 0 : pp.nnz();
            long offP = nnzP - diagonal(pp);
            long vec = p.n() + p.m();
            double macs = 2.0 * nnzA + 2.0 * offP + 4.0 * vec;
            double values = 8.0 * (nnzA + nnzP) / (p.matricesShared() ? TILE : 1);
            double indices = 4.0 * (nnzA + nnzP) / TILE;
            double bytes = values + indices + 24.0 * vec;
            long workingSet = Math.max(24L << 10, (long) (TILE * bytes));
            double bw = triadBandwidth(workingSet);
            double seconds = Math.max(bytes / bw, macs / rate);
            return new Floor(seconds * 1e6, bw);
        }

        private static long diagonal(SparsePattern pp) {
            long d = 0;
            for (int j = 0; pp != null && j < pp.cols(); j++) {
                if (pp.find(j, j) >= 0) {
                    d++;
                }
            }
            return d;
        }
    }

    /** Best of several timed triads a[i] = b[i] + s·c[i] over three arrays of {@code bytes} in all. */
    static double triadBandwidth(long bytes) {
        int len = (int) Math.max(512, bytes / 24);
        double[] a = new double[len];
        double[] b = new double[len];
        double[] c = new double[len];
        java.util.Arrays.fill(b, 1.0);
        java.util.Arrays.fill(c, 2.0);
        // repeat enough passes for ~20 ms a trial at 10 GB/s
        int passes = (int) Math.max(1, 200_000_000L / (24L * len));
        double best = 0;
        for (int trial = 0; trial < 7; trial++) {
            long t0 = System.nanoTime();
            for (int p = 0; p < passes; p++) {
                double s = 1e-9 * p;
                for (int i = 0; i < len; i++) {
                    a[i] = b[i] + s * c[i];
                }
            }
            long dt = System.nanoTime() - t0;
            sink += a[len / 2];
            best = Math.max(best, 24.0 * len * passes / (dt * 1e-9));
        }
        return best;
    }

    /** The faster of the two multiply-add measurements: the floor must not undercount the machine. */
    static double multiplyAddRate() {
        return Math.max(axpyRate(), chainRate());
    }

    /** Multiply-adds per second of y += s·x over L1-resident arrays (the shape of the lane loops). */
    static double axpyRate() {
        int len = 1024;
        double[] x = new double[len];
        double[] y = new double[len];
        java.util.Arrays.fill(x, 1.0);
        int passes = 100_000;
        double best = 0;
        for (int trial = 0; trial < 7; trial++) {
            long t0 = System.nanoTime();
            for (int p = 0; p < passes; p++) {
                double s = (p & 1) == 0 ? 1e-12 : -1e-12;
                for (int i = 0; i < len; i++) {
                    y[i] += s * x[i];
                }
            }
            long dt = System.nanoTime() - t0;
            sink += y[7];
            best = Math.max(best, (double) len * passes / (dt * 1e-9));
        }
        return best;
    }

    /** Multiply-adds per second of eight independent scalar chains (latency hidden, no memory). */
    static double chainRate() {
        long steps = 20_000_000L;
        double best = 0;
        for (int trial = 0; trial < 7; trial++) {
            double a0 = 1, a1 = 2, a2 = 3, a3 = 4, a4 = 5, a5 = 6, a6 = 7, a7 = 8;
            double m = 0.999999, c = 1e-7;
            long t0 = System.nanoTime();
            for (long i = 0; i < steps; i++) {
                a0 = a0 * m + c;
                a1 = a1 * m + c;
                a2 = a2 * m + c;
                a3 = a3 * m + c;
                a4 = a4 * m + c;
                a5 = a5 * m + c;
                a6 = a6 * m + c;
                a7 = a7 * m + c;
            }
            long dt = System.nanoTime() - t0;
            sink += a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
            best = Math.max(best, 8.0 * steps / (dt * 1e-9));
        }
        return best;
    }
}
