// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

/**
 * The pseudo-inverse of the active block M_SS (see {@link ReducedJacobian}) of every lane of a tile.
 * Vectors are full-length (n + m + 1 per lane) and batch-minor; only the active coordinates of a
 * lane are read and written.
 */
interface ActiveBlock {
    /** The active coordinates S of one lane, ascending. */
    int[] coords(int lane);

    /**
     * The unit right null vector ζ of each lane's M_SS (M_SS·ζ = 0), zero off S; a lane whose block
     * could not be factored is all zero and reported by {@link #factored}.
     */
    double[] rightNull();

    /** Whether the lane's block was factored (its solves can be attempted). */
    boolean factored(int lane);

    /**
     * out_S = pinv(M_SS)·in_S, or pinv(M_SSᵀ)·in_S when {@code transposed}, for the factored lanes;
     * returns per lane whether the result passed its accuracy check.
     */
    boolean[] apply(double[] in, double[] out, boolean transposed);
}
