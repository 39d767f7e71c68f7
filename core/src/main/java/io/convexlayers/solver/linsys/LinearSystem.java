// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

/**
 * Solves the solver's quasi-definite KKT system for a tile of {@code lanes} instances at once
 * (DESIGN §4):
 * <pre>
 *   [ rhoX·I + P    Aᵀ          ] [x]   [r_x]
 *   [ A            −diag(rhoY)  ] [y] = [r_y]
 * </pre>
 * The matrices are fixed at construction (see {@link TileMatrices}); {@link #factor} is called
 * once at setup and again whenever the scale changes. Vectors are batch-minor: entry i of lane l at
 * {@code i * lanes + l}. Implementations allocate their workspace at construction and never during
 * {@link #solve}.
 */
public interface LinearSystem {

    /**
     * (Re)factors for new diagonal weights.
     *
     * @param rhoX scalar weight of the x block (same for every lane)
     * @param rhoY row weights of the y block, batch-minor m × lanes (all positive); an
     *             implementation whose {@link #sharedFactor()} is true reads lane 0 only
     */
    void factor(double rhoX, double[] rhoY);

    /**
     * Solves in place: on entry {@code rhs} holds (r_x; r_y) batch-minor ((n + m) × lanes), on exit
     * (x; y).
     */
    void solve(double[] rhs);

    /** True when one factorization serves all lanes (then all lanes must use the same rhoY). */
    boolean sharedFactor();

    /** A short name for logs, e.g. "dense-cholesky". */
    String name();

    /** Whether {@link #compact} is available. */
    default boolean canCompact() {
        return false;
    }

    /**
     * This system for lanes {@code keep} (ascending) only, over {@code mats}: those lanes'
     * matrices. The factorization and any per-lane state are gathered, not recomputed, and later
     * {@link #factor} calls sum in the order this system's would, so every kept lane's solves stay
     * bit for bit what they would have been here. Call only when {@link #canCompact} holds.
     */
    default LinearSystem compact(TileMatrices mats, int[] keep) {
        throw new UnsupportedOperationException(name() + " cannot be compacted");
    }
}
