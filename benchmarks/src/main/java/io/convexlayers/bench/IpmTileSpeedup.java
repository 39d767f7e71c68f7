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
 * The interior-point method in lock-step tiles against the same method one instance at a time and
 * against the first-order method (issue #16), in one process: for each workload, after warm-up
 * rounds (at least two and three seconds), R rounds in rotating order of single-thread CPU time (setup included) —
 * interior point one at a time ({@link Backends#cpuIpmTiles} off), in tiles, and the
 * first-order method — and R rounds of wall time on all cores of the tiled method and the
 * OptNet-style baseline ({@link OptNetQp}, instances over all cores); medians and ratios. Every tiled
 * solve must give each instance the status of the one-at-a-time solve and its objective to 1e-7.
 * Run it with {@code java --add-modules jdk.incubator.vector -cp benchmarks.jar
 * io.convexlayers.bench.IpmTileSpeedup [--repeats R] NAME…}.
 */
public final class IpmTileSpeedup {
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private static final long WARM_UP_NS = 3_000_000_000L;

    private IpmTileSpeedup() {
    }

    public static void main(String[] args) {
        TimingOptions options = TimingOptions.parse(args, 5, Algorithm.INTERIOR_POINT);
        int repeats = options.repeats();
        SolverSettings ipm = SolverSettings.defaults().withPolishing(Polishing.OFF).withEps(ConvexLayersContender.EPS)
                .withAlgorithm(Algorithm.INTERIOR_POINT);
        SolverSettings firstOrder = ipm.withAlgorithm(Algorithm.FIRST_ORDER);
        ExecutionSettings one = ExecutionSettings.defaults().withThreads(1);
        ExecutionSettings all = ExecutionSettings.defaults();
        System.out.println("loops: " + Backends.cpuLoops() + "; eps 1e-6, " + repeats + " rounds; "
                + Runtime.getRuntime().availableProcessors() + " threads for the all-core columns");
        System.out.println("| workload | B | IPM it./instance | one at a time ms | tiles ms | tiles ÷ one at a time"
                + " | first order ms | tiles ÷ first order | all cores: tiles ms | OptNet-style ms | OptNet ÷ tiles |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        boolean before = Backends.cpuIpmTiles(true);
        try {
            for (String name : options.workloads()) {
                QpBatch workload = Workloads.create(name);
                BatchConeProgram program = ConvexLayersContender.toConeProgram(workload);
                Contender.Prepared optnet = new OptNetContender().unsupportedReason(workload) == null
                        ? new OptNetContender().prepare(workload) : null;
                double[][] cpu = new double[3][repeats];
                double[][] wall = new double[2][repeats];
                // Warm-up: at least two rounds and three seconds, so that small batches are compiled too.
                long warmUntil = System.nanoTime() + WARM_UP_NS;
                for (int w = 0; w < 2 || System.nanoTime() < warmUntil; w++) {
                    round(name, program, optnet, ipm, firstOrder, one, all, w, null, null);
                }
                BatchSolution tiled = null;
                for (int r = 0; r < repeats; r++) {
                    tiled = round(name, program, optnet, ipm, firstOrder, one, all, r, cpu, wall);
                }
                double singleMs = TimingOptions.median(cpu[0]);
                double tilesMs = TimingOptions.median(cpu[1]);
                double foMs = TimingOptions.median(cpu[2]);
                double tilesWall = TimingOptions.median(wall[0]);
                double optnetWall = TimingOptions.median(wall[1]);
                System.out.printf(Locale.ROOT, "| %s | %d | %.2f | %.1f | %.1f | %.2f | %.1f | %.2f | %.1f | %s | %s |%n",
                        name, program.batch(), (double) tiled.totalIterations() / program.batch(), singleMs, tilesMs,
                        tilesMs / singleMs, foMs, tilesMs / foMs, tilesWall,
                        optnet == null ? "–" : String.format(Locale.ROOT, "%.1f", optnetWall),
                        optnet == null ? "–" : String.format(Locale.ROOT, "%.2f", optnetWall / tilesWall));
            }
        } finally {
            Backends.cpuIpmTiles(before);
        }
    }

    /**
     * One round: the three single-thread solves in an order rotated by {@code r}, the agreement check,
     * then the all-core solves; times go to column r of {@code cpu} and {@code wall} (null: not kept).
     *
     * @return the tiled solve's solution
     */
    private static BatchSolution round(String name, BatchConeProgram program, Contender.Prepared optnet,
                                       SolverSettings ipm, SolverSettings firstOrder, ExecutionSettings one,
                                       ExecutionSettings all, int r, double[][] cpu, double[][] wall) {
        BatchSolution tiled = null;
        for (int k = 0; k < 3; k++) {
            int mode = Math.floorMod(r + k, 3);
            long c0 = CPU.getCurrentThreadCpuTime();
            BatchSolution sol = solve(program, mode == 2 ? firstOrder : ipm, one, mode == 1);
            double ms = (CPU.getCurrentThreadCpuTime() - c0) * 1e-6;
            if (cpu != null) {
                cpu[mode][r] = ms;
            }
            if (mode == 1) {
                tiled = sol;
            }
        }
        BatchSolution single = solve(program, ipm, one, false);
        LaneWork.requireAgreement(name, single, tiled, 1e-7);
        long t0 = System.nanoTime();
        solve(program, ipm, all, true);
        double tilesWall = (System.nanoTime() - t0) * 1e-6;
        double optnetWall = Double.NaN;
        if (optnet != null) {
            t0 = System.nanoTime();
            optnet.forward();
            optnetWall = (System.nanoTime() - t0) * 1e-6;
        }
        if (wall != null) {
            wall[0][r] = tilesWall;
            wall[1][r] = optnetWall;
        }
        return tiled;
    }

    private static BatchSolution solve(BatchConeProgram program, SolverSettings settings, ExecutionSettings execution,
                                       boolean tiles) {
        Backends.cpuIpmTiles(tiles);
        return Backends.cpu().solve(program, settings, execution, null, null);
    }
}
