// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cli;

import java.nio.file.Path;
import java.util.List;

/**
 * The parsed options of {@code convexlayers demo}.
 *
 * @param iterations SGD iterations
 * @param batch      rollouts per iteration (the layer's batch size)
 * @param horizon    steps per rollout
 * @param seed       random seed
 * @param out        where the loss plot (PNG) goes
 * @param backend    {@code cpu}, {@code cuda} or {@code auto}
 */
record DemoOptions(int iterations, int batch, int horizon, long seed, Path out, String backend) {

    static final String USAGE = String.join("\n",
            "usage: convexlayers demo [options]",
            "  Learns a control policy given by a parametrized SOCP (convex approximate dynamic",
            "  programming, Agrawal et al. 2019): starts from the LQR policy and runs SGD over",
            "  batches of simulated rollouts, differentiating through every solve.",
            "  --iterations N       SGD iterations (default 40)",
            "  --batch B            rollouts per iteration, the layer's batch size (default 32)",
            "  --horizon T          steps per rollout (default 20)",
            "  --seed S             random seed (default 1)",
            "  --out FILE           loss plot, PNG (default loss.png in the current directory;",
            "                       the repository's .gitignore ignores it). Checked before training.",
            "  --backend NAME       auto|cpu|cuda (default auto: CUDA when available, else cpu)",
            "  --help               this text");

    static DemoOptions parse(List<String> args) {
        int iterations = 40;
        int batch = 32;
        int horizon = 20;
        long seed = 1;
        Path out = Path.of("loss.png");
        String backend = "auto";
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--iterations" -> iterations = positive(args, ++i, a);
                case "--batch" -> batch = positive(args, ++i, a);
                case "--horizon" -> horizon = positive(args, ++i, a);
                case "--seed" -> seed = parseLong(value(args, ++i, a), a);
                case "--out" -> out = Path.of(value(args, ++i, a));
                case "--backend" -> {
                    backend = value(args, ++i, a);
                    if (!backend.equals("cpu") && !backend.equals("auto") && !backend.equals("cuda")) {
                        throw new UsageException("--backend must be auto, cpu or cuda, got '" + backend + "'");
                    }
                }
                default -> throw new UsageException("unknown demo option '" + a + "'");
            }
        }
        return new DemoOptions(iterations, batch, horizon, seed, out, backend);
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new UsageException(option + " needs a value");
        }
        return args.get(i);
    }

    private static long parseLong(String v, String option) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UsageException(option + " needs an integer, got '" + v + "'");
        }
    }

    private static int positive(List<String> args, int i, String option) {
        return CliNumbers.integer(option, value(args, i, option), 1, 1_000_000);
    }
}
