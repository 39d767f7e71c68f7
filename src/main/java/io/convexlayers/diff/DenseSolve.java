package io.convexlayers.diff;

/**
 * Dense mode of the derivative for one tile: pinv(M) or pinv(Mᵀ) through each lane's dense active
 * block ({@link DenseActiveBlock}, one LU of about ⅔·|S|³ flops) and the coupling of
 * {@link ActiveSetSolve}; a lane whose block fails (a non-differentiable point) gets the SVD
 * pseudo-inverse of its full M. The cost is set by the largest active block, {@link #maxActiveSize}.
 */
final class DenseSolve {
    private final ResidualMapOperator op;
    private final boolean[] valid;
    private final DenseActiveBlock block;
    private boolean factored;

    /**
     * @param valid lanes with a solution (others are left at zero)
     * @param y     the tile's y and s (batch-minor), for the approximate null vectors
     */
    DenseSolve(ResidualMapOperator op, boolean[] valid, double[] y, double[] s) {
        this.op = op;
        this.valid = valid;
        this.block = new DenseActiveBlock(op, valid, y, s);
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
        if (!factored) {
            block.factorAll();
            factored = true;
        }
        ActiveSetSolve active = new ActiveSetSolve(op, valid, block);
        boolean[] exact = active.solve(rhs, out, transposed);
        for (int l = 0; l < exact.length; l++) {
            if (valid[l] && !exact[l]) {
                active.solveFullBySvd(l, rhs, out, transposed);
            }
        }
        return exact;
    }
}
