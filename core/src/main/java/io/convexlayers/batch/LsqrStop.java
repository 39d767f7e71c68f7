// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.batch;

/** Why LSQR stopped for one lane. */
public enum LsqrStop {
    /** The right-hand side is zero: x = 0 is exact. */
    ZERO_RHS(true),
    /** ‖r‖ small: Kx = rhs solved to btol/atol (a compatible system). */
    RESIDUAL_SMALL(true),
    /** ‖Kᵀr‖ small: a least-squares solution to atol (an incompatible system). */
    LEAST_SQUARES(true),
    /** The condition estimate passed conlim: the result may be poor. */
    ILL_CONDITIONED(false),
    /** The iteration limit was hit first: the result may be poor. */
    ITERATION_LIMIT(false),
    /** Not a finite number appeared. */
    BREAKDOWN(false);

    private final boolean converged;

    LsqrStop(boolean converged) {
        this.converged = converged;
    }

    /** True when the stop reason means the requested accuracy was met. */
    public boolean converged() {
        return converged;
    }
}
