package io.convexlayers.diff;

/** How trustworthy one instance's derivative is. */
public enum DerivativeQuality {
    /** The linear system was solved to tolerance. */
    ACCURATE,
    /** The solve stopped early or left a large residual (e.g. at a non-differentiable point). */
    POOR,
    /** The instance has no solution (infeasible, unbounded, failed): its derivative is zero. */
    UNDEFINED
}
