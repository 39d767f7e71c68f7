// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.bench;

import io.convexlayers.backend.Backends;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.SolverSettings;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * The CPU backend's SIMD lane loops against its scalar loops (issue #15 item 3), in one process: for
 * each workload, after warm-up solves in both modes, R rounds of one scalar and one SIMD solve in
 * alternating order ({@link Backends#cpuSimd}), single-thread CPU time of each solve (setup
 * included), medians and their ratio; every pair is checked to give the same bits. Run it with
 * {@code java --add-modules jdk.incubator.vector -cp benchmarks.jar
 * io.convexlayers.bench.SimdSpeedup [--repeats R] [--algorithm auto|first-order|interior-point] NAME…}.
 */
public final class SimdSpeedup {
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private SimdSpeedup() {
    }

    public static void main(String[] args) throws InterruptedException {
        int repeats = 5;
        Algorithm algorithm = Algorithm.FIRST_ORDER;
        int k = 0;
        while (k + 1 < args.length && args[k].startsWith("--")) {
            switch (args[k]) {
                case "--repeats" -> repeats = Integer.parseInt(args[k + 1]);
                case "--algorithm" -> algorithm = Algorithm.valueOf(args[k + 1].toUpperCase(Locale.ROOT).replace('-', '_'));
                default -> throw new IllegalArgumentException("unknown option " + args[k]);
            }
            k += 2;
        }
        if (!Backends.cpuSimd(true)) {
            throw new IllegalStateException("no SIMD loops in this JVM: " + Backends.cpuLoops());
        }
        SolverSettings settings = SolverSettings.defaults().withEps(ConvexLayersContender.EPS).withAlgorithm(algorithm);
        ExecutionSettings one = ExecutionSettings.defaults().withThreads(1);
        System.out.println("loops: " + Backends.cpuLoops() + "; algorithm " + algorithm + ", " + repeats + " rounds");
        System.out.println("| workload | B | ran | iterations/instance | scalar ms (median) | SIMD ms (median)"
                + " | SIMD ÷ scalar | scalar µs/instance-it. | SIMD µs/instance-it. |");
        System.out.println("|---|---:|---|---:|---:|---:|---:|---:|---:|");
        for (String name : Arrays.copyOfRange(args, k, args.length)) {
            BatchConeProgram program = ConvexLayersContender.toConeProgram(Workloads.create(name));
            for (int w = 0; w < 3; w++) {
                timed(program, settings, one, false);
                timed(program, settings, one, true);
            }
            double[] scalar = new double[repeats];
            double[] simd = new double[repeats];
            BatchSolution last = null;
            for (int r = 0; r < repeats; r++) {
                boolean simdFirst = (r & 1) == 1;
                Timed a = timed(program, settings, one, simdFirst);
                Timed b = timed(program, settings, one, !simdFirst);
                Timed s = simdFirst ? a : b;
                Timed c = simdFirst ? b : a;
                sameBits(name, c.solution, s.solution);
                scalar[r] = c.ms;
                simd[r] = s.ms;
                last = s.solution;
            }
            double ms = median(scalar);
            double ss = median(simd);
            long iterations = last.totalIterations();
            System.out.printf(Locale.ROOT, "| %s | %d | %s | %.1f | %.1f | %.1f | %.3f | %.3f | %.3f |%n", name,
                    program.batch(), last.algorithm().toString().toLowerCase(Locale.ROOT),
                    (double) iterations / program.batch(), ms, ss, ss / ms, ms * 1e3 / iterations,
                    ss * 1e3 / iterations);
        }
        Backends.cpuSimd(true);
    }

    private record Timed(BatchSolution solution, double ms) {
    }

    private static Timed timed(BatchConeProgram program, SolverSettings settings, ExecutionSettings one,
                               boolean simd) {
        Backends.cpuSimd(simd);
        long c0 = CPU.getCurrentThreadCpuTime();
        BatchSolution sol = Backends.cpu().solve(program, settings, one, null, null);
        return new Timed(sol, (CPU.getCurrentThreadCpuTime() - c0) * 1e-6);
    }

    /** The loops must not change a bit of the result; a difference stops the run. */
    private static void sameBits(String name, BatchSolution scalar, BatchSolution simd) {
        for (int b = 0; b < scalar.batch(); b++) {
            if (scalar.iterations(b) != simd.iterations(b)
                    || !Arrays.equals(scalar.x().instance(b), simd.x().instance(b))
                    || !Arrays.equals(scalar.y().instance(b), simd.y().instance(b))) {
                throw new IllegalStateException(name + ": instance " + b + " differs between scalar and SIMD loops");
            }
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }
}
