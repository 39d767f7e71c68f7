// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

/** How trustworthy one instance's derivative is. */
public enum DerivativeQuality {
    /**
     * The linear system was solved to tolerance, or exactly by the dense mode (whose residual is
     * then the part of the right-hand side outside M's range, set by the forward solution's accuracy).
     */
    ACCURATE,
    /**
     * The solve stopped early or left a large residual, the forward solution itself was only
     * solved-inaccurate, or the solution sits where the solution map has a kink as far as the zero
     * and nonnegative rows tell: a row whose slack and dual are both zero (no strict complementarity)
     * or more active rows than variables (primal degeneracy, e.g. an LP vertex with a redundant active
     * constraint). At a kink the value returned is the derivative of the residual map's linearization
     * at that solution — one element of the generalized derivative, typically neither one-sided
     * derivative — so it must not be trusted as a gradient.
     */
    POOR,
    /** The instance has no solution (infeasible, unbounded, failed): its derivative is zero. */
    UNDEFINED
}
