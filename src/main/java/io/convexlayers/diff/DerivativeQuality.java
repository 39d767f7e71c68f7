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
     * The solve stopped early or left a large residual (e.g. at a non-differentiable point), or the
     * forward solution itself was only solved-inaccurate.
     */
    POOR,
    /** The instance has no solution (infeasible, unbounded, failed): its derivative is zero. */
    UNDEFINED
}
