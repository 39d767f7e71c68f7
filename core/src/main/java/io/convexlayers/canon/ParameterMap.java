// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.canon;

import io.convexlayers.data.CscMatrix;
import io.convexlayers.data.SparsePattern;

/**
 * A sparse matrix T in compressed sparse row form whose rows are data entries (values of A in
 * pattern order, of b, of c, of P, or the objective offset) and whose columns are the entries of
 * θ followed by one constant column: data = T·[θ; 1]. Rows hold their columns in increasing order.
 * Immutable.
 */
public final class ParameterMap {
    private final int rows;
    private final int thetaLength;
    private final int[] rowStart;
    private final int[] colIndex;
    private final double[] values;
    private final boolean parametric;

    ParameterMap(int rows, int thetaLength, int[] rowStart, int[] colIndex, double[] values) {
        this.rows = rows;
        this.thetaLength = thetaLength;
        this.rowStart = rowStart;
        this.colIndex = colIndex;
        this.values = values;
        boolean p = false;
        for (int c : colIndex) {
            p |= c != thetaLength;
        }
        this.parametric = p;
    }

    /** Number of data entries. */
    public int rows() {
        return rows;
    }

    /** Number of columns: θ's length plus one (the last column is the constant). */
    public int cols() {
        return thetaLength + 1;
    }

    /** The index of the constant column (θ's length). */
    public int constantColumn() {
        return thetaLength;
    }

    public int nnz() {
        return rowStart[rows];
    }

    /** Start of row {@code r} in {@link #colIndex(int)} order. */
    public int rowStart(int r) {
        return rowStart[r];
    }

    public int colIndex(int k) {
        return colIndex[k];
    }

    public double value(int k) {
        return values[k];
    }

    /** True when some entry depends on θ (not only on the constant column). */
    public boolean dependsOnParameters() {
        return parametric;
    }

    /** True when row {@code r} depends on θ. */
    public boolean rowDependsOnParameters(int r) {
        for (int k = rowStart[r]; k < rowStart[r + 1]; k++) {
            if (colIndex[k] != thetaLength) {
                return true;
            }
        }
        return false;
    }

    /** T·[θ; 1]. */
    public double[] apply(double[] theta) {
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double acc = 0;
            for (int k = rowStart[r]; k < rowStart[r + 1]; k++) {
                int c = colIndex[k];
                acc += values[k] * (c == thetaLength ? 1 : theta[c]);
            }
            out[r] = acc;
        }
        return out;
    }

    /**
     * T·[θ_b; 1] for a batch: θ batch-minor ({@code theta[i*batch + b]}), the result batch-minor
     * ({@code out[r*batch + b]}).
     */
    public double[] applyBatch(double[] theta, int batch) {
        double[] out = new double[rows * batch];
        for (int r = 0; r < rows; r++) {
            int o = r * batch;
            for (int k = rowStart[r]; k < rowStart[r + 1]; k++) {
                int c = colIndex[k];
                double v = values[k];
                if (c == thetaLength) {
                    for (int b = 0; b < batch; b++) {
                        out[o + b] += v;
                    }
                } else {
                    int t = c * batch;
                    for (int b = 0; b < batch; b++) {
                        out[o + b] += v * theta[t + b];
                    }
                }
            }
        }
        return out;
    }

    /** dθ += T[:, :θ]ᵀ·cotangent (the constant column is dropped). */
    public void adjointAdd(double[] cotangent, double[] dTheta) {
        for (int r = 0; r < rows; r++) {
            double g = cotangent[r];
            if (g == 0) {
                continue;
            }
            for (int k = rowStart[r]; k < rowStart[r + 1]; k++) {
                int c = colIndex[k];
                if (c != thetaLength) {
                    dTheta[c] += values[k] * g;
                }
            }
        }
    }

    /** Batched {@link #adjointAdd}: cotangent and dθ batch-minor. */
    public void adjointAddBatch(double[] cotangent, double[] dTheta, int batch) {
        for (int r = 0; r < rows; r++) {
            int o = r * batch;
            for (int k = rowStart[r]; k < rowStart[r + 1]; k++) {
                int c = colIndex[k];
                if (c == thetaLength) {
                    continue;
                }
                double v = values[k];
                int t = c * batch;
                for (int b = 0; b < batch; b++) {
                    dTheta[t + b] += v * cotangent[o + b];
                }
            }
        }
    }

    /** The same matrix in compressed sparse column form (rows × (θ + 1)). */
    public CscMatrix toCsc() {
        int cols = thetaLength + 1;
        int nnz = nnz();
        int[] colStart = new int[cols + 1];
        for (int k = 0; k < nnz; k++) {
            colStart[colIndex[k] + 1]++;
        }
        for (int c = 0; c < cols; c++) {
            colStart[c + 1] += colStart[c];
        }
        int[] next = java.util.Arrays.copyOf(colStart, cols);
        int[] rowIdx = new int[nnz];
        double[] vals = new double[nnz];
        for (int r = 0; r < rows; r++) {
            for (int k = rowStart[r]; k < rowStart[r + 1]; k++) {
                int p = next[colIndex[k]]++;
                rowIdx[p] = r;
                vals[p] = values[k];
            }
        }
        return new CscMatrix(new SparsePattern("T", rows, cols, colStart, rowIdx), vals);
    }

    @Override
    public String toString() {
        return "ParameterMap[" + rows + " data entries x " + (thetaLength + 1) + " columns, nnz=" + nnz() + "]";
    }
}
