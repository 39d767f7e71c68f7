package io.convexlayers.cli;

import io.convexlayers.io.ProblemFormatException;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code convexlayers} command line. {@link #run} returns the exit code instead of exiting so
 * that tests can call it.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command; never throws for bad usage or bad input, but reports and returns a code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            out.println("usage: convexlayers solve FILE [options]   (convexlayers solve --help for options)");
            out.println("       convexlayers demo [options]         (convexlayers demo --help for options)");
            return args.length == 0 ? ExitCodes.USAGE : ExitCodes.SOLVED;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        try {
            switch (args[0]) {
                case "solve" -> {
                    if (rest.contains("--help") || rest.contains("-h")) {
                        out.println(SolveOptions.USAGE);
                        return ExitCodes.SOLVED;
                    }
                    return SolveCommand.run(SolveOptions.parse(rest), out, err);
                }
                case "demo" -> {
                    return DemoCommand.run(rest, out, err);
                }
                default -> throw new UsageException("unknown command '" + args[0] + "' (try: solve, demo)");
            }
        } catch (UsageException e) {
            err.println("convexlayers: " + e.getMessage());
            err.println(SolveOptions.USAGE);
            return ExitCodes.USAGE;
        } catch (ProblemFormatException e) {
            err.println("convexlayers: " + e.getMessage());
            return ExitCodes.DATA_ERROR;
        } catch (io.convexlayers.BackendUnavailableException e) {
            err.println("convexlayers: " + e.getMessage());
            return ExitCodes.UNAVAILABLE;
        } catch (java.nio.file.NoSuchFileException e) {
            err.println("convexlayers: no such file: " + e.getFile());
            return ExitCodes.NO_INPUT;
        } catch (IOException | UncheckedIOException e) {
            err.println("convexlayers: cannot read input: " + e.getMessage());
            return ExitCodes.NO_INPUT;
        }
    }
}
