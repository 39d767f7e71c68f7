// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.data;

import io.convexlayers.InvalidProblemException;
import java.util.Arrays;

/**
 * A sparse matrix in compressed sparse column form: a {@link SparsePattern} plus one value per
 * pattern entry. Explicit zeros are kept (a pattern may hold entries that are zero for some data).
 */
public final class CscMatrix {
    private final SparsePattern pattern;
    private final double[] values;

    public CscMatrix(SparsePattern pattern, double[] values) {
        if (values == null || values.length != pattern.nnz()) {
            throw new InvalidProblemException("values", "expected " + pattern.nnz() + " values, got "
                    + (values == null ? "null" : values.length));
        }
        this.pattern = pattern;
        this.values = values.clone();
    }

    /**
     * Builds a matrix from coordinate triplets; duplicate coordinates are summed, zeros are kept
     * as explicit entries.
     */
    public static CscMatrix fromTriplets(String name, int rows, int cols, int[] rowIdx, int[] colIdx,
                                         double[] vals) {
        int count = rowIdx.length;
        if (colIdx.length != count || vals.length != count) {
            throw new InvalidProblemException(name, "triplet arrays differ in length: " + count + ", "
                    + colIdx.length + ", " + vals.length);
        }
        for (int k = 0; k < count; k++) {
            if (rowIdx[k] < 0 || rowIdx[k] >= rows || colIdx[k] < 0 || colIdx[k] >= cols) {
                throw new InvalidProblemException(name + "[" + k + "]", "entry (" + rowIdx[k] + ", "
                        + colIdx[k] + ") outside " + rows + "x" + cols);
            }
        }
        Integer[] order = new Integer[count];
        for (int k = 0; k < count; k++) {
            order[k] = k;
        }
        Arrays.sort(order, (a, b) -> colIdx[a] != colIdx[b] ? Integer.compare(colIdx[a], colIdx[b])
                : Integer.compare(rowIdx[a], rowIdx[b]));
        int[] colStart = new int[cols + 1];
        int[] rowsOut = new int[count];
        double[] valsOut = new double[count];
        int nnz = 0;
        for (int t = 0; t < count; t++) {
            int k = order[t];
            if (nnz > 0 && t > 0 && colIdx[order[t - 1]] == colIdx[k] && rowsOut[nnz - 1] == rowIdx[k]) {
                valsOut[nnz - 1] += vals[k];
                continue;
            }
            rowsOut[nnz] = rowIdx[k];
            valsOut[nnz] = vals[k];
            colStart[colIdx[k] + 1]++;
            nnz++;
        }
        for (int j = 0; j < cols; j++) {
            colStart[j + 1] += colStart[j];
        }
        SparsePattern p = new SparsePattern(name, rows, cols, colStart, Arrays.copyOf(rowsOut, nnz));
        return new CscMatrix(p, Arrays.copyOf(valsOut, nnz));
    }

    /** Builds a matrix from a dense row-major array, keeping only nonzero entries. */
    public static CscMatrix fromDense(String name, double[][] dense) {
        int rows = dense.length;
        int cols = rows == 0 ? 0 : dense[0].length;
        int count = 0;
        for (double[] row : dense) {
            if (row.length != cols) {
                throw new InvalidProblemException(name, "ragged dense matrix");
            }
            for (double v : row) {
                if (v != 0) {
                    count++;
                }
            }
        }
        int[] ri = new int[count];
        int[] ci = new int[count];
        double[] vi = new double[count];
        int k = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                if (dense[i][j] != 0) {
                    ri[k] = i;
                    ci[k] = j;
                    vi[k++] = dense[i][j];
                }
            }
        }
        return fromTriplets(name, rows, cols, ri, ci, vi);
    }

    /** The upper triangle (diagonal included) of a dense symmetric matrix, as P is stored. */
    public static CscMatrix upperTriangleOf(String name, double[][] symmetric) {
        int n = symmetric.length;
        double[][] upper = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                upper[i][j] = symmetric[i][j];
            }
        }
        return fromDense(name, upper);
    }

    /** An all-zero matrix with an empty pattern. */
    public static CscMatrix zeros(int rows, int cols) {
        return new CscMatrix(new SparsePattern("zeros", rows, cols, new int[cols + 1], new int[0]),
                new double[0]);
    }

    public SparsePattern pattern() {
        return pattern;
    }

    public int rows() {
        return pattern.rows();
    }

    public int cols() {
        return pattern.cols();
    }

    public int nnz() {
        return pattern.nnz();
    }

    /** A copy of the values, in pattern order. */
    public double[] values() {
        return values.clone();
    }

    /** The value at pattern position {@code k}. */
    public double value(int k) {
        return values[k];
    }

    /** The entry (i, j), zero when it is outside the pattern. */
    public double get(int i, int j) {
        int k = pattern.find(i, j);
        return k < 0 ? 0 : values[k];
    }

    /** out += this · x. */
    public void multiplyAdd(double[] x, double[] out) {
        for (int j = 0; j < cols(); j++) {
            double xj = x[j];
            for (int k = pattern.colStart(j); k < pattern.colStart(j + 1); k++) {
                out[pattern.rowIndex(k)] += values[k] * xj;
            }
        }
    }

    /** out += thisᵀ · y. */
    public void transposeMultiplyAdd(double[] y, double[] out) {
        for (int j = 0; j < cols(); j++) {
            double acc = 0;
            for (int k = pattern.colStart(j); k < pattern.colStart(j + 1); k++) {
                acc += values[k] * y[pattern.rowIndex(k)];
            }
            out[j] += acc;
        }
    }

    /** out += S · x where S is the symmetric matrix whose upper triangle this matrix stores. */
    public void symmetricMultiplyAdd(double[] x, double[] out) {
        for (int j = 0; j < cols(); j++) {
            for (int k = pattern.colStart(j); k < pattern.colStart(j + 1); k++) {
                int i = pattern.rowIndex(k);
                out[i] += values[k] * x[j];
                if (i != j) {
                    out[j] += values[k] * x[i];
                }
            }
        }
    }

    /** A dense row-major copy (for tests and small problems). */
    public double[][] toDense() {
        double[][] d = new double[rows()][cols()];
        for (int j = 0; j < cols(); j++) {
            for (int k = pattern.colStart(j); k < pattern.colStart(j + 1); k++) {
                d[pattern.rowIndex(k)][j] += values[k];
            }
        }
        return d;
    }

    @Override
    public String toString() {
        return "CscMatrix[" + rows() + "x" + cols() + ", nnz=" + nnz() + "]";
    }
}
