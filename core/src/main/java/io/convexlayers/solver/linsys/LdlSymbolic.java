// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

import java.util.Arrays;

/**
 * Symbolic analysis of C = L·D·Lᵀ for a symmetric matrix given by its upper triangle in compressed
 * columns: the elimination tree (parent of column i = first off-diagonal row of column i of L), the
 * column counts of L, and the complete pattern of L. The pattern of row k of L is the set of nodes
 * reached by walking up the elimination tree from every i &lt; k with C(i, k) ≠ 0 (Liu's
 * row-subtree characterisation); the walk stops at nodes already marked for row k, so the whole
 * analysis costs O(nnz(L)).
 *
 * <p>For the up-looking numeric factorization, every row k also lists its columns i (ascending,
 * which is a topological order of the row subtree) and the position of L(k, i) in L's column
 * storage, whose rows are ascending within each column.
 */
final class LdlSymbolic {
    final int size;
    final int[] parent;
    /** Column starts of strictly lower L (unit diagonal not stored). */
    final int[] lColStart;
    /** Row indices of L, ascending within each column. */
    final int[] lRowIndex;
    /** Row k's entries: columns {@code rowCols[rowStart[k] .. rowStart[k+1])} ascending ... */
    final int[] rowStart;
    final int[] rowCols;
    /** ... and where each L(k, i) lives in {@link #lRowIndex} order. */
    final int[] rowPos;

    LdlSymbolic(int size, int[] colStart, int[] rowIndex) {
        this.size = size;
        parent = new int[size];
        int[] flag = new int[size];
        int[] count = new int[size];
        int[] rowCount = new int[size];
        for (int k = 0; k < size; k++) {
            parent[k] = -1;
            flag[k] = k;
            for (int t = colStart[k]; t < colStart[k + 1]; t++) {
                int i = rowIndex[t];
                while (i < k && flag[i] != k) {
                    if (parent[i] == -1) {
                        parent[i] = k;
                    }
                    count[i]++;
                    rowCount[k]++;
                    flag[i] = k;
                    i = parent[i];
                }
            }
        }
        lColStart = new int[size + 1];
        rowStart = new int[size + 1];
        for (int k = 0; k < size; k++) {
            lColStart[k + 1] = lColStart[k] + count[k];
            rowStart[k + 1] = rowStart[k] + rowCount[k];
        }
        int nnz = lColStart[size];
        lRowIndex = new int[nnz];
        rowCols = new int[nnz];
        rowPos = new int[nnz];
        int[] fill = Arrays.copyOf(lColStart, size);
        Arrays.fill(flag, -1);
        for (int k = 0; k < size; k++) {
            flag[k] = k;
            int r = rowStart[k];
            for (int t = colStart[k]; t < colStart[k + 1]; t++) {
                int i = rowIndex[t];
                while (i < k && flag[i] != k) {
                    rowCols[r++] = i;
                    flag[i] = k;
                    i = parent[i];
                }
            }
            Arrays.sort(rowCols, rowStart[k], r);
            for (int s = rowStart[k]; s < r; s++) {
                int i = rowCols[s];
                int pos = fill[i]++;
                lRowIndex[pos] = k;
                rowPos[s] = pos;
            }
        }
    }

    /**
     * The start s of the trailing block L[s.., s..] to factor densely: the smallest s with at
     * least {@code minSize} columns after it whose strictly lower triangle is at least
     * {@code minDensity} full; {@code size} (no dense block) when there is none.
     */
    int denseTailStart(double minDensity, int minSize) {
        long suffix = 0;
        int best = size;
        for (int j = size - 1; j >= 0; j--) {
            suffix += lColStart[j + 1] - lColStart[j];
            long order = size - j;
            if (order >= minSize && suffix >= minDensity * (order * (order - 1) / 2)) {
                best = j;
            }
        }
        return best;
    }

    /** Number of stored entries of L (strictly lower). */
    int nnz() {
        return lColStart[size];
    }

    /** Multiply-adds of one numeric factorization, Σ over columns of count(count + 3)/2. */
    double factorFlops() {
        double f = 0;
        for (int k = 0; k < size; k++) {
            double c = lColStart[k + 1] - lColStart[k];
            f += c * (c + 3) / 2;
        }
        return f;
    }
}
