// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.bench;

import io.convexlayers.backend.Backends;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.Polishing;
import io.convexlayers.solver.SolverSettings;

import java.util.Locale;

/**
 * How a batched forward solve scales from one worker thread to all cores (issue #15: "2 cores ≥ 1.8×
 * one core on batches"). Per case, the solve with {@link ExecutionSettings#withThreads threads} = 1
 * and = the machine's processors, interleaved in one process ({@code R} timed rounds after at least
 * three warm-up rounds and three seconds), median wall times and their ratio.
 * {@code java -cp benchmarks.jar io.convexlayers.bench.ThreadScaling [--repeats R] [workload:method ...]}
 * with method {@code fo} (first order, eps 1e-6, unpolished) or {@code ipm} (interior point, eps 1e-8).
 */
public final class ThreadScaling {
    private static final int WARM_UPS = 3;
    /** Warm-up rounds continue until this much time has passed: the first case's solves are still compiling after three. */
    private static final double WARM_UP_SECONDS = 3;
    /**
     * The first case's warm-up: the JIT compiles the vector kernels then, and a first case measured after
     * three seconds read 1.11–1.15 where the same case later in the run read 1.98.
     */
    private static final double FIRST_WARM_UP_SECONDS = 12;

    private ThreadScaling() {
    }

    public static void main(String[] args) {
        TimingOptions options = TimingOptions.parse(args, 7, Algorithm.AUTO);
        int repeats = Math.max(3, options.repeats());
        String[] cases = options.workloads().length > 0 ? options.workloads() : new String[] {"small-qp-n10-b1024:fo", "small-qp-n50-b128:fo",
                "dense-qp:fo", "lp-n50-b128:fo", "socp-n50-b128:fo", "sparse-qp:fo", "small-qp-n10-b1024:ipm",
                "small-qp-n50-b128:ipm", "lp-n50-b128:ipm"};
        int cores = Runtime.getRuntime().availableProcessors();
        ExecutionSettings one = ExecutionSettings.defaults().withThreads(1);
        ExecutionSettings all = ExecutionSettings.defaults().withThreads(cores);
        System.out.printf(Locale.ROOT, "| workload | method | 1 thread (ms) | %d threads (ms) | speed-up |%n", cores);
        System.out.println("|---|---|---:|---:|---:|");
        boolean first = true;
        for (String c : cases) {
            String[] parts = c.split(":");
            boolean ipm = parts.length > 1 && parts[1].equals("ipm");
            BatchConeProgram program = ConvexLayersContender.toConeProgram(Workloads.create(parts[0]));
            SolverSettings settings = ipm
                    ? SolverSettings.defaults().withEps(ConvexLayersContender.IPM_EPS).withAlgorithm(Algorithm.INTERIOR_POINT)
                    : SolverSettings.defaults().withEps(ConvexLayersContender.EPS).withAlgorithm(Algorithm.FIRST_ORDER)
                            .withPolishing(Polishing.OFF);
            double warmUp = first ? FIRST_WARM_UP_SECONDS : WARM_UP_SECONDS;
            first = false;
            long warmUpEnd = System.nanoTime() + (long) (warmUp * 1e9);
            for (int r = 0; r < WARM_UPS || System.nanoTime() < warmUpEnd; r++) {
                Backends.cpu().solve(program, settings, one, null, null);
                Backends.cpu().solve(program, settings, all, null, null);
            }
            double[][] ms = new double[2][repeats];
            for (int r = 0; r < repeats; r++) {
                long t0 = System.nanoTime();
                Backends.cpu().solve(program, settings, one, null, null);
                long t1 = System.nanoTime();
                Backends.cpu().solve(program, settings, all, null, null);
                long t2 = System.nanoTime();
                ms[0][r] = (t1 - t0) * 1e-6;
                ms[1][r] = (t2 - t1) * 1e-6;
            }
            double single = TimingOptions.median(ms[0]);
            double many = TimingOptions.median(ms[1]);
            System.out.printf(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.2f |%n", parts[0], ipm ? "interior point" : "first order",
                    single, many, single / many);
        }
    }
}
