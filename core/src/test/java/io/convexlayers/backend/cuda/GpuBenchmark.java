// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.backend.Backends;
import io.convexlayers.solver.Backend;
import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import io.convexlayers.testing.RandomQps;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark of {@code ci/gpu-check}: batches of random QPs (n = 100, 200 inequalities, the
 * "small QPs" workload of PERFORMANCE.md at a larger size) solved forward by the CPU and the CUDA
 * backends, reporting instances per second and the largest difference between the two solutions.
 * Per-instance matrices (batched Cholesky on the GPU) for B = 1 … 4096, then shared matrices (one
 * inverse). The CPU is skipped for a size whose estimated time exceeds what is left of the budget.
 * A second table times forward+backward at B = 16 and 128 (the derivative runs on the CPU).
 *
 * <p>Usage: {@code GpuBenchmark [--seconds S] [--sizes 1,16,...]}; prints the table last.
 */
public final class GpuBenchmark {
    private static final int N = 100;
    private static final int M = 200;

    private record Row(String kind, int batch, double cpuSeconds, double gpuSeconds, int solvedCpu, int solvedGpu,
                       double medianIters, double maxDiff, String note) {
    }

    private GpuBenchmark() {
    }

    public static void main(String[] args) {
        double budget = 400;
        int[] sizes = {1, 16, 128, 1024, 4096};
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--seconds")) {
                budget = Double.parseDouble(args[++i]);
            } else if (args[i].equals("--sizes")) {
                sizes = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
            }
        }
        long start = System.nanoTime();
        String reason = CudaBackend.unavailableReason();
        if (reason != null) {
            System.out.println("benchmark: CUDA unavailable (" + reason + "); GPU columns will be empty");
        }
        Backend gpu = reason == null ? Backends.cuda() : null;
        if (gpu != null) {
            System.out.println("benchmark: device " + ((CudaBackend) gpu).deviceName() + ", driver CUDA "
                    + JCudaDevice.driverVersion() + ", host cores " + Runtime.getRuntime().availableProcessors());
            // Warm-up: module JIT, first allocations.
            gpu.solve(RandomQps.batch(N, M, 4, false, 1), SolverSettings.defaults(), null, null);
        }
        SolverSettings settings = SolverSettings.defaults();
        Backends.cpu().solve(RandomQps.batch(N, M, 2, false, 2), settings, null, null); // JIT warm-up
        int cores = Runtime.getRuntime().availableProcessors();
        List<Row> rows = new ArrayList<>();
        // Rows are printed as they finish (a run cut off by its limit keeps what it measured) and
        // again as one table at the end.
        printHeader();
        double cpuPerCore = 0; // instances per second per busy worker, from the last CPU run
        for (int[] pass : new int[][] {sizes, {1024, 4096}}) {
            boolean shared = pass != sizes;
            for (int b : pass) {
                double left = budget - (System.nanoTime() - start) * 1e-9;
                if (left < 20) {
                    Row skipped = new Row(shared ? "shared" : "per-instance", b, Double.NaN, Double.NaN, 0, 0,
                            Double.NaN, Double.NaN, "skipped: time budget spent");
                    rows.add(skipped);
                    System.out.println(format(skipped));
                    continue;
                }
                // Every solve is bounded: one that runs away ends at its time limit with its status.
                SolverSettings bounded = settings.withTimeLimit(Math.max(5, left / 3));
                BatchConeProgram batch = RandomQps.batch(N, M, b, shared, 1000 + b);
                BatchSolution cs = null;
                double ct = Double.NaN;
                String note = "";
                // Tiles of 8 instances spread over the cores: time ~ b / (rate per worker * busy workers).
                double estimate = cpuPerCore > 0 ? b / (cpuPerCore * busyWorkers(b, cores)) : 0;
                if (estimate < left / 3) {
                    long t0 = System.nanoTime();
                    cs = Backends.cpu().solve(batch, bounded, null, null);
                    ct = (System.nanoTime() - t0) * 1e-9;
                    cpuPerCore = b / (ct * busyWorkers(b, cores));
                } else {
                    note = String.format(Locale.ROOT, "cpu skipped (est. %.0f s)", estimate);
                }
                BatchSolution gs = null;
                double gt = Double.NaN;
                if (gpu != null) {
                    long t0 = System.nanoTime();
                    gs = gpu.solve(batch, bounded, null, null);
                    gt = (System.nanoTime() - t0) * 1e-9;
                }
                BatchSolution ran = gs != null ? gs : cs;
                if (ran != null) {
                    // AUTO's choice (the interior-point method for these QPs since 2026-12-05, on both backends).
                    note = (note.isEmpty() ? "" : note + "; ") + ran.algorithm().toString().toLowerCase(Locale.ROOT);
                }
                Row row = new Row(shared ? "shared" : "per-instance", b, ct, gt, solved(cs), solved(gs),
                        medianIterations(ran), maxDiff(cs, gs), note);
                rows.add(row);
                System.out.println(format(row));
            }
        }
        double left = budget - (System.nanoTime() - start) * 1e-9;
        List<String> backward = backwardRows(gpu, settings, new int[] {16, 128}, Math.max(0, left));
        System.out.println();
        printHeader();
        rows.forEach(r -> System.out.println(format(r)));
        System.out.println();
        System.out.println("forward+backward, per-instance QPs (the derivative runs on the CPU)");
        System.out.println("|    B | forward | backward | backward/forward | gradients |");
        backward.forEach(System.out::println);
    }

    /** Adds a backward-table line and prints it at once (streamed, then repeated in the final table). */
    private static void emit(List<String> lines, String line) {
        lines.add(line);
        System.out.println("backward: " + line);
    }

    private static void printHeader() {
        System.out.println("forward solves, QPs n=" + N + ", m=" + M + " inequalities, eps=1e-5 (instances/second)");
        System.out.println("| matrices     |    B | CPU s    | CPU inst/s | GPU s    | GPU inst/s | GPU/CPU | solved cpu/gpu"
                + " | median iters | max |x_gpu-x_cpu| | note");
        System.out.println("|--------------|------|----------|------------|----------|------------|---------|---------------"
                + "|--------------|-------------------|-----");
    }

    private static String format(Row r) {
        return String.format(Locale.ROOT, "| %-12s | %4d | %8s | %10s | %8s | %10s | %7s | %6d/%-6d | %12s | %17s | %s",
                r.kind(), r.batch(), num(r.cpuSeconds(), "%.3f"), num(r.batch() / r.cpuSeconds(), "%.1f"),
                num(r.gpuSeconds(), "%.3f"), num(r.batch() / r.gpuSeconds(), "%.1f"),
                num(r.cpuSeconds() / r.gpuSeconds(), "%.2fx"), r.solvedCpu(), r.solvedGpu(),
                num(r.medianIters(), "%.0f"), num(r.maxDiff(), "%.2e"), r.note());
    }

    private static int busyWorkers(int batch, int cores) {
        return Math.max(1, Math.min(cores, (batch + 7) / 8));
    }

    private static String num(double v, String fmt) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, fmt, v) : "-";
    }

    private static int solved(BatchSolution s) {
        if (s == null) {
            return 0;
        }
        int k = 0;
        for (int b = 0; b < s.batch(); b++) {
            if (s.status(b) == SolverStatus.SOLVED) {
                k++;
            }
        }
        return k;
    }

    private static double medianIterations(BatchSolution s) {
        if (s == null) {
            return Double.NaN;
        }
        int[] it = new int[s.batch()];
        for (int b = 0; b < it.length; b++) {
            it[b] = s.get(b).iterations();
        }
        Arrays.sort(it);
        return it[it.length / 2];
    }

    private static double maxDiff(BatchSolution a, BatchSolution b) {
        if (a == null || b == null) {
            return Double.NaN;
        }
        double d = 0;
        for (int k = 0; k < a.batch(); k++) {
            double[] x = a.get(k).x();
            double[] y = b.get(k).x();
            for (int j = 0; j < x.length; j++) {
                d = Math.max(d, Math.abs(x[j] - y[j]));
            }
        }
        return d;
    }

    /**
     * Forward+backward at a few batch sizes: the backward (the VJP of x, batched LSQR or dense mode)
     * runs on the CPU for either backend's forward solutions; the device-side derivative is future
     * work. Returns the lines of a small table.
     */
    private static List<String> backwardRows(Backend gpu, SolverSettings settings, int[] sizes, double secondsLeft) {
        List<String> lines = new ArrayList<>();
        long start = System.nanoTime();
        for (int b : sizes) {
            if ((System.nanoTime() - start) * 1e-9 > secondsLeft / 2) {
                emit(lines, String.format(Locale.ROOT, "| %4d | skipped: time budget spent |", b));
                continue;
            }
            BatchConeProgram batch = RandomQps.batch(N, M, b, false, 2000 + b);
            Backend forwardBackend = gpu != null ? gpu : Backends.cpu();
            long t0 = System.nanoTime();
            BatchSolution sols = forwardBackend.solve(batch, settings.withTimeLimit(Math.max(5, secondsLeft / 4)),
                    null, null);
            double tf = (System.nanoTime() - t0) * 1e-9;
            double[][] gx = new double[b][N];
            java.util.Random rnd = new java.util.Random(b);
            for (double[] g : gx) {
                for (int j = 0; j < N; j++) {
                    g[j] = rnd.nextGaussian();
                }
            }
            long t1 = System.nanoTime();
            io.convexlayers.diff.VjpResult v = io.convexlayers.diff.SolutionDerivative
                    .at(batch, sols, io.convexlayers.diff.DerivativeSettings.defaults())
                    .vjp(BatchArray.perInstance(gx), null, null);
            double tb = (System.nanoTime() - t1) * 1e-9;
            int accurate = 0;
            for (io.convexlayers.diff.DerivativeInfo i : v.info()) {
                if (i.quality() == io.convexlayers.diff.DerivativeQuality.ACCURATE) {
                    accurate++;
                }
            }
            emit(lines, String.format(Locale.ROOT, "| %4d | %-4s forward %8.3f s | cpu backward %8.3f s | %5.2fx | %d/%d accurate |",
                    b, forwardBackend.name(), tf, tb, tb / tf, accurate, b));
        }
        return lines;
    }
}
