// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cone;

/**
 * DΠ of one {@link ConeBlock}'s projection onto K or K*, linearized once at a point and then
 * applied to many directions, on the block's rows only (same layout and offsets as the block's
 * projections). Storage for the linearization is allocated by the constructor; nothing here
 * allocates.
 */
abstract class BlockDerivative {

    /** Records DΠ at the block's rows of {@code v}: of Π_{K*} when {@code dual}, else of Π_K. */
    abstract void linearizeAt(double[] v, int offset, boolean dual);

    /**
     * out = DΠ·d, or DΠᵀ·d when {@code transpose}, on the block's rows; {@code out} must not
     * overlap {@code d}.
     */
    abstract void apply(double[] d, int dOffset, double[] out, int outOffset, boolean transpose);

    /**
     * DΠ's diagonal entry at a row of an {@link ConeBlock#elementwise() elementwise} block
     * ({@code row} counted from the block's first row) for one lane.
     */
    double diagonal(int row, int lane) {
        throw new UnsupportedOperationException("DΠ of this block is not diagonal");
    }
}
