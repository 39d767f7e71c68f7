// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.io;

/**
 * Index arithmetic of the svec vectorization (DESIGN §2): the lower triangle of a symmetric k×k
 * matrix, column by column, with off-diagonal entries multiplied by √2, so that
 * tr(YS) = svec(Y)ᵀsvec(S). All indices are 0-based.
 */
final class Svec {
    /** √2, the scale of off-diagonal svec entries. */
    static final double SQRT2 = Math.sqrt(2.0);

    private Svec() {
    }

    /** Position of entry (row, col), row ≥ col, of an order-k matrix in svec. */
    static int index(int row, int col, int k) {
        return col * k - col * (col - 1) / 2 + (row - col);
    }

    /** The svec scale of entry (row, col): 1 on the diagonal, √2 off it. */
    static double scale(int row, int col) {
        return row == col ? 1.0 : SQRT2;
    }
}
