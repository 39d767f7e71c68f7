// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cli;

import io.convexlayers.solver.Acceleration;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.LinearSystemKind;
import io.convexlayers.solver.Polishing;
import io.convexlayers.solver.SolverSettings;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The parsed options of {@code convexlayers solve FILE [options]}.
 *
 * @param file          the problem file
 * @param settings      solver settings built from the defaults and the options
 * @param json          print one JSON object instead of the human summary
 * @param verbose       print the iteration table to standard error
 * @param printSolution include x in the output
 * @param backend       auto, cpu or cuda
 */
record SolveOptions(Path file, SolverSettings settings, boolean json, boolean verbose, boolean printSolution,
                    String backend) {

    static final String USAGE = String.join("\n",
            "usage: convexlayers solve FILE [options]",
            "  FILE                 .mps, .qps, .cbf or .dat-s (optionally .gz)",
            "  --eps E              absolute and relative tolerance, a positive number (default 1e-5)",
            "  --eps-abs E          absolute tolerance",
            "  --eps-rel E          relative tolerance",
            "  --max-iters N        iteration limit, 1 to 2147483647 (default 100000)",
            "  --time-limit S       wall-clock limit in seconds, >= 0 (default 0 = none; limits beyond",
            "                       about 146 years are none too)",
            "  --no-accel           switch Anderson acceleration off (= --acceleration none)",
            "  --acceleration KIND  anderson|halpern|none, the first-order method's (default anderson;",
            "                       halpern: anchored Peaceman-Rachford with restarts, for hard LPs)",
            "  --linsys KIND        auto|shared|dense|sparse|cg (default auto)",
            "  --algorithm NAME     auto|first-order|interior-point (default auto: interior point for",
            "                       LPs and QPs, first order for other cones and large batches)",
            "  --polish RULE        auto|on|off: move first-order solutions to the exact solution",
            "                       (default auto: small programs with second-order or power cones)",
            "  --json               one JSON object on standard output",
            "  --print-solution     include the solution x",
            "  --verbose            iteration table on standard error",
            "  --backend NAME       auto|cpu|cuda (default cpu; auto: CUDA when available)",
            "exit codes: 0 solved, 1 inaccurate, 2 infeasible, 3 unbounded, 4 failed,",
            "            64 usage error, 65 malformed input, 66 unreadable input, 69 backend unavailable,",
            "            70 internal error");

    static SolveOptions parse(List<String> args) {
        Path file = null;
        SolverSettings.Builder b = SolverSettings.defaults().toBuilder();
        boolean json = false;
        boolean verbose = false;
        boolean print = false;
        String backend = "cpu";
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--eps" -> {
                    double e = CliNumbers.positive(a, value(args, ++i, a));
                    b.epsAbs(e).epsRel(e);
                }
                case "--eps-abs" -> b.epsAbs(CliNumbers.positive(a, value(args, ++i, a)));
                case "--eps-rel" -> b.epsRel(CliNumbers.positive(a, value(args, ++i, a)));
                case "--max-iters" -> b.maxIters(CliNumbers.integer(a, value(args, ++i, a), 1, Integer.MAX_VALUE));
                case "--time-limit" -> b.timeLimitSeconds(CliNumbers.nonNegative(a, value(args, ++i, a)));
                case "--no-accel" -> b.acceleration(false);
                case "--acceleration" -> b.acceleration(acceleration(value(args, ++i, a)));
                case "--linsys" -> b.linearSystem(linsys(value(args, ++i, a)));
                case "--algorithm" -> b.algorithm(algorithm(value(args, ++i, a)));
                case "--polish" -> b.polishing(polishing(value(args, ++i, a)));
                case "--json" -> json = true;
                case "--verbose" -> verbose = true;
                case "--print-solution" -> print = true;
                case "--backend" -> {
                    backend = value(args, ++i, a);
                    if (!backend.equals("cpu") && !backend.equals("auto") && !backend.equals("cuda")) {
                        throw new UsageException("--backend must be auto, cpu or cuda, got '" + backend + "'");
                    }
                }
                default -> {
                    if (a.startsWith("-")) {
                        throw new UsageException("unknown option " + a);
                    }
                    if (file != null) {
                        throw new UsageException("more than one problem file: " + file + " and " + a);
                    }
                    file = Path.of(a);
                }
            }
        }
        if (file == null) {
            throw new UsageException("missing problem FILE");
        }
        SolverSettings settings;
        try {
            settings = b.build();
        } catch (io.convexlayers.InvalidSettingsException e) {
            throw new UsageException(e.getMessage());
        }
        return new SolveOptions(file, settings, json, verbose, print, backend);
    }

    private static Acceleration acceleration(String name) {
        return switch (name) {
            case "anderson" -> Acceleration.ANDERSON;
            case "halpern" -> Acceleration.HALPERN;
            case "none" -> Acceleration.NONE;
            default -> throw new UsageException("--acceleration must be anderson, halpern or none, got '" + name + "'");
        };
    }

    private static Algorithm algorithm(String name) {
        return switch (name) {
            case "auto" -> Algorithm.AUTO;
            case "first-order" -> Algorithm.FIRST_ORDER;
            case "interior-point" -> Algorithm.INTERIOR_POINT;
            default -> throw new UsageException("--algorithm must be auto, first-order or interior-point, got '"
                    + name + "'");
        };
    }

    private static Polishing polishing(String name) {
        return switch (name) {
            case "auto" -> Polishing.AUTO;
            case "on" -> Polishing.ON;
            case "off" -> Polishing.OFF;
            default -> throw new UsageException("--polish must be auto, on or off, got '" + name + "'");
        };
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new UsageException(option + " needs a value");
        }
        return args.get(i);
    }

    private static LinearSystemKind linsys(String v) {
        try {
            return LinearSystemKind.valueOf(v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--linsys expects auto|shared|dense|sparse|cg, got '" + v + "'");
        }
    }
}
