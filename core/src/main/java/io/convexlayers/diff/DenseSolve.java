// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import io.convexlayers.diff.residual.ResidualMapOperator;
/**
 * Dense mode of the derivative for one tile: pinv(M) or pinv(Mᵀ) through each lane's dense active
 * block ({@link DenseActiveBlock}, one LU of about ⅔·|S|³ flops) and the coupling of
 * {@link ActiveSetSolve}; a lane whose block fails (a non-differentiable point) gets the SVD
 * pseudo-inverse of its full M. The cost is set by the largest active block, {@link #maxActiveSize}.
 *
 * <p>Orders beyond {@link #MAX_ORDER} are never formed, whatever the mode asks: the caller skips the
 * dense mode for a larger active block, and a full M larger than that gets no SVD (its lane is
 * left to LSQR, {@link #solvedBySvd}). A fuzzed layer with 65 536 exponential cones in DENSE mode
 * otherwise ran for hours towards a 34 GB matrix.
 */
final class DenseSolve {
    /** The largest order factored densely: 2 048 (32 MB and about 6 Gflop per instance). */
    static final int MAX_ORDER = 2048;

    private final ResidualMapOperator op;
    private final boolean[] valid;
    private final DenseActiveBlock block;
    private boolean factored;
    private final boolean[] svdLanes;

    /**
     * @param valid lanes with a solution (others are left at zero)
     * @param y     the tile's y and s (batch-minor), for the approximate null vectors
     */
    DenseSolve(ResidualMapOperator op, boolean[] valid, double[] y, double[] s) {
        this(op, valid, y, s, null, null);
    }

    /**
     * As above after some lanes' points moved: the lanes not in {@code moved} reuse {@code previous}'s
     * factorizations when it made them (the refinement refactors only the lanes it moved).
     */
    DenseSolve(ResidualMapOperator op, boolean[] valid, double[] y, double[] s, DenseSolve previous,
               boolean[] moved) {
        this.op = op;
        this.valid = valid;
        boolean reuse = previous != null && previous.factored;
        this.block = new DenseActiveBlock(op, valid, y, s, reuse ? previous.block : null, reuse ? moved : null);
        this.svdLanes = new boolean[valid.length];
    }

    /** The largest active block of the tile. */
    int maxActiveSize() {
        return block.maxActiveSize();
    }

    /**
     * out = pinv(M)·rhs, or pinv(Mᵀ)·rhs when {@code transposed}; batch-minor. Returns per lane
     * whether the exact active-block solve applied (false for lanes solved by the SVD fallback).
     */
    boolean[] solve(double[] rhs, double[] out, boolean transposed) {
        factorOnce();
        ActiveSetSolve active = new ActiveSetSolve(op, valid, block);
        boolean[] exact = active.solve(rhs, out, transposed);
        for (int l = 0; l < exact.length; l++) {
            if (valid[l] && !exact[l] && op.rows() <= MAX_ORDER) {
                active.solveFullBySvd(l, rhs, out, transposed);
                svdLanes[l] = true;
            }
        }
        return exact;
    }

    /** M's near-null vector per lane through the active block ({@link ActiveSetSolve#nullVector}). */
    double[] nullVector() {
        factorOnce();
        return new ActiveSetSolve(op, valid, block).nullVector();
    }

    /** Whether lane {@code l}'s active block could be factored (factoring the tile's blocks if not yet done). */
    boolean blockFactored(int l) {
        factorOnce();
        return block.factored(l);
    }

    private void factorOnce() {
        if (!factored) {
            block.factorAll();
            factored = true;
        }
    }

    /** Whether the last {@link #solve} answered lane {@code l} through the SVD of its full M. */
    boolean solvedBySvd(int l) {
        return svdLanes[l];
    }
}
