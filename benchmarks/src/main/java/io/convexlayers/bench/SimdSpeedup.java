// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.bench;

import io.convexlayers.backend.Backends;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.Polishing;
import io.convexlayers.solver.SolverSettings;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
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
        TimingOptions options = TimingOptions.parse(args, 5, Algorithm.FIRST_ORDER);
        int repeats = options.repeats();
        Algorithm algorithm = options.algorithm();
        if (!Backends.cpuSimd(true)) {
            throw new IllegalStateException("no SIMD loops in this JVM: " + Backends.cpuLoops());
        }
        SolverSettings settings = SolverSettings.defaults().withPolishing(Polishing.OFF).withEps(ConvexLayersContender.EPS).withAlgorithm(algorithm);
        ExecutionSettings one = ExecutionSettings.defaults().withThreads(1);
        System.out.println("loops: " + Backends.cpuLoops() + "; algorithm " + algorithm + ", " + repeats + " rounds");
        System.out.println("| workload | B | ran | iterations/instance | scalar ms (median) | SIMD ms (median)"
                + " | SIMD ÷ scalar | scalar µs/instance-it. | SIMD µs/instance-it. |");
        System.out.println("|---|---:|---|---:|---:|---:|---:|---:|---:|");
        for (String name : options.workloads()) {
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
                LaneWork.requireSame(name, c.solution, s.solution, "between scalar and SIMD loops");
                scalar[r] = c.ms;
                simd[r] = s.ms;
                last = s.solution;
            }
            double ms = TimingOptions.median(scalar);
            double ss = TimingOptions.median(simd);
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
}
