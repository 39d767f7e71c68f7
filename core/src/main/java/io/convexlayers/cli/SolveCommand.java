// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cli;

import io.convexlayers.io.FileProblem;
import io.convexlayers.io.ProblemReader;
import io.convexlayers.solver.Backend;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.IterationListener;
import io.convexlayers.solver.PolishStatus;
import io.convexlayers.solver.Solution;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Locale;

/**
 * {@code convexlayers solve FILE}: reads a problem file, solves it and reports the result in the
 * file's own terms (objective sense and constant, the file's variables). The reader's warnings
 * (conventions applied to the file, such as a negative UP bound making the lower bound −∞) are
 * shown in every output: a {@code warning} line per warning in the summary, on standard error
 * with {@code --verbose}, and as the {@code warnings} array with {@code --json}.
 */
final class SolveCommand {
    private SolveCommand() {
    }

    static int run(SolveOptions options, PrintStream out, PrintStream err) {
        long t0 = System.nanoTime();
        FileProblem problem;
        try {
            problem = ProblemReader.read(options.file());
        } catch (IOException e) {
            err.println("convexlayers: cannot read " + Terminal.safe(options.file().toString()) + ": "
                    + Terminal.safe(reason(e)));
            return ExitCodes.NO_INPUT;
        }
        double readSeconds = (System.nanoTime() - t0) * 1e-9;
        IterationListener listener = options.verbose() ? table(err) : null;
        if (options.verbose()) {
            err.printf(Locale.ROOT, "convexlayers: %s (%s): n = %d, m = %d, nnz(A) = %d, cones %s%n",
                    Terminal.safe(problem.name()), problem.format(), problem.program().n(), problem.program().m(),
                    problem.program().a().nnz(), problem.program().cones());
            for (String w : problem.warnings()) {
                err.println("convexlayers: warning: " + Terminal.safe(w));
            }
            err.println(" iter | pri res  | dua res  |   gap    |   obj     |  scale   | time (s)");
        }
        Backend backend = DemoCommand.backend(options.backend(), err);
        long jit0 = compilationMillis();
        Solution s = backend.solve(BatchConeProgram.of(problem.program()), options.settings(), null, listener).get(0);
        // A cold JVM compiles the solver while it runs: the compiler threads' time, reported beside the
        // solve time, says how much of a small file's solve is warm-up rather than the solver.
        double jitSeconds = jit0 < 0 ? Double.NaN : (compilationMillis() - jit0) * 1e-3;
        double objective = s.status().hasSolution() ? problem.fileObjective(s.objective())
                : problem.maximize() ? -s.objective() : s.objective();
        if (options.json()) {
            JsonWriter j = new JsonWriter()
                    .put("file", options.file().toString())
                    .put("format", problem.format())
                    .put("status", s.status().name().toLowerCase(Locale.ROOT))
                    .put("objective", objective)
                    .put("iterations", s.iterations())
                    .put("algorithm", algorithmName(s))
                    .put("polish", s.polish().name().toLowerCase(Locale.ROOT).replace('_', '-'))
                    .put("solve_time_s", s.solveTimeSeconds())
                    .put("setup_time_s", s.setupTimeSeconds() + readSeconds)
                    .put("jit_compilation_s", Double.isNaN(jitSeconds) ? -1 : jitSeconds)
                    .put("primal_residual", s.primalResidual())
                    .put("dual_residual", s.dualResidual())
                    .put("gap", s.gap())
                    .put("variables", problem.fileVariableCount())
                    .put("constraints", problem.constraintCount())
                    .put("warnings", problem.warnings());
            if (options.printSolution()) {
                j.put("x", problem.fileVariables(s.x()));
            }
            out.println(j);
        } else {
            out.printf(Locale.ROOT, "problem     %s (%s, %d variables, %d constraints)%n",
                    Terminal.safe(problem.name()), problem.format(), problem.fileVariableCount(),
                    problem.constraintCount());
            for (String w : problem.warnings()) {
                out.println("warning     " + Terminal.safe(w));
            }
            out.printf(Locale.ROOT, "status      %s%n", s.status().name().toLowerCase(Locale.ROOT));
            out.printf(Locale.ROOT, "objective   %.10g%n", objective);
            out.printf(Locale.ROOT, "iterations  %d (%s%s)%n", s.iterations(), algorithmName(s),
                    s.polish() == PolishStatus.NOT_RUN ? "" : ", polish " + s.polish().name().toLowerCase(Locale.ROOT));
            out.printf(Locale.ROOT, "time        %.3f s solve, %.3f s setup%s%n", s.solveTimeSeconds(),
                    s.setupTimeSeconds() + readSeconds, Double.isNaN(jitSeconds) ? ""
                            : String.format(Locale.ROOT, " (JIT compilation meanwhile: %.3f s)", jitSeconds));
            out.printf(Locale.ROOT, "residuals   primal %.2e, dual %.2e, gap %.2e%n", s.primalResidual(),
                    s.dualResidual(), s.gap());
            if (options.printSolution()) {
                double[] x = problem.fileVariables(s.x());
                java.util.List<String> names = problem.variableNames();
                for (int j = 0; j < x.length; j++) {
                    String name = names != null && j < names.size() ? names.get(j) : "x" + j;
                    out.printf(Locale.ROOT, "  %-12s %.10g%n", Terminal.safe(name), x[j]);
                }
            }
        }
        return ExitCodes.of(s.status());
    }

    /** What went wrong, without repeating the path the caller names anyway. */
    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return String.valueOf(e.getMessage());
    }

    private static IterationListener table(PrintStream err) {
        return (it, pri, dua, gap, obj, scale, secs) -> {
            if (it <= 100 || it % 100 == 0) {
                err.printf(Locale.ROOT, "%5d | %.2e | %.2e | %.2e | %+.3e | %.2e | %.2e%n", it, pri, dua, gap, obj,
                        scale, secs);
            }
        };
    }

    /** Total time of the JVM's JIT compiler threads so far, in milliseconds; −1 when not measured. */
    static long compilationMillis() {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }

    /** "first-order" or "interior-point": the method that ran. */
    static String algorithmName(Solution s) {
        return s.algorithm().name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
