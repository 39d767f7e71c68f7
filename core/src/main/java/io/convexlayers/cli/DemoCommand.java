// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cli;

import io.convexlayers.backend.Backends;
import io.convexlayers.solver.Backend;
import io.convexlayers.examples.ApproximateDynamicProgramming;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * {@code convexlayers demo}: trains the convex approximate dynamic programming example
 * ({@link ApproximateDynamicProgramming}) with a progress bar on standard error, prints the cost of
 * the LQR start and of the learned policy, and writes the loss curve as a PNG. The output file is
 * checked before training ({@link OutputFile}); a file that cannot be written exits with
 * {@link ExitCodes#CANNOT_CREATE}.
 */
final class DemoCommand {
    private DemoCommand() {
    }

    /** Parses the options and runs; usage errors print the demo's usage and return 64. */
    static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.contains("--help") || args.contains("-h")) {
            out.println(DemoOptions.USAGE);
            return ExitCodes.SOLVED;
        }
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (UsageException e) {
            err.println("convexlayers: " + Terminal.safe(e.getMessage()));
            err.println(DemoOptions.USAGE);
            return ExitCodes.USAGE;
        }
        return run(options, out, err, System.console() != null);
    }

    static int run(DemoOptions o, PrintStream out, PrintStream err, boolean interactive) {
        try {
            OutputFile.checkWritable(o.out());
        } catch (IOException e) {
            err.println("convexlayers: --out: " + Terminal.safe(e.getMessage()) + " (checked before training)");
            return ExitCodes.CANNOT_CREATE;
        }
        Backend backend = backend(o.backend(), err);
        ApproximateDynamicProgramming.Config config = ApproximateDynamicProgramming.Config.defaults()
                .withIterations(o.iterations()).withBatch(o.batch()).withHorizon(o.horizon()).withSeed(o.seed());
        out.printf(Locale.ROOT, "convex ADP: %d states, %d inputs, horizon %d, %d rollouts per step, %d iterations,"
                        + " backend %s%n", config.states(), config.inputs(), config.horizon(), config.batch(),
                config.iterations(), backend.name());
        ApproximateDynamicProgramming adp = new ApproximateDynamicProgramming(config, backend);
        ProgressBar bar = new ProgressBar(err, config.iterations(), interactive);
        long t0 = System.nanoTime();
        ApproximateDynamicProgramming.Result r = adp.train((it, cost, seconds, instances) ->
                bar.update(it, cost, seconds, instances / seconds), Math.max(1, config.iterations() / 20));
        double total = (System.nanoTime() - t0) * 1e-9;
        out.printf(Locale.ROOT, "evaluation cost: LQR start %.4f -> learned %.4f (%.1f%% lower)%n", r.initialCost(),
                r.finalCost(), r.reductionPercent());
        out.printf(Locale.ROOT, "training cost: first iteration %.4f, last iteration %.4f%n", r.costs()[0],
                r.costs()[r.costs().length - 1]);
        out.printf(Locale.ROOT, "time: %.1f s total; per batch of %d: forward %.2f ms, backward %.2f ms%n", total,
                config.batch(), r.forwardSeconds() * 1e3, r.backwardSeconds() * 1e3);
        try {
            writePlot(o, config, backend, r);
        } catch (IOException e) {
            err.println("convexlayers: cannot write " + Terminal.safe(o.out().toString()) + ": "
                    + Terminal.safe(String.valueOf(e.getMessage())));
            return ExitCodes.CANNOT_CREATE;
        }
        out.println("wrote " + Terminal.safe(o.out().toString()));
        return ExitCodes.SOLVED;
    }

    private static void writePlot(DemoOptions o, ApproximateDynamicProgramming.Config config, Backend backend,
                                  ApproximateDynamicProgramming.Result r) throws IOException {
        int iters = r.costs().length;
        double[] steps = new double[iters];
        for (int i = 0; i < iters; i++) {
            steps[i] = i + 1;
        }
        double[] evalX = new double[r.evaluationIterations().length];
        for (int i = 0; i < evalX.length; i++) {
            evalX[i] = r.evaluationIterations()[i];
        }
        LossPlot.write(o.out(), "Learning a convex control policy (approximate dynamic programming)",
                String.format(Locale.ROOT, "%d rollouts x %d steps per SGD iteration, backend %s: cost %.3f -> %.3f"
                        + " (%.1f%% lower than LQR)", config.batch(), config.horizon(), backend.name(), r.initialCost(),
                        r.finalCost(), r.reductionPercent()),
                "SGD iteration", "average stage cost", List.of(
                        new LossPlot.Series("training batch (fresh rollouts each iteration)", steps, r.costs(),
                                LossPlot.LIGHT, 1.4f, false, false),
                        new LossPlot.Series("LQR policy (start)", new double[] {0, iters},
                                new double[] {r.initialCost(), r.initialCost()}, LossPlot.RED, 1.6f, true, false),
                        new LossPlot.Series("evaluation rollouts (fixed)", evalX, r.evaluationCosts(), LossPlot.DARK,
                                3f, false, true)));
    }

    /**
     * {@code cpu}, {@code cuda} (a typed error without a usable GPU) or {@code auto} (CUDA when
     * present, else the CPU with one log line saying why).
     */
    static Backend backend(String name, PrintStream err) {
        return switch (name) {
            case "cpu" -> Backends.cpu();
            case "cuda" -> Backends.cuda();
            default -> Backends.auto();
        };
    }
}
