// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.PolishStatus;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import io.convexlayers.solver.hsde.Deadline;
import io.convexlayers.solver.hsde.ResidualStats;
import io.convexlayers.solver.hsde.Termination;

/**
 * Solution polishing for programs with second-order, PSD, exponential or power cones, where the
 * active-set polisher of the first-order solver (zero and nonnegative cones only) does not apply: the
 * derivative's Newton refinement on the residual map ({@link DerivativeSettings#refine}) applied to the forward
 * solutions. Each solved (or solved-inaccurate) instance whose estimated distance from the exact
 * solution is above 1e-9 takes up to
 * three steps, each kept only where it lowers the residual (with zero, nonnegative and second-order cones
 * only: up to eight {@link ConeFaceStep} steps, each halved up to five times before it is refused, judged
 * by the residuals of the linear equations); the result
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
        int[] moved = java.util.stream.IntStream.range(0, batch).filter(b -> points.steps()[b] > 0).toArray();
        // The moved points' residuals and objectives on the data, as the solver defines them.
        double[] stats = moved.length == 0 ? new double[0] : ResidualStats.ofPoints(program, moved,
                tile(points.x(), n, batch, moved), tile(points.y(), m, batch, moved), tile(points.s(), m, batch, moved));
        for (int b = 0; b < batch; b++) {
            out.put(b, solution.get(b));
            if (points.refused()[b]) {
                out.recordPolish(b, PolishStatus.REJECTED, null, 0, 0, 0, 0, 0, seconds);
            }
        }
        for (int l = 0; l < moved.length; l++) {
            int b = moved[l];
            int o = l * ResidualStats.WIDTH;
            copyColumn(points.x(), out.x(), n, batch, b);
            copyColumn(points.y(), out.y(), m, batch, b);
            copyColumn(points.s(), out.s(), m, batch, b);
            SolverStatus status = solution.status(b) == SolverStatus.SOLVED_INACCURATE
                    && Termination.optimalityRatio(stats, o, settings) <= 1 ? SolverStatus.SOLVED : solution.status(b);
            out.recordPolish(b, PolishStatus.SUCCEEDED, status, stats[o + ResidualStats.PRIMAL_OBJ],
                    stats[o + ResidualStats.DUAL_OBJ], stats[o + ResidualStats.PRIMAL_RES],
                    stats[o + ResidualStats.DUAL_RES], stats[o + ResidualStats.GAP], seconds);
        }
        return out.build();
    }

    /** Instances {@code instances} of a batch-minor array as a tile (lane l = instance instances[l]). */
    private static double[] tile(double[] batchMinor, int len, int batch, int[] instances) {
        double[] out = new double[len * instances.length];
        for (int i = 0; i < len; i++) {
            for (int l = 0; l < instances.length; l++) {
                out[i * instances.length + l] = batchMinor[i * batch + instances[l]];
            }
        }
        return out;
    }

    /** Entry i of instance b, for every i, from one batch-minor array into another of the same shape. */
    private static void copyColumn(double[] from, double[] to, int len, int batch, int b) {
        for (int i = 0; i < len; i++) {
            to[i * batch + b] = from[i * batch + b];
        }
    }
}
