// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.data.CscMatrix;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.PolishStatus;
import io.convexlayers.solver.Solution;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import io.convexlayers.solver.hsde.Deadline;

/**
 * Solution polishing for programs with second-order, PSD, exponential or power cones, where the
 * active-set polisher of the first-order solver (zero and nonnegative cones only) does not apply: the
 * derivative's Newton refinement on the residual map ({@link DerivativeSettings#refine}) applied to the forward
 * solutions. Each solved (or solved-inaccurate) instance whose estimated distance from the exact
 * solution is above 1e-9 takes up to
 * three steps, each kept only where it lowers the residual; the result
 * reports {@link PolishStatus#SUCCEEDED} with the new point's residuals, objectives and gap computed on
 * the data (and solved where a solved-inaccurate instance now meets the tolerances),
 * {@link PolishStatus#REJECTED} where the first step was refused, and {@link PolishStatus#NOT_RUN} where
 * no step was needed or the instance has no solution. Each instance is polished on its own: one that
 * fails keeps its point and never affects the others.
 */
public final class ResidualMapPolisher {
    private ResidualMapPolisher() {
    }

    /**
     * The batch's solutions polished (a new batch; {@code solution} is not modified). The seconds
     * polishing took are spread evenly over the instances' solve times. No step starts once
     * {@code deadline} (a {@link Deadline} in {@link System#nanoTime()} terms; {@link Deadline#NONE}
     * for none) has passed: instances not yet stepped then report NOT_RUN.
     */
    public static BatchSolution polish(BatchConeProgram program, BatchSolution solution, SolverSettings settings,
                                       ExecutionSettings execution, long deadline) {
        long t0 = System.nanoTime();
        int batch = program.batch();
        int n = program.n();
        int m = program.m();
        SolutionDerivative.RefinedPoints points = SolutionDerivative.at(program, solution,
                DerivativeSettings.defaults(), execution).refinedPoints(deadline);
        double seconds = (System.nanoTime() - t0) * 1e-9 / batch;
        BatchSolution.Builder out = BatchSolution.builder(batch, n, m);
        out.algorithm(solution.algorithm());
        out.addLaneIterations(solution.laneIterations());
        for (int b = 0; b < batch; b++) {
            out.put(b, solution.get(b));
            if (points.steps()[b] > 0) {
                double[] x = column(points.x(), n, batch, b);
                double[] y = column(points.y(), m, batch, b);
                double[] s = column(points.s(), m, batch, b);
                Scalars r = Scalars.of(program.instance(b), x, y, s);
                SolverStatus status = solution.status(b) == SolverStatus.SOLVED_INACCURATE && r.meets(settings)
                        ? SolverStatus.SOLVED : solution.status(b);
                writeColumn(out.x(), x, batch, b);
                writeColumn(out.y(), y, batch, b);
                writeColumn(out.s(), s, batch, b);
                out.recordPolish(b, PolishStatus.SUCCEEDED, status, r.objective, r.dualObjective, r.primal, r.dual,
                        r.gap, seconds);
            } else if (points.refused()[b]) {
                out.recordPolish(b, PolishStatus.REJECTED, null, 0, 0, 0, 0, 0, seconds);
            }
        }
        return out.build();
    }

    /**
     * The residuals and objectives of a point on the unscaled data, with the norms the first-order
     * solver's termination test divides by.
     */
    private record Scalars(double primal, double dual, double gap, double objective, double dualObjective,
                           double primalScale, double dualScale, double gapScale) {
        static Scalars of(ConeProgram p, double[] x, double[] y, double[] s) {
            int n = x.length;
            int m = y.length;
            double[] ax = new double[m];
            p.a().multiplyAdd(x, ax);
            double[] aty = new double[n];
            p.a().transposeMultiplyAdd(y, aty);
            double[] px = new double[n];
            CscMatrix pm = p.p();
            if (pm != null) {
                pm.symmetricMultiplyAdd(x, px);
            }
            double[] b = p.b();
            double[] c = p.c();
            double primal = 0;
            double axN = 0;
            double sN = 0;
            double bN = 0;
            double bty = 0;
            for (int i = 0; i < m; i++) {
                primal = Math.max(primal, Math.abs(ax[i] + s[i] - b[i]));
                axN = Math.max(axN, Math.abs(ax[i]));
                sN = Math.max(sN, Math.abs(s[i]));
                bN = Math.max(bN, Math.abs(b[i]));
                bty += b[i] * y[i];
            }
            double dual = 0;
            double pxN = 0;
            double atyN = 0;
            double cN = 0;
            double ctx = 0;
            double xpx = 0;
            for (int j = 0; j < n; j++) {
                dual = Math.max(dual, Math.abs(px[j] + aty[j] + c[j]));
                pxN = Math.max(pxN, Math.abs(px[j]));
                atyN = Math.max(atyN, Math.abs(aty[j]));
                cN = Math.max(cN, Math.abs(c[j]));
                ctx += c[j] * x[j];
                xpx += x[j] * px[j];
            }
            return new Scalars(primal, dual, Math.abs(xpx + ctx + bty), 0.5 * xpx + ctx, -0.5 * xpx - bty,
                    Math.max(axN, Math.max(sN, bN)), Math.max(pxN, Math.max(atyN, cN)),
                    Math.max(Math.abs(xpx), Math.max(Math.abs(ctx), Math.abs(bty))));
        }

        /** The first-order solver's optimality test at the settings' tolerances. */
        boolean meets(SolverSettings settings) {
            double abs = settings.epsAbs();
            double rel = settings.epsRel();
            return primal <= abs + rel * primalScale && dual <= abs + rel * dualScale && gap <= abs + rel * gapScale;
        }
    }

    private static double[] column(double[] batchMinor, int len, int batch, int b) {
        double[] out = new double[len];
        for (int i = 0; i < len; i++) {
            out[i] = batchMinor[i * batch + b];
        }
        return out;
    }

    private static void writeColumn(double[] batchMinor, double[] v, int batch, int b) {
        for (int i = 0; i < v.length; i++) {
            batchMinor[i * batch + b] = v[i];
        }
    }
}
