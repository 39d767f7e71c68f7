// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import io.convexlayers.testing.RandomQps;

import java.util.Locale;

/**
 * Measured time per kernel on a real GPU ({@link KernelProfile}): each workload is solved unprofiled
 * with and without graph replay (its true wall times) and once with every device operation bracketed
 * by synchronizations (graphs off), which attributes the time to kernels, transfers and the host's
 * orchestration between them.
 *
 * <p>Usage: {@code GpuProfile [--workloads qp1,qp1024,shared1024,small1]}; needs a GPU.
 */
public final class GpuProfile {
    private GpuProfile() {
    }

    public static void main(String[] args) {
        String list = "small1,qp1,qp1024,shared1024";
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--workloads")) {
                list = args[++i];
            }
        }
        String reason = CudaBackend.unavailableReason();
        if (reason != null) {
            System.out.println("profile: CUDA unavailable (" + reason + ")");
            System.exit(2);
        }
        CudaBackend gpu = CudaBackend.open();
        SolverSettings settings = SolverSettings.defaults().withTimeLimit(20);
        gpu.solve(RandomQps.batch(100, 200, 4, false, 1), settings, null, null); // module JIT, first allocations
        for (String w : list.split(",")) {
            BatchConeProgram batch = switch (w) {
                case "small1" -> RandomQps.batch(10, 20, 1, false, 11);
                case "qp1" -> RandomQps.batch(100, 200, 1, false, 12);
                case "qp1024" -> RandomQps.batch(100, 200, 1024, false, 13);
                case "shared1024" -> RandomQps.batch(100, 200, 1024, true, 14);
                default -> throw new IllegalArgumentException("unknown workload " + w);
            };
            gpu.device().useGraphs(false);
            gpu.solve(batch, settings, null, null); // warm
            long t0 = System.nanoTime();
            gpu.solve(batch, settings, null, null);
            double eagerWall = (System.nanoTime() - t0) * 1e-9;
            gpu.device().useGraphs(true);
            gpu.solve(batch, settings, null, null); // warm, graphs captured
            HostTimes before = gpu.device().hostTimes();
            t0 = System.nanoTime();
            BatchSolution plain = gpu.solve(batch, settings, null, null);
            long wallNanos = System.nanoTime() - t0;
            double wall = wallNanos * 1e-9;
            String host = gpu.device().hostTimes().since(before, wallNanos);
            System.out.printf(Locale.ROOT, "%n== %s: graphs on %.4f s, off %.4f s (graphs %s)%n", w, wall, eagerWall,
                    gpu.device().graphsEnabled() ? "working" : "turned off after a failure");
            System.out.println(host);
            long s0 = System.nanoTime();
            try (CudaHsdeKernels k = new CudaHsdeKernels(gpu.pool(), batch, 0, batch.batch(), settings,
                    io.convexlayers.solver.ExecutionSettings.defaults())) {
                long s1 = System.nanoTime();
                double[] ones = new double[batch.batch()];
                java.util.Arrays.fill(ones, 1);
                k.setScale(ones);
                gpu.device().synchronize();
                System.out.printf(Locale.ROOT, "setup: %.1f ms to equilibrate on the host and upload, %.1f ms to"
                        + " factor%n", (s1 - s0) * 1e-6, (System.nanoTime() - s1) * 1e-6);
            }
            KernelProfile profile = new KernelProfile();
            gpu.device().profile(profile);
            BatchSolution profiled;
            try {
                profiled = gpu.solve(batch, settings, null, null);
            } finally {
                gpu.device().profile(null);
            }
            int solved = 0;
            int maxIt = 0;
            for (int l = 0; l < plain.batch(); l++) {
                solved += plain.status(l) == SolverStatus.SOLVED ? 1 : 0;
                maxIt = Math.max(maxIt, plain.iterations(l));
            }
            System.out.printf(Locale.ROOT, "%n== profile %s: B=%d, unprofiled wall %.3f s (%d/%d solved, max %d iterations,"
                    + " %.1f us per iteration)%n", w, batch.batch(), wall, solved, plain.batch(), maxIt,
                    wall * 1e6 / Math.max(1, maxIt));
            System.out.print(profile.report());
            if (profiled.batch() != plain.batch()) {
                throw new AssertionError("profiled solve lost instances");
            }
        }
    }
}
