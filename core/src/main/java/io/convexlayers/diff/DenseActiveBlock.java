// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import io.convexlayers.diff.residual.ResidualMapOperator;
/**
 * {@link ActiveBlock} by dense factorization: each lane's M_SS is formed from the sparse data
 * ({@link ReducedJacobian}) and factored once by {@link BorderedPseudoInverse}; after the refinement
 * moved a lane on an unchanged active set, its previous factors are updated instead
 * ({@link BorderedPseudoInverse#updated}).
 */
final class DenseActiveBlock implements ActiveBlock {
    private final ResidualMapOperator op;
    private final boolean[] valid;
    private final double[] y;
    private final double[] s;
    private double[][] blocks;
    private final int lanes;
    private final int[][] coords;
    private final BorderedPseudoInverse[] pinv;
    private final double[] rightNull;
    /** Factors to reuse for the lanes not in {@link #moved}, or null. */
    private final DenseActiveBlock previous;
    private final boolean[] moved;

    /**
     * @param valid lanes with a solution (others get no block)
     * @param y     the tile's y and s (batch-minor), for the approximate null vectors
     */
    DenseActiveBlock(ResidualMapOperator op, boolean[] valid, double[] y, double[] s) {
        this(op, valid, y, s, null, null);
    }

    /**
     * A tile's blocks after some lanes' points moved: lanes not in {@code moved} take their factors from
     * {@code previous} (factored, at the same points of those lanes), the others are formed anew.
     */
    DenseActiveBlock(ResidualMapOperator op, boolean[] valid, double[] y, double[] s, DenseActiveBlock previous,
                     boolean[] moved) {
        this.previous = previous;
        this.moved = moved;
        this.op = op;
        this.valid = valid;
        this.y = y;
        this.s = s;
        this.lanes = op.lanes();
        boolean[][] activeBlocks = ReducedJacobian.activeBlocks(op.coneDerivative());
        this.coords = new int[lanes][];
        this.pinv = new BorderedPseudoInverse[lanes];
        this.rightNull = new double[op.rows() * lanes];
        for (int l = 0; l < lanes; l++) {
            coords[l] = valid[l] ? ReducedJacobian.activeCoordinates(op, activeBlocks, l) : new int[0];
        }
    }

    /** The largest active block of the tile (what a dense factorization costs, cubed). */
    int maxActiveSize() {
        int max = 0;
        for (int[] c : coords) {
            max = Math.max(max, c.length);
        }
        return max;
    }

    /** Forms and factors every valid lane's block (the expensive part, done once per tile). */
    void factorAll() {
        blocks = ReducedJacobian.coneBlocks(op.coneDerivative());
        for (int l = 0; l < lanes; l++) {
            if (valid[l] && previous != null && !moved[l]) {
                // The lane's point, and so its block, is the one previous factored.
                coords[l] = previous.coords[l];
                pinv[l] = previous.pinv[l];
                for (int k = 0; k < op.rows(); k++) {
                    rightNull[k * lanes + l] = previous.rightNull[k * lanes + l];
                }
            } else if (valid[l]) {
                ReducedJacobian red = ReducedJacobian.form(op, blocks, l, y, s);
                coords[l] = red.coords; // the same as the estimate, read off the blocks themselves
                // A moved lane on the same active set: its block differs in the τ row only.
                BorderedPseudoInverse before = previous != null && previous.pinv[l] != null
                        && java.util.Arrays.equals(previous.coords[l], red.coords) ? previous.pinv[l] : null;
                pinv[l] = before != null ? before.updated(red.matrix, red.nullVector) : null;
                if (pinv[l] == null) {
                    pinv[l] = BorderedPseudoInverse.factor(red.matrix, red.nullVector);
                }
                if (pinv[l] != null) {
                    double[] zeta = pinv[l].rightNull();
                    for (int k = 0; k < zeta.length; k++) {
                        rightNull[coords[l][k] * lanes + l] = zeta[k];
                    }
                }
            }
        }
    }

    @Override
    public int[] coords(int lane) {
        return coords[lane];
    }

    @Override
    public double[] rightNull() {
        return rightNull;
    }

    @Override
    public boolean factored(int lane) {
        return pinv[lane] != null;
    }

    @Override
    public boolean[] apply(double[] in, double[] out, boolean transposed) {
        boolean[] ok = new boolean[lanes];
        for (int l = 0; l < lanes; l++) {
            if (pinv[l] == null) {
                continue;
            }
            int[] c = coords[l];
            double[] b = new double[c.length];
            for (int k = 0; k < c.length; k++) {
                b[k] = in[c[k] * lanes + l];
            }
            double[] x = pinv[l].apply(b, transposed);
            ok[l] = x != null;
            if (x != null) {
                for (int k = 0; k < c.length; k++) {
                    out[c[k] * lanes + l] = x[k];
                }
            }
        }
        return ok;
    }
}
