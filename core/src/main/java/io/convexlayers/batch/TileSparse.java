// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.batch;

import io.convexlayers.data.SparsePattern;

/**
 * Sparse matrix products for a tile of lanes in batch-minor layout (entry i of lane l at
 * {@code offset + i * lanes + l}). Values are either shared ({@code nnz} entries) or per lane
 * ({@code nnz * lanes}, batch-minor). The innermost loop runs over lanes, contiguous in memory.
 *
 * <p>HotSpot's auto-vectorizer does little for a lane loop of trip count 8 (its unrolled main loop
 * is longer than the trip count), so the default 8-lane tile has explicitly unrolled kernels that
 * keep the eight lanes in registers: measured 2–3× faster than the generic loops, which serve every
 * other lane count. Tiles narrowed to 4 or 2 lanes (lane compaction) have unrolled kernels too; one
 * lane (a batch of one) has plain CSC loops. The linear systems use the same kernels. Where
 * {@link LaneSimd} offers SIMD kernels, 8-lane tiles use those instead (the same bits).
 *
 * <p>Every lane count sums each lane's products in the same order, so a lane's results do not
 * depend on the tile's width (a tile can continue its running lanes in a narrower tile bit for bit).
 */
public final class TileSparse {
    private TileSparse() {
    }

    /** out += M·x for every lane. */
    public static void multiplyAdd(SparsePattern pattern, double[] values, boolean shared, int lanes,
                                   double[] x, int xOff, double[] out, int outOff) {
        int[] colStart = pattern.colStartArray();
        int[] rowIndex = pattern.rowIndexArray();
        int cols = pattern.cols();
        if (lanes == 8) {
            Lanes8Kernels simd = LaneSimd.kernels();
            if (simd != null) {
                simd.multiplyAdd(cols, colStart, rowIndex, values, shared, x, xOff, out, outOff);
            } else {
                multiplyAdd8(cols, colStart, rowIndex, values, shared, x, xOff, out, outOff);
            }
            return;
        }
        if (lanes == 4) {
            multiplyAdd4(cols, colStart, rowIndex, values, shared, x, xOff, out, outOff);
            return;
        }
        if (lanes == 2) {
            multiplyAdd2(cols, colStart, rowIndex, values, shared, x, xOff, out, outOff);
            return;
        }
        if (lanes == 1) { // shared and per-lane values coincide
            int[] leading = pattern.sharedLeadingRows();
            for (int j = 0; j < cols; j++) {
                if (fullColumns(j, cols, colStart, rowIndex)) {
                    multiplyAddFull4(colStart, j, values, x, xOff, out, outOff);
                    j += FULL_BLOCK - 1;
                    continue;
                }
                int common = sharedRows(leading, j, FULL_BLOCK, cols);
                if (common >= MIN_SHARED_ROWS) {
                    multiplyAddShared4(colStart, rowIndex, j, common, values, x, xOff, out, outOff);
                    j += FULL_BLOCK - 1;
                    continue;
                }
                double xj = x[xOff + j];
                for (int k = colStart[j]; k < colStart[j + 1]; k++) {
                    out[outOff + rowIndex[k]] += values[k] * xj;
                }
            }
            return;
        }
        for (int j = 0; j < cols; j++) {
            int xj = xOff + j * lanes;
            for (int k = colStart[j]; k < colStart[j + 1]; k++) {
                int o = outOff + rowIndex[k] * lanes;
                if (shared) {
                    double a = values[k];
                    for (int l = 0; l < lanes; l++) {
                        out[o + l] += a * x[xj + l];
                    }
                } else {
                    int vk = k * lanes;
                    for (int l = 0; l < lanes; l++) {
                        out[o + l] += values[vk + l] * x[xj + l];
                    }
                }
            }
        }
    }

    /**
     * {@link #multiplyAdd} of x into {@code outAx} and {@link #transposeMultiplyAdd} of y into
     * {@code outAty} with per-lane values, the same bits as the two calls: an 8-lane tile with SIMD takes
     * both in one sweep over the values (each value loaded once), any other tile makes the two calls.
     * The outputs must not overlap the inputs.
     */
    public static void multiplyBothAdd(SparsePattern pattern, double[] values, int lanes, double[] x, double[] outAx,
                                       double[] y, double[] outAty) {
        Lanes8Kernels simd = lanes == 8 ? LaneSimd.kernels() : null;
        if (simd == null) {
            multiplyAdd(pattern, values, false, lanes, x, 0, outAx, 0);
            transposeMultiplyAdd(pattern, values, false, lanes, y, 0, outAty, 0);
            return;
        }
        simd.multiplyBothAdd(pattern.cols(), pattern.colStartArray(), pattern.rowIndexArray(), values, x, outAx, y,
                outAty);
    }

    /** out += Mᵀ·y for every lane. */
    public static void transposeMultiplyAdd(SparsePattern pattern, double[] values, boolean shared, int lanes,
                                            double[] y, int yOff, double[] out, int outOff) {
        int[] colStart = pattern.colStartArray();
        int[] rowIndex = pattern.rowIndexArray();
        int cols = pattern.cols();
        if (lanes == 8) {
            Lanes8Kernels simd = LaneSimd.kernels();
            if (simd != null) {
                simd.transposeMultiplyAdd(cols, colStart, rowIndex, values, shared, y, yOff, out, outOff);
            } else {
                transposeMultiplyAdd8(cols, colStart, rowIndex, values, shared, y, yOff, out, outOff);
            }
            return;
        }
        if (lanes == 1) {
            int[] leading = pattern.sharedLeadingRows();
            for (int j = 0; j < cols; j++) {
                int common = sharedRows(leading, j, 2 * FULL_BLOCK, cols);
                if (common >= MIN_SHARED_ROWS && !fullColumns(j, cols, colStart, rowIndex)) {
                    transposeMultiplyAddShared8(colStart, rowIndex, j, common, values, y, yOff, out, outOff);
                    j += 2 * FULL_BLOCK - 1;
                    continue;
                }
                if (fullColumns(j, cols, colStart, rowIndex)) {
                    if (fullColumns(j + FULL_BLOCK, cols, colStart, rowIndex)
                            && colStart[j + 5] - colStart[j + 4] == colStart[j + 1] - colStart[j]) {
                        transposeMultiplyAddFull8(colStart, j, values, y, yOff, out, outOff);
                        j += 2 * FULL_BLOCK - 1;
                        continue;
                    }
                    transposeMultiplyAddFull4(colStart, j, values, y, yOff, out, outOff);
                    j += FULL_BLOCK - 1;
                    continue;
                }
                double acc = 0;
                for (int k = colStart[j]; k < colStart[j + 1]; k++) {
                    acc += values[k] * y[yOff + rowIndex[k]];
                }
                out[outOff + j] += acc;
            }
            return;
        }
        if (lanes == 4) {
            transposeMultiplyAdd4(cols, colStart, rowIndex, values, shared, y, yOff, out, outOff);
            return;
        }
        if (lanes == 2) {
            transposeMultiplyAdd2(cols, colStart, rowIndex, values, shared, y, yOff, out, outOff);
            return;
        }
        // Lane by lane, each column's sum kept apart from out as in the other kernels.
        for (int l = 0; l < lanes; l++) {
            for (int j = 0; j < cols; j++) {
                double acc = 0;
                for (int k = colStart[j]; k < colStart[j + 1]; k++) {
                    double a = shared ? values[k] : values[k * lanes + l];
                    acc += a * y[yOff + rowIndex[k] * lanes + l];
                }
                out[outOff + j * lanes + l] += acc;
            }
        }
    }

    /** Columns a one-lane product takes together where they are full (see {@link #fullColumns}). */
    static final int FULL_BLOCK = 4;

    /**
     * Whether columns {@code j .. j+3} all hold every row {@code 0 .. len-1}, as the columns of a
     * dense block do (row indices are strictly increasing, so first 0 and last len − 1 with len
     * entries is exactly that).
     */
    static boolean fullColumns(int j, int cols, int[] colStart, int[] rowIndex) {
        if (j + FULL_BLOCK > cols) {
            return false;
        }
        int len = colStart[j + 1] - colStart[j];
        for (int c = j; c < j + FULL_BLOCK; c++) {
            int start = colStart[c];
            if (colStart[c + 1] - start != len || len == 0 || rowIndex[start] != 0
                    || rowIndex[start + len - 1] != len - 1) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether columns {@code j .. j+3} of a symmetric matrix's upper triangle are full: column c holds
     * every row {@code 0 .. c}, as a dense matrix's triangle does.
     */
    static boolean fullUpperColumns(int j, int cols, int[] colStart, int[] rowIndex) {
        if (j + FULL_BLOCK > cols) {
            return false;
        }
        for (int c = j; c < j + FULL_BLOCK; c++) {
            int start = colStart[c];
            if (colStart[c + 1] - start != c + 1 || rowIndex[start] != 0 || rowIndex[start + c] != c) {
                return false;
            }
        }
        return true;
    }

    /**
     * One lane's out += M·x over four full columns from {@code j}: each row's four terms added in
     * column order, as column by column adds them, in a loop over contiguous rows the JIT vectorizes.
     */
    private static void multiplyAddFull4(int[] colStart, int j, double[] a, double[] x, int xOff, double[] out,
                                         int outOff) {
        int len = colStart[j + 1] - colStart[j];
        int a0 = colStart[j];
        int a1 = colStart[j + 1];
        int a2 = colStart[j + 2];
        int a3 = colStart[j + 3];
        double x0 = x[xOff + j];
        double x1 = x[xOff + j + 1];
        double x2 = x[xOff + j + 2];
        double x3 = x[xOff + j + 3];
        for (int i = 0; i < len; i++) {
            out[outOff + i] = out[outOff + i] + a[a0 + i] * x0 + a[a1 + i] * x1 + a[a2 + i] * x2 + a[a3 + i] * x3;
        }
    }

    /**
     * One lane's out += Mᵀ·y over four full columns from {@code j}: four independent sums, each in
     * its own row order, so the additions overlap instead of waiting on one chain.
     */
    private static void transposeMultiplyAddFull4(int[] colStart, int j, double[] a, double[] y, int yOff,
                                                  double[] out, int outOff) {
        int len = colStart[j + 1] - colStart[j];
        int a0 = colStart[j];
        int a1 = colStart[j + 1];
        int a2 = colStart[j + 2];
        int a3 = colStart[j + 3];
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        for (int i = 0; i < len; i++) {
            double yi = y[yOff + i];
            s0 += a[a0 + i] * yi;
            s1 += a[a1 + i] * yi;
            s2 += a[a2 + i] * yi;
            s3 += a[a3 + i] * yi;
        }
        out[outOff + j] += s0;
        out[outOff + j + 1] += s1;
        out[outOff + j + 2] += s2;
        out[outOff + j + 3] += s3;
    }

    /**
     * {@link #transposeMultiplyAddFull4} over eight full columns of one length: eight sums in flight
     * cover the addition's latency (four left it the bound), each still in its own row order, so every
     * column's sum is the same bits.
     */
    private static void transposeMultiplyAddFull8(int[] colStart, int j, double[] a, double[] y, int yOff,
                                                  double[] out, int outOff) {
        int len = colStart[j + 1] - colStart[j];
        int a0 = colStart[j];
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        for (int i = 0; i < len; i++) {
            double yi = y[yOff + i];
            s0 += a[a0 + i] * yi;
            s1 += a[a0 + len + i] * yi;
            s2 += a[a0 + 2 * len + i] * yi;
            s3 += a[a0 + 3 * len + i] * yi;
            s4 += a[a0 + 4 * len + i] * yi;
            s5 += a[a0 + 5 * len + i] * yi;
            s6 += a[a0 + 6 * len + i] * yi;
            s7 += a[a0 + 7 * len + i] * yi;
        }
        int o = outOff + j;
        out[o] += s0;
        out[o + 1] += s1;
        out[o + 2] += s2;
        out[o + 3] += s3;
        out[o + 4] += s4;
        out[o + 5] += s5;
        out[o + 6] += s6;
        out[o + 7] += s7;
    }

    /** One-lane blocks of columns share at least this many leading rows to be taken together. */
    static final int MIN_SHARED_ROWS = 8;

    /**
     * Leading rows that columns {@code j .. j+count−1} all share; 0 where the block passes the last column
     * or shares fewer than {@link #MIN_SHARED_ROWS}.
     */
    private static int sharedRows(int[] shared, int j, int count, int cols) {
        if (j + count > cols) {
            return 0;
        }
        int common = Integer.MAX_VALUE;
        for (int c = j; c < j + count - 1; c++) {
            if (shared[c] < MIN_SHARED_ROWS) {
                return 0; // the usual sparse column: one look, not count − 1, per column of a product
            }
            common = Math.min(common, shared[c]);
        }
        return common;
    }

    /**
     * One lane's out += M·x over four columns from {@code j} whose first {@code common} rows are the same:
     * those rows take the four terms in one pass (each row index loaded once), in column order, then
     * each column's own rows follow column by column. A shared row is no column's own row (rows
     * increase within a column), so every row gets its terms in column order: the bits of column by column.
     */
    private static void multiplyAddShared4(int[] colStart, int[] rowIndex, int j, int common, double[] a,
                                           double[] x, int xOff, double[] out, int outOff) {
        int a0 = colStart[j];
        int a1 = colStart[j + 1];
        int a2 = colStart[j + 2];
        int a3 = colStart[j + 3];
        double x0 = x[xOff + j];
        double x1 = x[xOff + j + 1];
        double x2 = x[xOff + j + 2];
        double x3 = x[xOff + j + 3];
        for (int i = 0; i < common; i++) {
            int r = outOff + rowIndex[a0 + i];
            out[r] = out[r] + a[a0 + i] * x0 + a[a1 + i] * x1 + a[a2 + i] * x2 + a[a3 + i] * x3;
        }
        for (int c = 0; c < FULL_BLOCK; c++) {
            double xc = x[xOff + j + c];
            for (int k = colStart[j + c] + common; k < colStart[j + c + 1]; k++) {
                out[outOff + rowIndex[k]] += a[k] * xc;
            }
        }
    }

    /**
     * One lane's out += Mᵀ·y over eight columns from {@code j} whose first {@code common} rows are the
     * same: eight sums over those rows in one pass (each y entry gathered once, eight additions in
     * flight), then each sum goes on over its column's own rows — every sum in its column's row order.
     */
    private static void transposeMultiplyAddShared8(int[] colStart, int[] rowIndex, int j, int common, double[] a,
                                                    double[] y, int yOff, double[] out, int outOff) {
        int a0 = colStart[j];
        int a1 = colStart[j + 1];
        int a2 = colStart[j + 2];
        int a3 = colStart[j + 3];
        int a4 = colStart[j + 4];
        int a5 = colStart[j + 5];
        int a6 = colStart[j + 6];
        int a7 = colStart[j + 7];
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        for (int i = 0; i < common; i++) {
            double yi = y[yOff + rowIndex[a0 + i]];
            s0 += a[a0 + i] * yi;
            s1 += a[a1 + i] * yi;
            s2 += a[a2 + i] * yi;
            s3 += a[a3 + i] * yi;
            s4 += a[a4 + i] * yi;
            s5 += a[a5 + i] * yi;
            s6 += a[a6 + i] * yi;
            s7 += a[a7 + i] * yi;
        }
        int o = outOff + j;
        out[o] += rest(s0, colStart, j, common, rowIndex, a, y, yOff);
        out[o + 1] += rest(s1, colStart, j + 1, common, rowIndex, a, y, yOff);
        out[o + 2] += rest(s2, colStart, j + 2, common, rowIndex, a, y, yOff);
        out[o + 3] += rest(s3, colStart, j + 3, common, rowIndex, a, y, yOff);
        out[o + 4] += rest(s4, colStart, j + 4, common, rowIndex, a, y, yOff);
        out[o + 5] += rest(s5, colStart, j + 5, common, rowIndex, a, y, yOff);
        out[o + 6] += rest(s6, colStart, j + 6, common, rowIndex, a, y, yOff);
        out[o + 7] += rest(s7, colStart, j + 7, common, rowIndex, a, y, yOff);
    }

    /** Column c's sum {@code s} over its first {@code common} rows, continued over the rest of its rows. */
    private static double rest(double s, int[] colStart, int c, int common, int[] rowIndex, double[] a, double[] y,
                               int yOff) {
        for (int k = colStart[c] + common; k < colStart[c + 1]; k++) {
            s += a[k] * y[yOff + rowIndex[k]];
        }
        return s;
    }

    /** {@link #multiplyAddFull4} for two lanes with per-lane values (row i of lane l at 2i + l). */
    private static void multiplyAddFull4Lanes2(int[] colStart, int j, double[] a, double[] x, int xOff,
                                               double[] out, int outOff) {
        int len = colStart[j + 1] - colStart[j];
        int a0 = colStart[j] * 2;
        int a1 = colStart[j + 1] * 2;
        int a2 = colStart[j + 2] * 2;
        int a3 = colStart[j + 3] * 2;
        int xo = xOff + j * 2;
        for (int t = 0; t < 2 * len; t++) {
            int l = t & 1;
            out[outOff + t] = out[outOff + t] + a[a0 + t] * x[xo + l] + a[a1 + t] * x[xo + 2 + l]
                    + a[a2 + t] * x[xo + 4 + l] + a[a3 + t] * x[xo + 6 + l];
        }
    }

    /** {@link #transposeMultiplyAddFull4} for two lanes with per-lane values: eight independent sums. */
    private static void transposeMultiplyAddFull4Lanes2(int[] colStart, int j, double[] a, double[] y, int yOff,
                                                        double[] out, int outOff) {
        int len = colStart[j + 1] - colStart[j];
        int a0 = colStart[j] * 2;
        int a1 = colStart[j + 1] * 2;
        int a2 = colStart[j + 2] * 2;
        int a3 = colStart[j + 3] * 2;
        double s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
        for (int t = 0; t < 2 * len; t += 2) {
            double y0 = y[yOff + t];
            double y1 = y[yOff + t + 1];
            s00 += a[a0 + t] * y0;
            s01 += a[a0 + t + 1] * y1;
            s10 += a[a1 + t] * y0;
            s11 += a[a1 + t + 1] * y1;
            s20 += a[a2 + t] * y0;
            s21 += a[a2 + t + 1] * y1;
            s30 += a[a3 + t] * y0;
            s31 += a[a3 + t + 1] * y1;
        }
        int o = outOff + j * 2;
        out[o] += s00;
        out[o + 1] += s01;
        out[o + 2] += s10;
        out[o + 3] += s11;
        out[o + 4] += s20;
        out[o + 5] += s21;
        out[o + 6] += s30;
        out[o + 7] += s31;
    }

    /** out += S·x where S is the symmetric matrix whose upper triangle {@code pattern} stores. */
    public static void symmetricMultiplyAdd(SparsePattern pattern, double[] values, boolean shared, int lanes,
                                            double[] x, int xOff, double[] out, int outOff) {
        int[] colStart = pattern.colStartArray();
        int[] rowIndex = pattern.rowIndexArray();
        int cols = pattern.cols();
        if (lanes == 8) {
            Lanes8Kernels simd = LaneSimd.kernels();
            if (simd != null) {
                simd.symmetricMultiplyAdd(cols, colStart, rowIndex, values, shared, x, xOff, out, outOff);
                return;
            }
        }
        for (int j = 0; j < cols; j++) {
            int xj = xOff + j * lanes;
            int oj = outOff + j * lanes;
            for (int k = colStart[j]; k < colStart[j + 1]; k++) {
                int i = rowIndex[k];
                int xi = xOff + i * lanes;
                int oi = outOff + i * lanes;
                int vk = k * lanes;
                for (int l = 0; l < lanes; l++) {
                    double a = shared ? values[k] : values[vk + l];
                    out[oi + l] += a * x[xj + l];
                    if (i != j) {
                        out[oj + l] += a * x[xi + l];
                    }
                }
            }
        }
    }

    /** {@link #multiplyAdd} for 8 lanes, unrolled so that the JIT keeps x in registers. */
    private static void multiplyAdd8(int n, int[] colStart, int[] rowIndex, double[] a, boolean shared,
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

    /** {@link #transposeMultiplyAdd} for 8 lanes, with the column sums in registers. */
    private static void transposeMultiplyAdd8(int n, int[] colStart, int[] rowIndex, double[] a, boolean shared,
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

    /** {@link #multiplyAdd} for 4 lanes, unrolled. */
    private static void multiplyAdd4(int n, int[] colStart, int[] rowIndex, double[] a, boolean shared,
                                     double[] x, int xOff, double[] out, int outOff) {
        for (int j = 0; j < n; j++) {
            int xo = xOff + j * 4;
            double x0 = x[xo], x1 = x[xo + 1], x2 = x[xo + 2], x3 = x[xo + 3];
            int end = colStart[j + 1];
            for (int k = colStart[j]; k < end; k++) {
                int o = outOff + rowIndex[k] * 4;
                if (shared) {
                    double v = a[k];
                    out[o] += v * x0;
                    out[o + 1] += v * x1;
                    out[o + 2] += v * x2;
                    out[o + 3] += v * x3;
                } else {
                    int ao = k * 4;
                    out[o] += a[ao] * x0;
                    out[o + 1] += a[ao + 1] * x1;
                    out[o + 2] += a[ao + 2] * x2;
                    out[o + 3] += a[ao + 3] * x3;
                }
            }
        }
    }

    /** {@link #multiplyAdd} for 2 lanes, unrolled. */
    private static void multiplyAdd2(int n, int[] colStart, int[] rowIndex, double[] a, boolean shared,
                                     double[] x, int xOff, double[] out, int outOff) {
        for (int j = 0; j < n; j++) {
            if (!shared && fullColumns(j, n, colStart, rowIndex)) {
                multiplyAddFull4Lanes2(colStart, j, a, x, xOff, out, outOff);
                j += FULL_BLOCK - 1;
                continue;
            }
            int xo = xOff + j * 2;
            double x0 = x[xo], x1 = x[xo + 1];
            int end = colStart[j + 1];
            for (int k = colStart[j]; k < end; k++) {
                int o = outOff + rowIndex[k] * 2;
                double v0 = shared ? a[k] : a[k * 2];
                double v1 = shared ? v0 : a[k * 2 + 1];
                out[o] += v0 * x0;
                out[o + 1] += v1 * x1;
            }
        }
    }

    /** {@link #transposeMultiplyAdd} for 4 lanes, with the column sums in registers. */
    private static void transposeMultiplyAdd4(int n, int[] colStart, int[] rowIndex, double[] a, boolean shared,
                                              double[] y, int yOff, double[] out, int outOff) {
        for (int j = 0; j < n; j++) {
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int end = colStart[j + 1];
            for (int k = colStart[j]; k < end; k++) {
                int o = yOff + rowIndex[k] * 4;
                if (shared) {
                    double v = a[k];
                    s0 += v * y[o];
                    s1 += v * y[o + 1];
                    s2 += v * y[o + 2];
                    s3 += v * y[o + 3];
                } else {
                    int ao = k * 4;
                    s0 += a[ao] * y[o];
                    s1 += a[ao + 1] * y[o + 1];
                    s2 += a[ao + 2] * y[o + 2];
                    s3 += a[ao + 3] * y[o + 3];
                }
            }
            int o = outOff + j * 4;
            out[o] += s0;
            out[o + 1] += s1;
            out[o + 2] += s2;
            out[o + 3] += s3;
        }
    }

    /** {@link #transposeMultiplyAdd} for 2 lanes, with the column sums in registers. */
    private static void transposeMultiplyAdd2(int n, int[] colStart, int[] rowIndex, double[] a, boolean shared,
                                              double[] y, int yOff, double[] out, int outOff) {
        for (int j = 0; j < n; j++) {
            if (!shared && fullColumns(j, n, colStart, rowIndex)) {
                transposeMultiplyAddFull4Lanes2(colStart, j, a, y, yOff, out, outOff);
                j += FULL_BLOCK - 1;
                continue;
            }
            double s0 = 0, s1 = 0;
            int end = colStart[j + 1];
            for (int k = colStart[j]; k < end; k++) {
                int o = yOff + rowIndex[k] * 2;
                double v0 = shared ? a[k] : a[k * 2];
                double v1 = shared ? v0 : a[k * 2 + 1];
                s0 += v0 * y[o];
                s1 += v1 * y[o + 1];
            }
            int o = outOff + j * 2;
            out[o] += s0;
            out[o + 1] += s1;
        }
    }
}
