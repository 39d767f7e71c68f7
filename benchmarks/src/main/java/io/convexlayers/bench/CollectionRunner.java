// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.bench;

import io.convexlayers.ConvexLayersException;
import io.convexlayers.backend.ConeSolver;
import io.convexlayers.io.FileProblem;
import io.convexlayers.io.ProblemReader;
import io.convexlayers.solver.Solution;
import io.convexlayers.solver.Polishing;
import io.convexlayers.solver.SolverSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Solves every problem of a test collection with reference optima (a folder with
 * {@code reference.csv}, as {@code shared/data/netlib-full} and {@code shared/data/maros-full}) one at a
 * time, and prints a Markdown table per problem and the summary qpbenchmark reports: the number of
 * successes and the shifted geometric mean of solve times (shift 10 s, failures counted at the time
 * limit).
 *
 * <p>Success = status SOLVED within the time limit and |objective − reference| ≤ 1e-4·max(1, |reference|),
 * the objective in the file's own sense without its constant term (as both references are). Solve time is the wall time of {@code ConeSolver.solve} (setup included,
 * reading the file excluded).
 *
 * <p>{@code --warm}: each problem whose first solve took less than {@value #WARM_REPEAT_BELOW} s is solved
 * again, and the table reports the second solve (time, status, success) beside the first one's time. A
 * JVM compiles each code path the first time it runs hot, and a collection meets new paths (linear-system
 * kinds, cone mixes, sizes) problem after problem, so the first solve of a small problem is mostly the
 * compiler's time; the second is the solver's. Longer solves are not repeated (their first solve is
 * already mostly iterations, and repeating them would double the run).
 *
 * <p>{@code --steady}: as {@code --warm}, but a short problem is solved again until {@value
 * #STEADY_BUDGET_SECONDS} s of repeated solves or {@value #STEADY_MAX_REPEATS} repeats have passed, and the
 * table reports the repeat of median time: the steady state a training loop or a service calling the
 * solver over and over reaches, and the figure to hold beside a compiled solver timed the same way.
 *
 * <pre>
 * java -cp … io.convexlayers.bench.CollectionRunner FOLDER [--eps 1e-6] [--time-limit 20]
 *      [--polish auto|on|off] [--algorithm auto|first-order|interior-point]
 *      [--acceleration anderson|halpern|none] [--only NAME,NAME…] [--warm | --steady]
 * </pre>
 */
public final class CollectionRunner {
    private static final double SHIFT_SECONDS = 10;
    private static final double OBJECTIVE_TOLERANCE = 1e-4;
    /** With {@code --warm}, problems whose first solve took less than this many seconds are solved again. */
    static final double WARM_REPEAT_BELOW = 2;
    /** With {@code --steady}, a short problem's repeats stop once they have taken this many seconds … */
    static final double STEADY_BUDGET_SECONDS = 1;
    /**
     * … or after this many repeats. Enough that a millisecond problem's median repeat comes after the JIT
     * has compiled its paths: at 50, DUAL1, DPKLO1 and DUAL2 still read 1.7–5× their steady time.
     */
    static final int STEADY_MAX_REPEATS = 1000;

    /** How often a short problem is solved after its first solve. */
    enum Repeats {
        /** Not again: the first solve is reported. */
        NONE,
        /** Once: the second solve is reported ({@code --warm}). */
        SECOND,
        /** Until the steady budget is spent: the repeat of median time is reported ({@code --steady}). */
        STEADY
    }

    private CollectionRunner() {
    }

    /** One row of {@code reference.csv}. */
    record Reference(String name, String file, double objective) {
    }

    /** What one problem gave. */
    /** A solution and the seconds its solve took, measured where it ran. */
    private record TimedSolution(Solution solution, double seconds) {
    }

    record Outcome(String name, String status, int iterations, double seconds, double objective,
                   double reference, boolean success, String polish, double firstSeconds) {
        double relativeError() {
            return Math.abs(objective - reference) / Math.max(1, Math.abs(reference));
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: CollectionRunner FOLDER [--eps E] [--time-limit S] [--polish auto|on|off] "
                    + "[--algorithm auto|first-order|interior-point] [--acceleration anderson|halpern|none] [--only A,B] "
                    + "[--warm | --steady]");
            System.exit(2);
        }
        Path folder = Path.of(args[0]);
        double eps = 1e-6;
        double limit = 20;
        Polishing polish = null;
        io.convexlayers.solver.Algorithm algorithm = null;
        io.convexlayers.solver.Acceleration acceleration = null;
        Set<String> only = null;
        Repeats repeats = Repeats.NONE;
        for (int k = 1; k < args.length; k += 2) {
            String value = k + 1 < args.length ? args[k + 1] : "";
            if (args[k].equals("--warm") || args[k].equals("--steady")) {
                repeats = args[k].equals("--warm") ? Repeats.SECOND : Repeats.STEADY;
                k--; // a flag without a value
                continue;
            }
            switch (args[k]) {
                case "--eps" -> eps = Double.parseDouble(value);
                case "--time-limit" -> limit = Double.parseDouble(value);
                case "--polish" -> polish = polishing(value);
                case "--algorithm" -> algorithm = io.convexlayers.solver.Algorithm.valueOf(
                        value.toUpperCase(Locale.ROOT).replace('-', '_'));
                case "--acceleration" -> acceleration = io.convexlayers.solver.Acceleration.valueOf(
                        value.toUpperCase(Locale.ROOT));
                case "--only" -> only = new HashSet<>(Arrays.asList(value.split(",")));
                default -> throw new IllegalArgumentException("unknown option " + args[k]);
            }
        }
        SolverSettings settings = SolverSettings.defaults().withEps(eps).withTimeLimit(limit);
        if (polish != null) {
            settings = settings.withPolishing(polish);
        }
        if (algorithm != null) {
            settings = settings.withAlgorithm(algorithm);
        }
        if (acceleration != null) {
            settings = settings.withAcceleration(acceleration);
        }
        run(folder, settings, limit, only, repeats, System.out);
        System.exit(0);
    }

    /**
     * Runs the collection in {@code folder} (its {@code reference.csv}; only the names in {@code only}
     * unless it is null) and prints the table and the summary to {@code out}.
     *
     * @return each problem's outcome, in the reference file's order
     */
    static List<Outcome> run(Path folder, SolverSettings settings, double limit, Set<String> only, Repeats repeats,
                             java.io.PrintStream out) throws IOException {
        double eps = settings.epsAbs();
        List<Reference> references = readReferences(folder.resolve("reference.csv"));
        warmUp(folder, references, settings);

        out.printf(Locale.ROOT, "# %s: eps %.0e, time limit %.0f s, polish %s, algorithm %s, acceleration %s%n%n",
                folder.getFileName(), eps, limit, settings.polishing().name().toLowerCase(Locale.ROOT), settings.algorithm(),
                settings.acceleration());
        boolean warm = repeats != Repeats.NONE;
        out.println("| problem | status | iterations | time (s) |" + (warm ? " first solve (s) |" : "")
                + " objective | reference | rel. error | algorithm/polish | success |");
        out.println("|---|---|---:|---:|" + (warm ? "---:|" : "") + "---:|---:|---:|---|---|");
        List<Outcome> outcomes = new ArrayList<>();
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "collection-runner");
            t.setDaemon(true);
            return t;
        });
        for (Reference ref : references) {
            if (only != null && !only.contains(ref.name())) {
                continue;
            }
            Outcome o = runOne(folder, ref, settings, limit, worker);
            if (warm && o.seconds() < WARM_REPEAT_BELOW && !o.status().equals("READ_ERROR")) {
                Outcome again = repeated(folder, ref, settings, limit, worker, repeats);
                o = new Outcome(again.name(), again.status(), again.iterations(), again.seconds(),
                        again.objective(), again.reference(), again.success(), again.polish(), o.seconds());
            }
            outcomes.add(o);
            String first = warm ? String.format(Locale.ROOT, " %.6f |", o.firstSeconds()) : "";
            out.printf(Locale.ROOT, "| %s | %s | %d | %.6f |%s %.8e | %.8e | %.1e | %s | %s |%n", o.name(),
                    o.status(), o.iterations(), o.seconds(), first, o.objective(), o.reference(), o.relativeError(),
                    o.polish(), o.success() ? "yes" : "no");
            out.flush();
        }
        summarize(outcomes, limit, out);
        worker.shutdownNow();
        return outcomes;
    }

    /** The polishing rule named by {@code --polish}. */
    private static Polishing polishing(String value) {
        return switch (value) {
            case "auto" -> Polishing.AUTO;
            case "on" -> Polishing.ON;
            case "off" -> Polishing.OFF;
            default -> throw new IllegalArgumentException("--polish must be auto, on or off, got '" + value + "'");
        };
    }

    /**
     * The problem solved again: once ({@link Repeats#SECOND}), or until the steady budget is spent, the
     * repeat of median time ({@link Repeats#STEADY}; with an even count, the faster of the middle two).
     */
    private static Outcome repeated(Path folder, Reference ref, SolverSettings settings, double limit,
                                    ExecutorService worker, Repeats repeats) {
        List<Outcome> runs = new ArrayList<>();
        double spent = 0;
        do {
            Outcome again = runOne(folder, ref, settings, limit, worker);
            runs.add(again);
            spent += again.seconds();
        } while (repeats == Repeats.STEADY && spent < STEADY_BUDGET_SECONDS && runs.size() < STEADY_MAX_REPEATS);
        runs.sort(Comparator.comparingDouble(Outcome::seconds));
        return runs.get((runs.size() - 1) / 2);
    }

    /** Solves one problem, bounded by the solver's time limit and, should that fail, a watchdog. */
    private static Outcome runOne(Path folder, Reference ref, SolverSettings settings, double limit,
                                  ExecutorService worker) {
        FileProblem problem;
        try {
            problem = ProblemReader.read(folder.resolve(ref.file()));
        } catch (IOException | ConvexLayersException e) {
            return new Outcome(ref.name(), "READ_ERROR", 0, limit, Double.NaN, ref.objective(), false, "-", limit);
        }
        // Timed on the worker, around the solve alone: handing the task over and waking this thread
        // again are the harness's cost, not the solver's (tens of µs against sub-millisecond solves).
        Future<TimedSolution> future = worker.submit(() -> {
            long t0 = System.nanoTime();
            Solution solved = ConeSolver.solve(problem.program(), settings);
            return new TimedSolution(solved, (System.nanoTime() - t0) * 1e-9);
        });
        Solution sol;
        double seconds;
        try {
            TimedSolution timed = future.get((long) (limit * 3 + 60), TimeUnit.SECONDS);
            sol = timed.solution();
            seconds = timed.seconds();
        } catch (TimeoutException e) {
            future.cancel(true);
            return new Outcome(ref.name(), "HUNG", 0, limit, Double.NaN, ref.objective(), false, "-", limit);
        } catch (ExecutionException e) {
            return new Outcome(ref.name(), "ERROR " + e.getCause().getClass().getSimpleName(), 0, limit,
                    Double.NaN, ref.objective(), false, "-", limit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        // Both collections' references leave out the objective constant (NETLIB's readme reports c'x, as
        // MINOS did, e.g. e226 with RHS -7.113 on its objective row; Maros-Meszaros' objective_in_file is
        // the optimum without r), so the constant is left out here as well.
        double objective = problem.fileObjective(sol.objective()) - problem.objectiveConstant();
        boolean solved = sol.status().name().equals("SOLVED");
        boolean close = Math.abs(objective - ref.objective()) <= OBJECTIVE_TOLERANCE * Math.max(1, Math.abs(ref.objective()));
        // The deadline is checked between iterations, so a solve can end past it: that is a failure too.
        boolean inTime = seconds <= limit;
        return new Outcome(ref.name(), sol.status().name(), sol.iterations(), seconds, objective, ref.objective(),
                solved && close && inTime, sol.algorithm().name().toLowerCase(Locale.ROOT) + "/" + sol.polish().name(),
                seconds);
    }

    /** A few small solves first, so that the first problem's time is not mostly the JIT compiler's. */
    private static void warmUp(Path folder, List<Reference> references, SolverSettings settings) throws IOException {
        for (String name : List.of("afiro", "HS21", "HS118", "adlittle")) {
            for (Reference ref : references) {
                if (ref.name().equalsIgnoreCase(name)) {
                    FileProblem p = ProblemReader.read(folder.resolve(ref.file()));
                    for (int k = 0; k < 5; k++) {
                        ConeSolver.solve(p.program(), settings);
                    }
                }
            }
        }
    }

    /** Success counts and the shifted geometric mean of solve times, failures at the time limit. */
    private static void summarize(List<Outcome> outcomes, double limit, java.io.PrintStream out) {
        int success = 0;
        int solved = 0;
        double logSum = 0;
        double logSumSolved = 0;
        for (Outcome o : outcomes) {
            if (o.success()) {
                success++;
            }
            if (o.status().equals("SOLVED")) {
                solved++;
            }
            double t = o.success() ? o.seconds() : limit;
            logSum += Math.log(t + SHIFT_SECONDS);
            logSumSolved += Math.log(o.seconds() + SHIFT_SECONDS);
        }
        int k = outcomes.size();
        out.println();
        out.printf(Locale.ROOT, "problems: %d, status SOLVED: %d, success (SOLVED and objective within "
                + "1e-4 relative, within the time limit): %d (%.1f%%)%n", k, solved, success, 100.0 * success / Math.max(1, k));
        out.printf(Locale.ROOT, "shifted geometric mean of solve time (shift %.0f s, failures at the %.0f s "
                        + "limit): %.3f s; of the measured times: %.3f s%n", SHIFT_SECONDS, limit,
                Math.exp(logSum / Math.max(1, k)) - SHIFT_SECONDS, Math.exp(logSumSolved / Math.max(1, k)) - SHIFT_SECONDS);
    }

    /** Reads name, file and the reference objective ({@code objective_in_file}, else {@code objective_ref}). */
    static List<Reference> readReferences(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        List<String> header = Arrays.asList(lines.get(0).split(","));
        int nameCol = header.indexOf("name");
        int fileCol = header.indexOf("file");
        int refCol = header.contains("objective_in_file") ? header.indexOf("objective_in_file")
                : header.indexOf("objective_ref");
        List<Reference> out = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",");
            out.add(new Reference(f[nameCol], f[fileCol], Double.parseDouble(f[refCol])));
        }
        return out;
    }
}
