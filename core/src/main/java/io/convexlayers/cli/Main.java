// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cli;

import io.convexlayers.BackendUnavailableException;
import io.convexlayers.ConvexLayersException;
import io.convexlayers.io.ProblemFormatException;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code convexlayers} command line. {@link #run} returns the exit code instead of exiting so
 * that tests can call it. Every message about the input is printed through {@link Terminal#safe},
 * so file names, arguments and file contents cannot put raw control bytes on the terminal.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command; never throws for bad usage or bad input, but reports and returns a code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(Help.USAGE);
            return ExitCodes.USAGE;
        }
        switch (args[0]) {
            case "--help", "-h", "help" -> {
                out.println(Help.text());
                return ExitCodes.SOLVED;
            }
            case "--version", "-V", "version" -> {
                out.println("convexlayers " + Version.get());
                out.println("cpu loops: " + io.convexlayers.backend.Backends.cpuLoops());
                return ExitCodes.SOLVED;
            }
            default -> {
            }
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        try {
            switch (args[0]) {
                case "solve" -> {
                    if (rest.contains("--help") || rest.contains("-h")) {
                        out.println(SolveOptions.USAGE);
                        return ExitCodes.SOLVED;
                    }
                    return runSolve(rest, out, err);
                }
                case "demo" -> {
                    return DemoCommand.run(rest, out, err);
                }
                default -> {
                    err.println("convexlayers: unknown command '" + Terminal.safe(args[0]) + "' (try: solve, demo, --help)");
                    err.println(Help.USAGE);
                    return ExitCodes.USAGE;
                }
            }
        } catch (ProblemFormatException e) {
            return fail(err, e.getMessage(), ExitCodes.DATA_ERROR);
        } catch (BackendUnavailableException e) {
            return fail(err, e.getMessage(), ExitCodes.UNAVAILABLE);
        } catch (IOException | UncheckedIOException e) {
            return fail(err, "cannot read input: " + e.getMessage(), ExitCodes.NO_INPUT);
        } catch (ConvexLayersException e) {
            // Past the readers, a typed error can only come from data the solver cannot take.
            return fail(err, e.getMessage(), ExitCodes.DATA_ERROR);
        } catch (RuntimeException | OutOfMemoryError e) {
            // A bug or an exhausted heap: one line that says so instead of a stack trace.
            return fail(err, "internal error: " + e + " (please report it with the command line and input)",
                    ExitCodes.INTERNAL);
        }
    }

    private static int runSolve(List<String> rest, PrintStream out, PrintStream err) throws IOException {
        SolveOptions options;
        try {
            options = SolveOptions.parse(rest);
        } catch (UsageException e) {
            err.println("convexlayers: " + Terminal.safe(e.getMessage()));
            err.println(SolveOptions.USAGE);
            return ExitCodes.USAGE;
        }
        return SolveCommand.run(options, out, err);
    }

    private static int fail(PrintStream err, String message, int code) {
        err.println("convexlayers: " + Terminal.safe(message));
        return code;
    }
}
