// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.canon;

import io.convexlayers.data.SparsePattern;

import java.util.Arrays;

/**
 * Step 3 of compilation: sorts coordinate entries (row, column, slot, value) once and merges them
 * into a fixed sparsity pattern plus a {@link ParameterMap} over that pattern's positions. Sorting
 * is by stable counting sorts (slot, then row, then column), so the cost is linear in the number
 * of entries plus the dimensions. A pattern position is kept whenever some entry with a
 * parameter slot lands there (it may be nonzero for some θ); positions whose entries are all
 * constant and cancel to zero are dropped, as are merged coefficients that are exactly zero.
 */
final class TensorAssembly {
    private TensorAssembly() {
    }

    /** Coordinate entries; slot {@code thetaLength} is the constant column. */
    static final class Coo {
        int[] row = new int[16];
        int[] col = new int[16];
        int[] slot = new int[16];
        double[] val = new double[16];
        int count;

        void add(int r, int c, int s, double v) {
            if (count == row.length) {
                int cap = 2 * count;
                row = Arrays.copyOf(row, cap);
                col = Arrays.copyOf(col, cap);
                slot = Arrays.copyOf(slot, cap);
                val = Arrays.copyOf(val, cap);
            }
            row[count] = r;
            col[count] = c;
            slot[count] = s;
            val[count++] = v;
        }
    }

    /** A sparse matrix's pattern and the map from [θ; 1] to its values in pattern order. */
    record Matrix(SparsePattern pattern, ParameterMap map) {
    }

    /** Permutation sorting entries by (key1, key2, key3), each key in [0, bound). */
    private static int[] sort(int count, int[] k1, int b1, int[] k2, int b2, int[] k3, int b3) {
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        order = countingSort(order, k3, b3);
        order = countingSort(order, k2, b2);
        return countingSort(order, k1, b1);
    }

    private static int[] countingSort(int[] order, int[] key, int bound) {
        int[] start = new int[bound + 1];
        for (int i : order) {
            start[key[i] + 1]++;
        }
        for (int b = 0; b < bound; b++) {
            start[b + 1] += start[b];
        }
        int[] out = new int[order.length];
        for (int i : order) {
            out[start[key[i]]++] = i;
        }
        return out;
    }

    /**
     * A rows×cols matrix in CSC order from entries; the parameter map's rows are the pattern's
     * positions.
     */
    static Matrix matrix(String name, int rows, int cols, Coo e, int thetaLength) {
        int n = e.count;
        int[] order = sort(n, e.col, cols, e.row, rows, e.slot, thetaLength + 1);
        int[] colStart = new int[cols + 1];
        int[] rowIdx = new int[n];
        int[] mapStart = new int[n + 1];
        int[] mapCol = new int[n];
        double[] mapVal = new double[n];
        int positions = 0;
        int nnz = 0;
        int i = 0;
        while (i < n) {
            int r = e.row[order[i]];
            int c = e.col[order[i]];
            int first = nnz;
            boolean parametric = false;
            while (i < n && e.row[order[i]] == r && e.col[order[i]] == c) {
                int s = e.slot[order[i]];
                double v = 0;
                while (i < n && e.row[order[i]] == r && e.col[order[i]] == c && e.slot[order[i]] == s) {
                    v += e.val[order[i]];
                    i++;
                }
                if (s != thetaLength) {
                    parametric = true;
                }
                if (v != 0) {
                    mapCol[nnz] = s;
                    mapVal[nnz++] = v;
                }
            }
            if (nnz == first && !parametric) {
                continue; // constant entries that cancel: not part of the pattern
            }
            rowIdx[positions] = r;
            colStart[c + 1]++;
            mapStart[++positions] = nnz;
        }
        for (int c = 0; c < cols; c++) {
            colStart[c + 1] += colStart[c];
        }
        SparsePattern pattern = new SparsePattern(name, rows, cols, colStart, Arrays.copyOf(rowIdx, positions));
        ParameterMap map = new ParameterMap(positions, thetaLength, Arrays.copyOf(mapStart, positions + 1),
                Arrays.copyOf(mapCol, nnz), Arrays.copyOf(mapVal, nnz));
        return new Matrix(pattern, map);
    }

    /** A dense vector of {@code length} entries (every index is a row of the map). */
    static ParameterMap vector(int length, Coo e, int thetaLength) {
        int n = e.count;
        int[] order = sort(n, e.row, length, e.slot, thetaLength + 1, new int[n], 1);
        int[] start = new int[length + 1];
        int[] col = new int[n];
        double[] val = new double[n];
        int nnz = 0;
        int i = 0;
        while (i < n) {
            int r = e.row[order[i]];
            int s = e.slot[order[i]];
            double v = 0;
            while (i < n && e.row[order[i]] == r && e.slot[order[i]] == s) {
                v += e.val[order[i]];
                i++;
            }
            if (v != 0) {
                col[nnz] = s;
                val[nnz++] = v;
                start[r + 1]++;
            }
        }
        for (int r = 0; r < length; r++) {
            start[r + 1] += start[r];
        }
        return new ParameterMap(length, thetaLength, start, Arrays.copyOf(col, nnz), Arrays.copyOf(val, nnz));
    }
}
