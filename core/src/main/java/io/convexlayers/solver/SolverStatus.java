// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver;

/** The outcome of solving one instance. */
public enum SolverStatus {
    /** Converged to the requested tolerances. */
    SOLVED(true),
    /** Stopped by the iteration or time limit; the returned point is the best available. */
    SOLVED_INACCURATE(true),
    /** A primal infeasibility certificate y was found (Aᵀy = 0, bᵀy &lt; 0, y ∈ K*). */
    INFEASIBLE(false),
    /** A certificate found only to a loose tolerance before the limit. */
    INFEASIBLE_INACCURATE(false),
    /** A primal unboundedness (dual infeasibility) certificate x was found (Ax + s = 0, cᵀx &lt; 0). */
    UNBOUNDED(false),
    /** A certificate found only to a loose tolerance before the limit. */
    UNBOUNDED_INACCURATE(false),
    /** The iteration broke down (NaN, or no progress at all). */
    FAILED(false);

    private final boolean hasSolution;

    SolverStatus(boolean hasSolution) {
        this.hasSolution = hasSolution;
    }

    /** True for the statuses whose x, y, s approximate an optimal point. */
    public boolean hasSolution() {
        return hasSolution;
    }

    /** Process exit code used by the command line (README): 0 solved … 4 failed. */
    public int exitCode() {
        return switch (this) {
            case SOLVED -> 0;
            case SOLVED_INACCURATE -> 1;
            case INFEASIBLE, INFEASIBLE_INACCURATE -> 2;
            case UNBOUNDED, UNBOUNDED_INACCURATE -> 3;
            case FAILED -> 4;
        };
    }
}
