// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.bench;

import io.convexlayers.backend.Backends;
import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.diff.DerivativeInfo;
import io.convexlayers.diff.DerivativeMethod;
import io.convexlayers.diff.DerivativeMode;
import io.convexlayers.diff.DerivativeQuality;
import io.convexlayers.diff.DerivativeSettings;
import io.convexlayers.diff.SolutionDerivative;
import io.convexlayers.diff.VjpResult;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.Polishing;
import io.convexlayers.solver.SolverSettings;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * What the backward pass costs beside the forward solve (issue #16: "backward ≤ 0.2× forward"), with
 * the default derivative (AUTO: for LPs and QPs the active KKT solve, one tiled factorization of the
 * active KKT matrix) against DENSE mode (the residual map's active block per instance, the default
 * before it), in one process. Per case {@code workload:method}: the forward solve (method {@code ipm}:
 * interior point, eps 1e-8; {@code fo}: first order, eps 1e-6, unpolished) and the two backward passes (a VJP of a fixed random ∂L/∂x, refinement on), interleaved, {@code R}
 * timed rounds after at least three warm-up rounds and {@value #WARM_UP_SECONDS} seconds, on one worker thread
 * ({@link ExecutionSettings#withThreads}) so that the shared machine's other load moves the figures
 * less; median wall times. Also the largest relative difference between the two gradients over the
 * instances both call accurate, and each method's count.
 * {@code java -cp benchmarks.jar io.convexlayers.bench.BackwardCost [--repeats R] [workload:method ...]}.
 */
public final class BackwardCost {
    private static final int WARM_UPS = 3;
    /**
     * At least this long per case before timing: with three seconds the timed rounds still held JIT
     * compilation (small-qp-n10-b1024's forward read 31 ms there against 20 ms at steady state).
     */
    private static final double WARM_UP_SECONDS = 10;

    private BackwardCost() {
    }

    public static void main(String[] args) {
        TimingOptions options = TimingOptions.parse(args, 7, Algorithm.INTERIOR_POINT);
        int repeats = Math.max(3, options.repeats());
        String[] cases = options.workloads().length > 0 ? options.workloads() : new String[] {"small-qp-n10-b128:ipm",
                "small-qp-n10-b1024:ipm", "small-qp-n50-b128:ipm", "small-qp-n100-b16:ipm", "lp-n50-b128:ipm",
                "small-qp-n50-b128:fo", "lp-n50-b128:fo", "dense-qp:fo"};
        ExecutionSettings one = ExecutionSettings.defaults().withThreads(1);
        DerivativeSettings auto = DerivativeSettings.defaults();
        DerivativeSettings dense = DerivativeSettings.defaults().withMode(DerivativeMode.DENSE);
        System.out.println("| workload | method | forward ms | backward ms, AUTO | backward ms, DENSE | AUTO ÷ DENSE"
                + " | AUTO backward ÷ forward | DENSE backward ÷ forward | AUTO methods | accurate AUTO / DENSE"
                + " | max rel. difference |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---|---|---:|");
        for (String c : cases) {
            String[] parts = c.split(":");
            String name = parts[0];
            boolean ipm = parts.length < 2 || parts[1].equals("ipm");
            SolverSettings settings = ipm
                    ? SolverSettings.defaults().withEps(ConvexLayersContender.IPM_EPS).withAlgorithm(Algorithm.INTERIOR_POINT)
                    : SolverSettings.defaults().withEps(ConvexLayersContender.EPS).withAlgorithm(Algorithm.FIRST_ORDER)
                            .withPolishing(Polishing.OFF);
            BatchConeProgram program = ConvexLayersContender.toConeProgram(Workloads.create(name));
            BatchSolution sol = Backends.cpu().solve(program, settings, one, null, null);
            double[] gx = new double[program.n() * program.batch()];
            Random rnd = new Random(1);
            for (int k = 0; k < gx.length; k++) {
                gx[k] = rnd.nextGaussian();
            }
            BatchArray g = BatchArray.batchMinor(program.n(), program.batch(), gx);
            long warmUpEnd = System.nanoTime() + (long) (WARM_UP_SECONDS * 1e9);
            for (int r = 0; r < WARM_UPS || System.nanoTime() < warmUpEnd; r++) {
                Backends.cpu().solve(program, settings, one, null, null);
                SolutionDerivative.at(program, sol, auto, one).vjp(g, null, null);
                SolutionDerivative.at(program, sol, dense, one).vjp(g, null, null);
            }
            double[][] ms = new double[3][repeats];
            VjpResult a = null;
            VjpResult d = null;
            for (int r = 0; r < repeats; r++) {
                long t0 = System.nanoTime();
                Backends.cpu().solve(program, settings, one, null, null);
                long t1 = System.nanoTime();
                a = SolutionDerivative.at(program, sol, auto, one).vjp(g, null, null);
                long t2 = System.nanoTime();
                d = SolutionDerivative.at(program, sol, dense, one).vjp(g, null, null);
                long t3 = System.nanoTime();
                ms[0][r] = (t1 - t0) * 1e-6;
                ms[1][r] = (t2 - t1) * 1e-6;
                ms[2][r] = (t3 - t2) * 1e-6;
            }
            double fwd = TimingOptions.median(ms[0]);
            double bwdAuto = TimingOptions.median(ms[1]);
            double bwdDense = TimingOptions.median(ms[2]);
            Map<DerivativeMethod, Integer> methods = new EnumMap<>(DerivativeMethod.class);
            int accurateAuto = 0;
            int accurateDense = 0;
            double maxDiff = 0;
            for (int b = 0; b < program.batch(); b++) {
                DerivativeInfo ia = a.info()[b];
                DerivativeInfo id = d.info()[b];
                methods.merge(ia.method(), 1, Integer::sum);
                boolean both = ia.quality() == DerivativeQuality.ACCURATE && id.quality() == DerivativeQuality.ACCURATE;
                accurateAuto += ia.quality() == DerivativeQuality.ACCURATE ? 1 : 0;
                accurateDense += id.quality() == DerivativeQuality.ACCURATE ? 1 : 0;
                if (both) {
                    maxDiff = Math.max(maxDiff, relativeDifference(a, d, b));
                }
            }
            StringBuilder m = new StringBuilder();
            methods.forEach((k, v) -> m.append(m.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
            System.out.printf(Locale.ROOT, "| %s | %s | %.2f | %.2f | %.2f | %.2f | %.3f | %.3f | %s | %d / %d of %d | %.1e |%n",
                    name, ipm ? "interior point" : "first order", fwd, bwdAuto, bwdDense, bwdAuto / bwdDense, bwdAuto / fwd, bwdDense / fwd, m, accurateAuto,
                    accurateDense, program.batch(), maxDiff);
        }
    }

    /** ‖g_a − g_d‖/‖g_d‖ over dA, db, dc and dP of instance b. */
    private static double relativeDifference(VjpResult a, VjpResult d, int b) {
        double num = 0;
        double den = 0;
        BatchArray[][] pairs = {{a.dA(), d.dA()}, {a.db(), d.db()}, {a.dc(), d.dc()}, {a.dP(), d.dP()}};
        for (BatchArray[] pair : pairs) {
            if (pair[0] == null) {
                continue;
            }
            for (int i = 0; i < pair[0].length(); i++) {
                double x = pair[0].get(i, b);
                double y = pair[1].get(i, b);
                num += (x - y) * (x - y);
                den += y * y;
            }
        }
        return den > 0 ? Math.sqrt(num / den) : Math.sqrt(num);
    }
}
