// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.bench;

import io.convexlayers.backend.Backends;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.Polishing;
import io.convexlayers.solver.SolverSettings;

/**
 * Prints, per workload, the CPU first-order solve's lane-iterations with lane compaction off and
 * on against the instances' own iterations (deterministic: the same on any machine), and checks
 * that both runs give every instance the same iterations and solution bit for bit. With
 * {@code --cpu-time R} it then times R alternating solves of each setting on one thread (the
 * calling thread: its CPU time, which the load of a shared machine disturbs far less than wall time)
 * and prints the medians.
 * {@code java -cp benchmarks.jar io.convexlayers.bench.LaneWork [--cpu-time R] [workload ...]}
 */
public final class LaneWork {
    private LaneWork() {
    }

    /** The solver settings of {@link LaneCompactionBenchmark}: first order, eps 1e-6. */
    static SolverSettings settings() {
        return SolverSettings.defaults().withPolishing(Polishing.OFF).withEps(ConvexLayersContender.EPS).withAlgorithm(Algorithm.FIRST_ORDER);
    }

    public static void main(String[] args) {
        int repeats = 0;
        if (args.length >= 2 && args[0].equals("--cpu-time")) {
            repeats = Integer.parseInt(args[1]);
            args = java.util.Arrays.copyOfRange(args, 2, args.length);
        }
        String[] names = args.length > 0 ? args : new String[] {"socp-n50-b128", "dense-qp", "lp-n50-b128",
                "small-qp-n50-b16"};
        System.out.println("| workload | instance iterations | lane-iterations, off | ratio | lane-iterations, on | ratio |");
        System.out.println("|---|---|---|---|---|---|");
        for (String name : names) {
            BatchConeProgram program = ConvexLayersContender.toConeProgram(Workloads.create(name));
            BatchSolution off = Backends.cpu().solve(program, settings(),
                    ExecutionSettings.defaults().withCompactLanes(false), null, null);
            BatchSolution on = Backends.cpu().solve(program, settings(), ExecutionSettings.defaults(), null, null);
            requireSame(name, off, on, "with lane compaction");
            long sum = on.totalIterations();
            System.out.printf("| %s | %d | %d | %.3f | %d | %.3f |%n", name, sum, off.laneIterations(),
                    (double) off.laneIterations() / sum, on.laneIterations(), (double) on.laneIterations() / sum);
        }
        if (repeats > 0) {
            System.out.println();
            System.out.println("| workload | CPU time, off (median of " + repeats + ") | on | on / off |");
            System.out.println("|---|---|---|---|");
            for (String name : names) {
                BatchConeProgram program = ConvexLayersContender.toConeProgram(Workloads.create(name));
                double[] off = new double[repeats];
                double[] on = new double[repeats];
                for (int r = 0; r < repeats; r++) {
                    off[r] = cpuSeconds(program, false);
                    on[r] = cpuSeconds(program, true);
                }
                double mOff = TimingOptions.median(off);
                double mOn = TimingOptions.median(on);
                System.out.printf("| %s | %.0f ms | %.0f ms | %.2f |%n", name, 1e3 * mOff, 1e3 * mOn, mOn / mOff);
            }
        }
    }

    /** CPU seconds of one solve on the calling thread (one worker thread runs the tiles in the caller). */
    private static double cpuSeconds(BatchConeProgram program, boolean compact) {
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        ExecutionSettings one = new ExecutionSettings(1, 8, compact);
        long t0 = bean.getCurrentThreadCpuTime();
        Backends.cpu().solve(program, settings(), one, null, null);
        return (bean.getCurrentThreadCpuTime() - t0) * 1e-9;
    }

    /** Stops the run unless {@code a} and {@code b} agree bit for bit (status, iterations, x, y, s). */
    static void requireSame(String name, BatchSolution a, BatchSolution b, String between) {
        for (int k = 0; k < a.batch(); k++) {
            boolean same = a.iterations(k) == b.iterations(k) && a.status(k) == b.status(k)
                    && java.util.Arrays.equals(a.x().instance(k), b.x().instance(k))
                    && java.util.Arrays.equals(a.y().instance(k), b.y().instance(k))
                    && java.util.Arrays.equals(a.s().instance(k), b.s().instance(k));
            if (!same) {
                throw new IllegalStateException(name + ": instance " + k + " differs " + between);
            }
        }
    }

    /**
     * Requires the same status for every instance and, where solved, objectives within {@code tol}
     * relative (two methods that reach the same solution by different arithmetic).
     */
    static void requireAgreement(String name, BatchSolution a, BatchSolution b, double tol) {
        for (int k = 0; k < a.batch(); k++) {
            double oa = a.objective(k);
            double ob = b.objective(k);
            boolean same = a.status(k) == b.status(k)
                    && (a.status(k) != io.convexlayers.solver.SolverStatus.SOLVED
                    || Math.abs(oa - ob) <= tol * (1 + Math.abs(oa)));
            if (!same) {
                throw new IllegalStateException(name + ": instance " + k + " differs: " + a.status(k) + " " + oa
                        + " vs " + b.status(k) + " " + ob);
            }
        }
    }
}
