// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver;

/**
 * The result of solving one instance.
 *
 * <p>For {@link SolverStatus#SOLVED} and {@link SolverStatus#SOLVED_INACCURATE}, (x, y, s) is the
 * (approximate) primal–dual solution. For the infeasible statuses {@code y} is the certificate,
 * scaled so that bᵀy = −1, and x, s are filled with NaN. For the unbounded statuses {@code x} and
 * {@code s} are the certificate, scaled so that cᵀx = −1, and y is filled with NaN. For
 * {@link SolverStatus#FAILED} all three hold the last iterate (possibly NaN).
 *
 * @param primalResidual ‖Ax + s − b‖∞ (unscaled data; for certificates: ‖Aᵀy‖∞ or ‖Ax + s‖∞)
 * @param dualResidual   ‖Px + Aᵀy + c‖∞
 * @param gap            |xᵀPx + cᵀx + bᵀy|
 * @param objective      primal objective ½xᵀPx + cᵀx (NaN without a solution)
 * @param dualObjective  dual objective −½xᵀPx − bᵀy (NaN without a solution)
 * @param scale          the final dual scale ρ_y (0 for the interior-point method, which has none)
 * @param polish         whether solution polishing ran and replaced the point ({@link SolverSettings#polishing()})
 * @param algorithm      the method that solved it: FIRST_ORDER or INTERIOR_POINT
 */
public record Solution(SolverStatus status, double[] x, double[] y, double[] s, double objective,
                       double dualObjective, int iterations, double primalResidual,
                       double dualResidual, double gap, double scale, double solveTimeSeconds,
                       double setupTimeSeconds, PolishStatus polish, Algorithm algorithm) {

    /** The infeasibility certificate y, or the unboundedness certificate x; null otherwise. */
    public double[] certificate() {
        return switch (status) {
            case INFEASIBLE, INFEASIBLE_INACCURATE -> y;
            case UNBOUNDED, UNBOUNDED_INACCURATE -> x;
            default -> null;
        };
    }
}
