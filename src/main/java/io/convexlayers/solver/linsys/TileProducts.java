package io.convexlayers.solver.linsys;

import io.convexlayers.solver.SparsePattern;

/**
 * Batched products with the tile's matrices on batch-minor vectors (entry i of lane l at
 * {@code i * lanes + l}), lanes innermost so that the loops vectorize. Shared values are
 * broadcast to every lane; per-lane values are read batch-minor.
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
        SparsePattern pat = mats.aPattern();
        int[] colStart = pat.colStartArray();
        int[] rowIndex = pat.rowIndexArray();
        double[] a = mats.aValues();
        int lanes = mats.lanes();
        int n = pat.cols();
        if (mats.aShared()) {
            for (int j = 0; j < n; j++) {
                int xo = xOff + j * lanes;
                for (int k = colStart[j]; k < colStart[j + 1]; k++) {
                    double v = a[k];
                    int oo = outOff + rowIndex[k] * lanes;
                    for (int l = 0; l < lanes; l++) {
                        out[oo + l] += v * x[xo + l];
                    }
                }
            }
        } else {
            for (int j = 0; j < n; j++) {
                int xo = xOff + j * lanes;
                for (int k = colStart[j]; k < colStart[j + 1]; k++) {
                    int ao = k * lanes;
                    int oo = outOff + rowIndex[k] * lanes;
                    for (int l = 0; l < lanes; l++) {
                        out[oo + l] += a[ao + l] * x[xo + l];
                    }
                }
            }
        }
    }

    /** out[outOff..] += Aᵀ·y[yOff..] (y: m × lanes, out: n × lanes). */
    static void multiplyAddAt(TileMatrices mats, double[] y, int yOff, double[] out, int outOff) {
        SparsePattern pat = mats.aPattern();
        int[] colStart = pat.colStartArray();
        int[] rowIndex = pat.rowIndexArray();
        double[] a = mats.aValues();
        int lanes = mats.lanes();
        int n = pat.cols();
        if (mats.aShared()) {
            for (int j = 0; j < n; j++) {
                int oo = outOff + j * lanes;
                for (int k = colStart[j]; k < colStart[j + 1]; k++) {
                    double v = a[k];
                    int yo = yOff + rowIndex[k] * lanes;
                    for (int l = 0; l < lanes; l++) {
                        out[oo + l] += v * y[yo + l];
                    }
                }
            }
        } else {
            for (int j = 0; j < n; j++) {
                int oo = outOff + j * lanes;
                for (int k = colStart[j]; k < colStart[j + 1]; k++) {
                    int ao = k * lanes;
                    int yo = yOff + rowIndex[k] * lanes;
                    for (int l = 0; l < lanes; l++) {
                        out[oo + l] += a[ao + l] * y[yo + l];
                    }
                }
            }
        }
    }

    /**
     * out[outOff..] += P·x[xOff..] where P is the symmetric matrix whose upper triangle the tile
     * stores; no-op without P.
     */
    static void multiplyAddP(TileMatrices mats, double[] x, int xOff, double[] out, int outOff) {
        SparsePattern pat = mats.pPattern();
        if (pat == null) {
            return;
        }
        int[] colStart = pat.colStartArray();
        int[] rowIndex = pat.rowIndexArray();
        double[] p = mats.pValues();
        int lanes = mats.lanes();
        int n = pat.cols();
        boolean shared = mats.pShared();
        for (int j = 0; j < n; j++) {
            int jo = j * lanes;
            for (int k = colStart[j]; k < colStart[j + 1]; k++) {
                int i = rowIndex[k];
                int io = i * lanes;
                if (shared) {
                    double v = p[k];
                    for (int l = 0; l < lanes; l++) {
                        out[outOff + io + l] += v * x[xOff + jo + l];
                    }
                    if (i != j) {
                        for (int l = 0; l < lanes; l++) {
                            out[outOff + jo + l] += v * x[xOff + io + l];
                        }
                    }
                } else {
                    int po = k * lanes;
                    for (int l = 0; l < lanes; l++) {
                        out[outOff + io + l] += p[po + l] * x[xOff + jo + l];
                    }
                    if (i != j) {
                        for (int l = 0; l < lanes; l++) {
                            out[outOff + jo + l] += p[po + l] * x[xOff + io + l];
                        }
                    }
                }
            }
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
