// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

/**
 * Why one instance's derivative is not {@link DerivativeQuality#ACCURATE}: the first of these that
 * applies, in this order: no solution, a kink, the forward solution's accuracy (which also spoils the
 * linear solve, so it is named first), the linear solve.
 */
public enum DerivativeIssue {
    /** None: the derivative is accurate. */
    NONE,
    /** The instance has no solution (infeasible, unbounded, failed): its derivative is zero. */
    NO_SOLUTION,
    /**
     * No strict complementarity: a nonnegative row whose slack and dual are both zero, a second-order or
     * PSD block whose s + y lies on the cone's boundary, an exponential or power cone block with one side
     * zero and the other on its cone's boundary (a tight constraint whose multiplier vanishes, as in a
     * projection onto a ball of a point on its sphere); the solution map has a kink there (its one-sided
     * derivatives differ). See {@link io.convexlayers.cone.ConeFaces}.
     */
    KINK_NO_STRICT_COMPLEMENTARITY,
    /**
     * More active conditions than variables (primal degeneracy, e.g. an LP vertex with a redundant active
     * constraint; a cone block counts the codimension of the face its slack lies on): the active gradients
     * are dependent and the solution map has a kink. Named before
     * {@link #KINK_NO_STRICT_COMPLEMENTARITY} where both hold: which duals of a degenerate point are zero
     * depends on the solver, the degeneracy does not, and no refinement of the point removes it (so none
     * is tried).
     */
    KINK_DEGENERATE,
    /**
     * The forward solution is too inaccurate for the derivative's accuracy: the solver said
     * solved-inaccurate, or the estimated error of the derivative ({@link DerivativeInfo#estimatedError})
     * is above {@link DerivativeSettings#accurateError}.
     */
    INACCURATE_FORWARD,
    /**
     * The linear solve with M stopped early or left a residual above the settings' limit (or NaN), or
     * the LSQR step of the error estimate did not converge (the estimate is then NaN).
     */
    LINEAR_SOLVE_RESIDUAL,
    /** Made by a {@link DerivativeInfo} constructor that was given no reason. */
    UNSPECIFIED
}
