// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.bench;

import io.convexlayers.backend.Backends;
import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.diff.DerivativeInfo;
import io.convexlayers.diff.DerivativeSettings;
import io.convexlayers.diff.SolutionDerivative;
import io.convexlayers.diff.VjpResult;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.PolishStatus;
import io.convexlayers.solver.Polishing;
import io.convexlayers.solver.SolverSettings;

import java.util.Arrays;
import java.util.Random;

/**
 * What the derivative's refinement ({@link DerivativeSettings#refine}) and the forward polishing of
 * second-order cones cost, against the same work without them in the same process (issue #14).
 * Per workload: the forward solve (two warm-ups, then R timed); then the backward pass (a VJP with a fixed random dL/dx) with
 * refinement off and on, interleaved, {@code R} times each after two warm-ups of each, median wall
 * times over all cores; the steps taken and the estimated forward error before and after. For the
 * SOCP workload also the first-order forward solve with polishing off and on, interleaved alike.
 * {@code java -cp benchmarks.jar io.convexlayers.bench.RefinementCost [--repeats R] [workload:method ...]}
 * with method {@code fo} (first order, eps 1e-6) or {@code ipm} (interior point, eps 1e-8).
 */
public final class RefinementCost {
    private RefinementCost() {
    }

    public static void main(String[] args) {
        int repeats = 5;
        if (args.length >= 2 && args[0].equals("--repeats")) {
            repeats = Math.max(3, Integer.parseInt(args[1]));
            args = Arrays.copyOfRange(args, 2, args.length);
        }
        String[] cases = args.length > 0 ? args : new String[] {"small-qp-n10-b128:ipm", "small-qp-n50-b128:ipm",
                "lp-n50-b128:ipm", "small-qp-n100-b16:fo", "dense-qp:fo", "socp-n50-b128:fo", "sparse-qp:fo"};
        System.out.println("| workload | method | forward ms | backward ms, unrefined | backward ms, refined | refined ÷ unrefined"
                + " | refined backward ÷ forward | steps (mean, max) | est. error before → after (max) |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---|---|");
        for (String c : cases) {
            String[] parts = c.split(":");
            boolean ipm = parts.length > 1 && parts[1].equals("ipm");
            BatchConeProgram program = ConvexLayersContender.toConeProgram(Workloads.create(parts[0]));
            SolverSettings settings = ipm
                    ? SolverSettings.defaults().withPolishing(Polishing.OFF).withEps(ConvexLayersContender.IPM_EPS).withAlgorithm(Algorithm.INTERIOR_POINT)
                    : SolverSettings.defaults().withPolishing(Polishing.OFF).withEps(ConvexLayersContender.EPS).withAlgorithm(Algorithm.FIRST_ORDER);
            double[] fwd = new double[repeats];
            BatchSolution sol = null;
            for (int r = -2; r < repeats; r++) {
                long t0 = System.nanoTime();
                sol = Backends.cpu().solve(program, settings, ExecutionSettings.defaults(), null, null);
                if (r >= 0) {
                    fwd[r] = (System.nanoTime() - t0) * 1e-6;
                }
            }
            double[] dx = new double[program.n() * program.batch()];
            Random rnd = new Random(1);
            for (int i = 0; i < dx.length; i++) {
                dx[i] = rnd.nextGaussian();
            }
            BatchArray g = BatchArray.batchMinor(program.n(), program.batch(), dx);
            DerivativeSettings off = DerivativeSettings.defaults().withRefine(false);
            DerivativeSettings on = DerivativeSettings.defaults();
            BatchSolution solved = sol;
            VjpResult[] results = new VjpResult[2];
            double[][] times = interleaved(repeats, 2,
                    () -> results[0] = SolutionDerivative.at(program, solved, off).vjp(g, null, null),
                    () -> results[1] = SolutionDerivative.at(program, solved, on).vjp(g, null, null));
            VjpResult rOff = results[0];
            VjpResult rOn = results[1];
            int maxSteps = 0;
            double steps = 0;
            double before = 0;
            double after = 0;
            for (int b = 0; b < program.batch(); b++) {
                DerivativeInfo i = rOn.info()[b];
                steps += i.refinementSteps();
                maxSteps = Math.max(maxSteps, i.refinementSteps());
                before = Math.max(before, rOff.info()[b].estimatedError());
                after = Math.max(after, i.estimatedError());
            }
            double f = median(fwd);
            double a = median(times[0]);
            double b = median(times[1]);
            System.out.printf("| %s | %s | %.1f | %.1f | %.1f | %.2f | %.2f | %.2f, %d | %.1e → %.1e |%n", parts[0],
                    ipm ? "interior point" : "first order", f, a, b, b / a, b / f, steps / program.batch(), maxSteps,
                    before, after);
            if (!ipm && program.cones().soc().length > 0) {
                polishCost(program, settings, repeats);
            }
        }
    }

    /** First-order forward with polishing off and on, interleaved: times, polish outcomes, residuals. */
    private static void polishCost(BatchConeProgram program, SolverSettings settings, int repeats) {
        BatchSolution[] results = new BatchSolution[2];
        double[][] times = interleaved(repeats, 1,
                () -> results[0] = Backends.cpu().solve(program, settings.withPolish(false), ExecutionSettings.defaults(),
                        null, null),
                () -> results[1] = Backends.cpu().solve(program, settings.withPolish(true), ExecutionSettings.defaults(),
                        null, null));
        BatchSolution off = results[0];
        BatchSolution on = results[1];
        int succeeded = 0;
        double resOff = 0;
        double resOn = 0;
        for (int b = 0; b < program.batch(); b++) {
            succeeded += on.polish(b) == PolishStatus.SUCCEEDED ? 1 : 0;
            resOff = Math.max(resOff, Math.max(off.primalResidual(b), off.dualResidual(b)));
            resOn = Math.max(resOn, Math.max(on.primalResidual(b), on.dualResidual(b)));
        }
        System.out.printf("  polishing the forward: %.1f → %.1f ms (%.2f×), %d of %d succeeded, max residual %.1e → %.1e%n",
                median(times[0]), median(times[1]), median(times[1]) / median(times[0]), succeeded, program.batch(), resOff, resOn);
    }

    /**
     * Runs {@code first} then {@code second}, {@code warmups} untimed rounds and then {@code repeats} timed
     * ones; the milliseconds of each, {first times, second times}.
     */
    private static double[][] interleaved(int repeats, int warmups, Runnable first, Runnable second) {
        double[][] times = new double[2][repeats];
        for (int r = -warmups; r < repeats; r++) {
            long t0 = System.nanoTime();
            first.run();
            long t1 = System.nanoTime();
            second.run();
            long t2 = System.nanoTime();
            if (r >= 0) {
                times[0][r] = (t1 - t0) * 1e-6;
                times[1][r] = (t2 - t1) * 1e-6;
            }
        }
        return times;
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
