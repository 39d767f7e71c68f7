// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.bench;

import io.convexlayers.backend.Backends;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.Polishing;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * Single-thread CPU time of the batched forward solve of the JMH workloads, for comparison with
 * another solver run instance by instance on the same programs ({@link ExportConePrograms}): per
 * workload, two warm-up solves, then R timed solves on the calling thread (ThreadMXBean CPU time,
 * setup included), eps 1e-6, one thread. Prints the CPU time per batch, iterations per instance,
 * µs per instance-iteration, the method that ran, how many instances ended SOLVED and, as a check
 * that the solve stayed on the calling thread, the whole process's CPU time per batch (which adds the
 * JIT compiler's and the garbage collector's threads).
 * <pre>
 * java -cp benchmarks.jar io.convexlayers.bench.ForwardCpuTime [--repeats R] [--algorithm auto|first-order|interior-point] NAME…
 * </pre>
 */
public final class ForwardCpuTime {
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private ForwardCpuTime() {
    }

    public static void main(String[] args) {
        TimingOptions options = TimingOptions.parse(args, 3, Algorithm.AUTO);
        int repeats = options.repeats();
        Algorithm algorithm = options.algorithm();
        SolverSettings settings = SolverSettings.defaults().withPolishing(Polishing.OFF).withEps(ConvexLayersContender.EPS).withAlgorithm(algorithm);
        System.out.println("| workload | B | requested | ran | SOLVED | CPU ms per batch | iterations/instance"
                + " | µs/instance-iteration | process CPU ms per batch |");
        System.out.println("|---|---:|---|---|---:|---:|---:|---:|---:|");
        for (String name : options.workloads()) {
            BatchConeProgram program = ConvexLayersContender.toConeProgram(Workloads.create(name));
            for (int w = 0; w < 2; w++) {
                solve(program, settings);
            }
            long cpu = 0;
            long process = 0;
            long iterations = 0;
            BatchSolution last = null;
            for (int r = 0; r < repeats; r++) {
                long c0 = CPU.getCurrentThreadCpuTime();
                long p0 = PROCESS.getProcessCpuTime();
                last = solve(program, settings);
                cpu += CPU.getCurrentThreadCpuTime() - c0;
                process += PROCESS.getProcessCpuTime() - p0;
                iterations += last.totalIterations();
            }
            int solved = 0;
            for (int b = 0; b < last.batch(); b++) {
                solved += last.status(b) == SolverStatus.SOLVED ? 1 : 0;
            }
            System.out.printf(Locale.ROOT, "| %s | %d | %s | %s | %d | %.1f | %.1f | %.2f | %.1f |%n", name,
                    program.batch(), algorithm, last.algorithm(), solved, cpu * 1e-6 / repeats,
                    (double) iterations / repeats / program.batch(), cpu * 1e-3 / iterations, process * 1e-6 / repeats);
        }
    }

    private static BatchSolution solve(BatchConeProgram program, SolverSettings settings) {
        return Backends.cpu().solve(program, settings, ExecutionSettings.defaults().withThreads(1), null, null);
    }
}
