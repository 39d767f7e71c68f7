// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

import io.convexlayers.batch.TileSparse;
import io.convexlayers.data.SparsePattern;

/**
 * Batched products with the tile's matrices on batch-minor vectors (entry i of lane l at
 * {@code i * lanes + l}), delegating to the CPU backend's {@link TileSparse} kernels, plus the row
 * view of A's pattern that the reduced-matrix assembly uses.
 */
final class TileProducts {
    private TileProducts() {
    }

    /** out[outOff..] = A·x[xOff..] (x: n × lanes, out: m × lanes). */
    static void multiplyA(TileMatrices mats, double[] x, int xOff, double[] out, int outOff) {
        int lanes = mats.lanes();
        java.util.Arrays.fill(out, outOff, outOff + mats.m() * lanes, 0.0);
        multiplyAddA(mats, x, xOff, out, outOff);
    }

    /** out[outOff..] += A·x[xOff..]. */
    static void multiplyAddA(TileMatrices mats, double[] x, int xOff, double[] out, int outOff) {
        TileSparse.multiplyAdd(mats.aPattern(), mats.aValues(), mats.aShared(), mats.lanes(), x, xOff, out, outOff);
    }

    /** out[outOff..] += Aᵀ·y[yOff..] (y: m × lanes, out: n × lanes). */
    static void multiplyAddAt(TileMatrices mats, double[] y, int yOff, double[] out, int outOff) {
        TileSparse.transposeMultiplyAdd(mats.aPattern(), mats.aValues(), mats.aShared(), mats.lanes(), y, yOff, out,
                outOff);
    }

    /**
     * out[outOff..] += P·x[xOff..] where P is the symmetric matrix whose upper triangle the tile
     * stores; no-op without P.
     */
    static void multiplyAddP(TileMatrices mats, double[] x, int xOff, double[] out, int outOff) {
        if (mats.pPattern() != null) {
            TileSparse.symmetricMultiplyAdd(mats.pPattern(), mats.pValues(), mats.pShared(), mats.lanes(), x, xOff,
                    out, outOff);
        }
    }

    /**
     * The transpose of A's pattern: for each row i of A the positions {@code rowStart[i] ..
     * rowStart[i+1]-1} of {@code cols} (column indices, ascending) and {@code src} (the index of
     * that entry in A's CSC value order).
     */
    record RowView(int[] rowStart, int[] cols, int[] src) {
        static RowView of(SparsePattern a) {
            int m = a.rows();
            int n = a.cols();
            int nnz = a.nnz();
            int[] rowStart = new int[m + 1];
            int[] rowIndex = a.rowIndexArray();
            for (int k = 0; k < nnz; k++) {
                rowStart[rowIndex[k] + 1]++;
            }
            for (int i = 0; i < m; i++) {
                rowStart[i + 1] += rowStart[i];
            }
            int[] next = java.util.Arrays.copyOf(rowStart, m);
            int[] cols = new int[nnz];
            int[] src = new int[nnz];
            int[] colStart = a.colStartArray();
            for (int j = 0; j < n; j++) {
                for (int k = colStart[j]; k < colStart[j + 1]; k++) {
                    int t = next[rowIndex[k]]++;
                    cols[t] = j;
                    src[t] = k;
                }
            }
            return new RowView(rowStart, cols, src);
        }
    }
}
