package io.convexlayers.solver.linsys;

import io.convexlayers.solver.SparsePattern;

/**
 * Batched products with the tile's matrices on batch-minor vectors (entry i of lane l at
 * {@code i * lanes + l}), lanes innermost. Shared values are broadcast to every lane; per-lane
 * values are read batch-minor.
 *
 * <p>HotSpot's auto-vectorizer does little for a lane loop of trip count 8 (its unrolled main loop
 * is longer than the trip count, so the work falls to the scalar post-loop), so the 8-lane tile —
 * the default — has explicitly unrolled kernels that keep the eight lanes in registers; measured
 * 2–3× faster than the generic loop. Other lane counts use the generic loops.
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
        if (lanes == 8) {
            multiplyAddA8(n, colStart, rowIndex, a, mats.aShared(), x, xOff, out, outOff);
        } else if (mats.aShared()) {
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
        if (lanes == 8) {
            multiplyAddAt8(n, colStart, rowIndex, a, mats.aShared(), y, yOff, out, outOff);
        } else if (mats.aShared()) {
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

    /** {@link #multiplyAddA} for 8 lanes, unrolled so that the JIT keeps x in registers. */
    private static void multiplyAddA8(int n, int[] colStart, int[] rowIndex, double[] a, boolean shared,
                                      double[] x, int xOff, double[] out, int outOff) {
        for (int j = 0; j < n; j++) {
            int xo = xOff + j * 8;
            double x0 = x[xo], x1 = x[xo + 1], x2 = x[xo + 2], x3 = x[xo + 3];
            double x4 = x[xo + 4], x5 = x[xo + 5], x6 = x[xo + 6], x7 = x[xo + 7];
            int end = colStart[j + 1];
            if (shared) {
                for (int k = colStart[j]; k < end; k++) {
                    double v = a[k];
                    int o = outOff + rowIndex[k] * 8;
                    out[o] += v * x0;
                    out[o + 1] += v * x1;
                    out[o + 2] += v * x2;
                    out[o + 3] += v * x3;
                    out[o + 4] += v * x4;
                    out[o + 5] += v * x5;
                    out[o + 6] += v * x6;
                    out[o + 7] += v * x7;
                }
            } else {
                for (int k = colStart[j]; k < end; k++) {
                    int ao = k * 8;
                    int o = outOff + rowIndex[k] * 8;
                    out[o] += a[ao] * x0;
                    out[o + 1] += a[ao + 1] * x1;
                    out[o + 2] += a[ao + 2] * x2;
                    out[o + 3] += a[ao + 3] * x3;
                    out[o + 4] += a[ao + 4] * x4;
                    out[o + 5] += a[ao + 5] * x5;
                    out[o + 6] += a[ao + 6] * x6;
                    out[o + 7] += a[ao + 7] * x7;
                }
            }
        }
    }

    /** {@link #multiplyAddAt} for 8 lanes, with the column sums in registers. */
    private static void multiplyAddAt8(int n, int[] colStart, int[] rowIndex, double[] a, boolean shared,
                                       double[] y, int yOff, double[] out, int outOff) {
        for (int j = 0; j < n; j++) {
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
            int end = colStart[j + 1];
            if (shared) {
                for (int k = colStart[j]; k < end; k++) {
                    double v = a[k];
                    int o = yOff + rowIndex[k] * 8;
                    s0 += v * y[o];
                    s1 += v * y[o + 1];
                    s2 += v * y[o + 2];
                    s3 += v * y[o + 3];
                    s4 += v * y[o + 4];
                    s5 += v * y[o + 5];
                    s6 += v * y[o + 6];
                    s7 += v * y[o + 7];
                }
            } else {
                for (int k = colStart[j]; k < end; k++) {
                    int ao = k * 8;
                    int o = yOff + rowIndex[k] * 8;
                    s0 += a[ao] * y[o];
                    s1 += a[ao + 1] * y[o + 1];
                    s2 += a[ao + 2] * y[o + 2];
                    s3 += a[ao + 3] * y[o + 3];
                    s4 += a[ao + 4] * y[o + 4];
                    s5 += a[ao + 5] * y[o + 5];
                    s6 += a[ao + 6] * y[o + 6];
                    s7 += a[ao + 7] * y[o + 7];
                }
            }
            int o = outOff + j * 8;
            out[o] += s0;
            out[o + 1] += s1;
            out[o + 2] += s2;
            out[o + 3] += s3;
            out[o + 4] += s4;
            out[o + 5] += s5;
            out[o + 6] += s6;
            out[o + 7] += s7;
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
