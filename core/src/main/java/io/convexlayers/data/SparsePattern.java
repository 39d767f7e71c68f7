// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.data;

import io.convexlayers.InvalidProblemException;
import java.util.Arrays;

/**
 * The nonzero structure of a sparse matrix in compressed sparse column (CSC) form, shared by every
 * instance of a batch. Row indices are strictly increasing within each column. Immutable.
 */
public final class SparsePattern {
    private final int rows;
    private final int cols;
    private final int[] colStart;
    private final int[] rowIndex;
    /** Per column, how many leading row indices it shares with the next column (0 for the last). */
    private final int[] sharedLeadingRows;

    /**
     * @param colStart length {@code cols + 1}, non-decreasing, starting at 0
     * @param rowIndex length {@code colStart[cols]}, strictly increasing within each column
     * @throws InvalidProblemException naming {@code name} and the offending field
     */
    public SparsePattern(String name, int rows, int cols, int[] colStart, int[] rowIndex) {
        if (rows < 0 || cols < 0) {
            throw new InvalidProblemException(name, "negative dimensions " + rows + "x" + cols);
        }
        if (colStart == null || colStart.length != cols + 1) {
            throw new InvalidProblemException(name + ".colStart", "expected length " + (cols + 1)
                    + ", got " + (colStart == null ? "null" : colStart.length));
        }
        if (colStart[0] != 0) {
            throw new InvalidProblemException(name + ".colStart[0]", "must be 0, got " + colStart[0]);
        }
        for (int j = 0; j < cols; j++) {
            if (colStart[j + 1] < colStart[j]) {
                throw new InvalidProblemException(name + ".colStart[" + (j + 1) + "]", "decreasing");
            }
        }
        int nnz = colStart[cols];
        if (rowIndex == null || rowIndex.length != nnz) {
            throw new InvalidProblemException(name + ".rowIndex", "expected length " + nnz
                    + ", got " + (rowIndex == null ? "null" : rowIndex.length));
        }
        for (int j = 0; j < cols; j++) {
            for (int k = colStart[j]; k < colStart[j + 1]; k++) {
                int r = rowIndex[k];
                if (r < 0 || r >= rows) {
                    throw new InvalidProblemException(name + ".rowIndex[" + k + "]",
                            "row " + r + " outside [0, " + rows + ") in column " + j);
                }
                if (k > colStart[j] && r <= rowIndex[k - 1]) {
                    throw new InvalidProblemException(name + ".rowIndex[" + k + "]",
                            "rows not strictly increasing in column " + j);
                }
            }
        }
        this.rows = rows;
        this.cols = cols;
        this.colStart = colStart.clone();
        this.rowIndex = rowIndex.clone();
        this.sharedLeadingRows = sharedLeadingRows(this.colStart, this.rowIndex, cols);
    }

    private static int[] sharedLeadingRows(int[] colStart, int[] rowIndex, int cols) {
        int[] shared = new int[cols];
        for (int j = 0; j + 1 < cols; j++) {
            int a = colStart[j];
            int b = colStart[j + 1];
            int len = Math.min(colStart[j + 1] - a, colStart[j + 2] - b);
            int k = 0;
            while (k < len && rowIndex[a + k] == rowIndex[b + k]) {
                k++;
            }
            shared[j] = k;
        }
        return shared;
    }

    /**
     * Per column j, how many leading row indices column j shares with column j + 1 (0 for the last
     * column): a dense block over some rows followed by a few rows of each column's own (the bounds of
     * a dense LP, say) shares the block's rows. Kernels take such columns together over the shared
     * rows, loading each row index once for all of them. Do not modify: exposed for allocation-free
     * inner loops.
     */
    public int[] sharedLeadingRows() {
        return sharedLeadingRows;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public int nnz() {
        return colStart[cols];
    }

    /** Start of column {@code j} in {@link #rowIndex(int)} order; {@code colStart(cols)} is nnz. */
    public int colStart(int j) {
        return colStart[j];
    }

    public int rowIndex(int k) {
        return rowIndex[k];
    }

    /** The internal column-start array. Do not modify: exposed for allocation-free inner loops. */
    public int[] colStartArray() {
        return colStart;
    }

    /** The internal row-index array. Do not modify: exposed for allocation-free inner loops. */
    public int[] rowIndexArray() {
        return rowIndex;
    }

    /** True when every entry lies on or above the diagonal (the storage used for P). */
    public boolean isUpperTriangular() {
        for (int j = 0; j < cols; j++) {
            for (int k = colStart[j]; k < colStart[j + 1]; k++) {
                if (rowIndex[k] > j) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Position of entry (i, j) in the value array, or -1 when it is not in the pattern. */
    public int find(int i, int j) {
        int k = Arrays.binarySearch(rowIndex, colStart[j], colStart[j + 1], i);
        return k >= 0 ? k : -1;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof SparsePattern p)) {
            return false;
        }
        return rows == p.rows && cols == p.cols && Arrays.equals(colStart, p.colStart)
                && Arrays.equals(rowIndex, p.rowIndex);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * rows + cols) + Arrays.hashCode(rowIndex);
    }

    @Override
    public String toString() {
        return "SparsePattern[" + rows + "x" + cols + ", nnz=" + nnz() + "]";
    }
}
