// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.layer;

/**
 * What a layer does when some instances of a batch have no solution (infeasible, unbounded or
 * failed; {@link io.convexlayers.solver.SolverStatus#hasSolution()} is false). Instances stopped by
 * an iteration or time limit ({@code SOLVED_INACCURATE}) count as solved: their status says so.
 */
public enum FailurePolicy {
    /**
     * Throw a {@link LayerSolveException} that lists the failed instances and their statuses (the
     * default, as with cvxpylayers). The exception still carries the result.
     */
    THROW,
    /**
     * Return the result: failed instances get status values, outputs filled with zeros and zero
     * gradients (never NaN), so that a training loop can mask them by {@link LayerResult#status}.
     */
    RETURN
}
