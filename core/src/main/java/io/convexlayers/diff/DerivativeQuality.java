// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

/** How trustworthy one instance's derivative is (the reason is {@link DerivativeInfo#issue}). */
public enum DerivativeQuality {
    /**
     * The solution map is differentiable there as far as the zero and nonnegative rows tell, the linear
     * system was solved to tolerance (or exactly by an active-block factorization), the solver said
     * solved, and the estimated relative error of the result caused by the forward solution's
     * inaccuracy ({@link DerivativeInfo#estimatedError}) is at most
     * {@link DerivativeSettings#accurateError}.
     */
    ACCURATE,
    /**
     * Not to be trusted as a gradient, for the reason {@link DerivativeInfo#issue} names: the solve
     * stopped early or left a large residual, the forward solution is too inaccurate (solved-inaccurate,
     * or an estimated error above the threshold: tighten eps or turn on polishing), or the solution
     * sits where the solution map has a kink as far as the zero and nonnegative rows tell: a row whose
     * slack and dual are both zero (no strict complementarity) or more active rows than variables
     * (primal degeneracy, e.g. an LP vertex with a redundant active constraint). At a kink the value
     * returned is the minimum-norm solution of the residual map's singular linearization there: neither
     * one-sided derivative, and not always between them (issue #14's degenerate LP vertex: −0.6 from the
     * left, 0 from the right, +6.5e-4 returned). A one-sided derivative is the gradient just off the kink
     * (there the example's gradients are exact, and ACCURATE).
     */
    POOR,
    /** The instance has no solution (infeasible, unbounded, failed): its derivative is zero. */
    UNDEFINED
}
