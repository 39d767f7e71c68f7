// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver;

import io.convexlayers.data.ConeDims;

/**
 * How the first-order method speeds up its fixed-point iteration ({@link SolverSettings#acceleration()}).
 * The interior-point method ignores it.
 *
 * <p>Measured through the first-order method, eps 1e-6, one problem at a time on the public collections
 * ({@code benchmarks/RESULTS.md}, "Halpern anchoring for LPs"): on NETLIB's 83 LPs anchoring solved 50
 * within 20 s against Anderson's 43, with 0.79× the iterations on the problems both solved; on the 129
 * Maros–Meszaros QPs it solved 77 against 81 within 10 s with 1.6× the iterations; on batches, 0.62× the
 * iterations on LPs (n = 50), 3× on QPs and 1.4× on SOCPs. Hence {@link #AUTO}.
 */
public enum Acceleration {
    /** {@link #HALPERN} for linear programs (no quadratic term, zero and nonnegative cones), {@link #ANDERSON} otherwise. The default. */
    AUTO,
    /**
     * Safeguarded type-II Anderson acceleration every {@link SolverSettings#andersonInterval()}
     * iterations, over the Douglas–Rachford iteration relaxed by {@link SolverSettings#alpha()}
     * (O'Donoghue 2021, as SCS does).
     */
    ANDERSON,
    /**
     * Halpern anchoring with restarts: the Peaceman–Rachford iteration (relaxation 2, whatever
     * {@link SolverSettings#alpha()} says) pulled towards an anchor, v ← (k+1)/(k+2)·T(v) + 1/(k+2)·v₀,
     * which gives the fixed-point residual an O(1/k) rate, restarted from the current point when the
     * residual has fallen enough, has stopped falling, or the anchor is old (as HPR-LP restarts).
     * Stalls less on badly scaled LPs than Anderson steps do.
     */
    HALPERN,
    /** Plain Douglas–Rachford iterations, relaxed by {@link SolverSettings#alpha()}. */
    NONE;

    /**
     * The acceleration a program of this shape gets: {@link #AUTO} resolved, the others as they are.
     *
     * @param quadratic whether the objective has a quadratic term (a P pattern)
     */
    public Acceleration resolve(boolean quadratic, ConeDims cones) {
        if (this != AUTO) {
            return this;
        }
        boolean polyhedral = cones.soc().length == 0 && cones.psd().length == 0 && cones.exp() == 0
                && cones.dualExp() == 0 && cones.power().length == 0;
        return !quadratic && polyhedral ? HALPERN : ANDERSON;
    }
}
