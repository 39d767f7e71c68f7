// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.bench;

import io.convexlayers.backend.ConeSolver;
import io.convexlayers.io.FileProblem;
import io.convexlayers.io.ProblemReader;
import io.convexlayers.solver.Solution;
import io.convexlayers.solver.SolverSettings;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Polished against unpolished solves of the same problems, interleaved in one JVM so that the
 * machine's load affects both alike: per problem, after warm-up, {@code reps} alternating solves of
 * each kind; prints the median times, their ratio, each kind's residual max(‖Ax + s − b‖∞,
 * ‖Px + Aᵀy + c‖∞, |gap|/(1 + |objective|)) and objective error against the reference.
 *
 * <pre>
 * java -cp … io.convexlayers.bench.PolishComparison FOLDER EPS REPS NAME…
 * </pre>
 */
public final class PolishComparison {
    private PolishComparison() {
    }

    public static void main(String[] args) throws IOException {
        Path folder = Path.of(args[0]);
        double eps = Double.parseDouble(args[1]);
        int reps = Integer.parseInt(args[2]);
        List<String> names = Arrays.asList(args).subList(3, args.length);
        List<CollectionRunner.Reference> refs = CollectionRunner.readReferences(folder.resolve("reference.csv"));
        SolverSettings off = SolverSettings.defaults().withEps(eps).withTimeLimit(60).withPolish(false);
        SolverSettings on = off.withPolish(true);
        System.out.printf(Locale.ROOT, "eps %.0e, median of %d interleaved solves each%n%n", eps, reps);
        System.out.println("| problem | time off (s) | time on (s) | on/off | residual off | residual on | "
                + "obj. error off | obj. error on | polish | iterations off/on |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---|---|");
        for (CollectionRunner.Reference ref : refs) {
            if (!names.contains(ref.name())) {
                continue;
            }
            FileProblem p = ProblemReader.read(folder.resolve(ref.file()));
            for (int k = 0; k < 3; k++) {
                ConeSolver.solve(p.program(), off);
                ConeSolver.solve(p.program(), on);
            }
            double[] tOff = new double[reps];
            double[] tOn = new double[reps];
            Solution sOff = null;
            Solution sOn = null;
            for (int k = 0; k < reps; k++) {
                long t0 = System.nanoTime();
                sOff = ConeSolver.solve(p.program(), off);
                long t1 = System.nanoTime();
                sOn = ConeSolver.solve(p.program(), on);
                long t2 = System.nanoTime();
                tOff[k] = (t1 - t0) * 1e-9;
                tOn[k] = (t2 - t1) * 1e-9;
            }
            double mOff = median(tOff);
            double mOn = median(tOn);
            System.out.printf(Locale.ROOT, "| %s | %.4f | %.4f | %.2f | %.1e | %.1e | %.1e | %.1e | %s | %d/%d |%n",
                    ref.name(), mOff, mOn, mOn / mOff, residual(sOff), residual(sOn),
                    relError(p, sOff, ref.objective()), relError(p, sOn, ref.objective()), sOn.polish(),
                    sOff.iterations(), sOn.iterations());
        }
    }

    /** The largest of the primal and dual residuals and the gap relative to 1 + |objective|. */
    private static double residual(Solution s) {
        return Math.max(s.primalResidual(), Math.max(s.dualResidual(), s.gap() / (1 + Math.abs(s.objective()))));
    }

    private static double relError(FileProblem p, Solution s, double reference) {
        return Math.abs(p.fileObjective(s.objective()) - reference) / Math.max(1, Math.abs(reference));
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
