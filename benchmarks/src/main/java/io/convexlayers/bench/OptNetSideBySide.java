// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.bench;

import io.convexlayers.backend.Backends;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.Polishing;
import io.convexlayers.solver.SolverSettings;

import java.util.Locale;

/**
 * The interior-point method's batched forward solve against the OptNet-style baseline
 * ({@link OptNetQp}) on the same workload, in one JVM, in alternating rounds: on a shared machine
 * whose speed drifts, two JMH forks minutes apart can differ by more than the effect measured, while
 * rounds a few seconds apart see the same machine. Both run as the JMH contenders do (every core;
 * eps 1e-8, polishing off, for ours). Per workload: R rounds (after two warm-up rounds), each timing
 * ours and then the baseline over at least S seconds of repeated solves (before the first workload, ten
 * seconds of both untimed); prints each side's median
 * ms per batch and the ratio of the medians (above 1: ours faster).
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks.jar io.convexlayers.bench.OptNetSideBySide
 *     [--repeats R] [--seconds S] [NAME…]
 * </pre>
 * Without names it runs {@link #DEFAULT_WORKLOADS}, the small-QP and LP batches of issue #16's goal.
 * With {@code --layer} both sides run as differentiable layers, forward and forward+backward: ours
 * through {@link LayerContender} (the user-facing layer: parameter map, PSD check of P, the interior
 * point, the derivative of every parameter), the baseline through {@link OptNetContender} (its
 * forward, then ∂ℓ/∂q by its kept factorization); inequality QPs only.
 */
public final class OptNetSideBySide {
    private static final int WARM_UP_ROUNDS = 2;
    /**
     * Before the first workload, both sides run this long untimed: the JIT compiles the vector kernels in
     * the first seconds of a JVM, and with one-second rounds the first workload (small-qp-n10-b16) read
     * 0.63 ms for ours where four-second rounds read 0.21.
     */
    private static final double FIRST_WARM_UP_SECONDS = 10;
    static final String[] DEFAULT_WORKLOADS = {"small-qp-n10-b128", "small-qp-n10-b1024", "small-qp-n50-b128",
            "small-qp-n100-b16", "lp-n50-b128"};

    private OptNetSideBySide() {
    }

    public static void main(String[] args) {
        double seconds = 1.5;
        boolean layer = false;
        java.util.List<String> rest = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--seconds")) {
                seconds = Double.parseDouble(args[++i]);
            } else if (args[i].equals("--layer")) {
                layer = true;
            } else {
                rest.add(args[i]);
            }
        }
        TimingOptions options = TimingOptions.parse(rest.toArray(new String[0]), 5, Algorithm.INTERIOR_POINT);
        SolverSettings settings = SolverSettings.defaults().withEps(1e-8).withPolishing(Polishing.OFF)
                .withAlgorithm(Algorithm.INTERIOR_POINT);
        if (layer) {
            layers(options, settings, seconds);
            return;
        }
        System.out.println("| workload | interior point, ms per batch | OptNet-style, ms per batch | OptNet ÷ interior point |");
        System.out.println("|---|---:|---:|---:|");
        String[] names = options.workloads().length > 0 ? options.workloads() : DEFAULT_WORKLOADS;
        boolean first = true;
        for (String name : names) {
            QpBatch w = Workloads.create(name);
            BatchConeProgram program = ConvexLayersContender.toConeProgram(w);
            Runnable ours = () -> Backends.cpu().solve(program, settings, null, null);
            Runnable theirs = () -> new OptNetQp(w.n, w.mIneq, w.p, w.q, w.g, w.h).forward();
            if (first) {
                warmUp(ours, theirs);
                first = false;
            }
            int rounds = options.repeats();
            double[] ourMs = new double[rounds];
            double[] theirMs = new double[rounds];
            for (int r = -WARM_UP_ROUNDS; r < rounds; r++) {
                double a = msPerCall(ours, seconds);
                double b = msPerCall(theirs, seconds);
                if (r >= 0) {
                    ourMs[r] = a;
                    theirMs[r] = b;
                }
            }
            double mine = TimingOptions.median(ourMs);
            double base = TimingOptions.median(theirMs);
            System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2f |%n", name, mine, base, base / mine);
        }
    }

    /** The {@code --layer} table: both as layers, forward and forward+backward, alternating rounds. */
    private static void layers(TimingOptions options, SolverSettings settings, double seconds) {
        System.out.println("| workload | layer forward, ms | OptNet forward, ms | OptNet ÷ layer | layer forward+backward, ms"
                + " | OptNet forward+backward, ms | OptNet ÷ layer |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        String[] names = options.workloads().length > 0 ? options.workloads() : DEFAULT_WORKLOADS;
        boolean first = true;
        for (String name : names) {
            QpBatch w = Workloads.create(name);
            LayerContender ourSide = new LayerContender(settings);
            if (ourSide.unsupportedReason(w) != null) {
                System.out.printf(Locale.ROOT, "| %s | %s |%n", name, ourSide.unsupportedReason(w));
                continue;
            }
            Contender.Prepared ours = ourSide.prepare(w);
            Contender.Prepared theirs = new OptNetContender().prepare(w);
            double[][] dx = new double[w.batch][w.n];
            java.util.Random rnd = new java.util.Random(1);
            for (double[] row : dx) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = rnd.nextGaussian();
                }
            }
            if (first) {
                warmUp(() -> ours.forwardBackward(dx), () -> theirs.forwardBackward(dx));
                first = false;
            }
            int rounds = options.repeats();
            double[][] ms = new double[4][rounds];
            for (int r = -WARM_UP_ROUNDS; r < rounds; r++) {
                double[] t = {msPerCall(ours::forward, seconds), msPerCall(theirs::forward, seconds),
                    msPerCall(() -> ours.forwardBackward(dx), seconds), msPerCall(() -> theirs.forwardBackward(dx), seconds)};
                if (r >= 0) {
                    for (int k = 0; k < 4; k++) {
                        ms[k][r] = t[k];
                    }
                }
            }
            double[] med = new double[4];
            for (int k = 0; k < 4; k++) {
                med[k] = TimingOptions.median(ms[k]);
            }
            System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |%n", name, med[0], med[1],
                    med[1] / med[0], med[2], med[3], med[3] / med[2]);
        }
    }

    /** Runs both sides, alternating, for {@link #FIRST_WARM_UP_SECONDS}. */
    private static void warmUp(Runnable ours, Runnable theirs) {
        long end = System.nanoTime() + (long) (FIRST_WARM_UP_SECONDS * 1e9);
        while (System.nanoTime() < end) {
            ours.run();
            theirs.run();
        }
    }

    /** Mean ms per call of {@code work}, repeated for at least {@code seconds}. */
    private static double msPerCall(Runnable work, double seconds) {
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        int calls = 0;
        do {
            work.run();
            calls++;
        } while (System.nanoTime() < end);
        return (System.nanoTime() - start) / 1e6 / calls;
    }
}
