// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

/**
 * L·D·Lᵀ of a dense symmetric matrix without pivoting (every symmetric order of a quasi-definite
 * matrix factors; Vanderbei, 1995), blocked so that the work runs from cache: panels of
 * {@value #BLOCK} columns are factored column by column, then the trailing matrix takes one
 * rank-{@value #BLOCK} update, two trailing columns and four panel columns per pass. This is the
 * single-lane sparse factorization's dense tail ({@link LdlFactor}); the up-looking row-by-row form
 * streamed the whole tail from memory once per row.
 *
 * <p>Storage: one array per column, entry (i, j) at {@code column(j)[i]} for i ≥ j; after
 * {@link #factor} the entries below the diagonal are L's (unit diagonal implied) and
 * {@link #pivots()} holds D. Entries above the diagonal are never read. Separate arrays, not one
 * array at column offsets, because the JIT vectorizes {@code a[i] −= b[i]·w} over distinct arrays
 * but not over one array at two offsets (measured 3× on the trailing update). No allocation per
 * factorization.
 */
final class BlockedDenseLdl {
    /** Panel width: 64 columns of order 2 000 are 1 MB, within one core's L2. */
    static final int BLOCK = 64;

    /** Decides each pivot: the computed value in, the value to divide by out (regularization). */
    interface PivotRule {
        double pivot(int column, double computed);
    }

    private final int order;
    private final double[][] columns;
    private final double[] d;
    /** The vectors of the update being applied (a panel's L columns, or a caller's), and their D. */
    private final double[][] panel;
    private final double[] panelPivots;
    /** L(j, p)·D_p and L(j + 1, p)·D_p for the panel columns p, for the trailing columns being updated. */
    private final double[] weights;
    private final double[] weights2;

    BlockedDenseLdl(int order) {
        this.order = order;
        columns = new double[order][order];
        d = new double[order];
        panel = new double[BLOCK][];
        panelPivots = new double[BLOCK];
        weights = new double[BLOCK];
        weights2 = new double[BLOCK];
    }

    int order() {
        return order;
    }

    /** Column j: entries from row j on are the matrix's (before) or L's below the diagonal (after). */
    double[] column(int j) {
        return columns[j];
    }

    /** D after {@link #factor}. */
    double[] pivots() {
        return d;
    }

    /** Factors the lower triangle in place, each pivot passed through {@code rule}. */
    void factor(PivotRule rule) {
        int t = order;
        for (int start = 0; start < t; start += BLOCK) {
            int end = Math.min(start + BLOCK, t);
            factorPanel(start, end, rule);
            int width = end - start;
            System.arraycopy(columns, start, panel, 0, width);
            System.arraycopy(d, start, panelPivots, 0, width);
            subtractFrom(end, width);
        }
    }

    /**
     * Subtracts Σ_p g_p·D_p·g_pᵀ from the lower triangle for {@code width} ≤ {@value #BLOCK} vectors g_p
     * of this matrix's order, given in {@link #panel()} with D_p in {@link #panelPivots()}, every g_p
     * zero above row {@code first}: a Schur complement's update from columns factored elsewhere.
     */
    void subtractOuterProducts(int first, int width) {
        subtractFrom(first, width);
    }

    /** Where {@link #subtractOuterProducts} reads its vectors (up to {@value #BLOCK}). */
    double[][] panel() {
        return panel;
    }

    /** Where {@link #subtractOuterProducts} reads D. */
    double[] panelPivots() {
        return panelPivots;
    }

    /** a(i, c) −= Σ_p panel_p[i]·D_p·panel_p[c] for first ≤ c ≤ i, two columns c at a time. */
    private void subtractFrom(int first, int width) {
        int t = order;
        int j = first;
        for (; j + 2 <= t; j += 2) {
            updateColumnPair(j, width);
        }
        if (j < t) {
            updateColumn(j, width);
        }
    }

    /** Columns [start, end) left-looking within the panel (earlier panels are already applied). */
    private void factorPanel(int start, int end, PivotRule rule) {
        int t = order;
        for (int j = start; j < end; j++) {
            double[] cj = columns[j];
            for (int p = start; p < j; p++) {
                double[] cp = columns[p];
                double w = cp[j] * d[p];
                if (w != 0) {
                    for (int i = j; i < t; i++) {
                        cj[i] -= cp[i] * w;
                    }
                }
            }
            double dj = rule.pivot(j, cj[j]);
            d[j] = dj;
            double inv = 1 / dj;
            for (int i = j + 1; i < t; i++) {
                cj[i] *= inv;
            }
        }
    }

    /**
     * Columns j and j + 1, rows from j on: a(:, c) −= Σ_p panel_p·D_p·panel_p[c], each panel entry
     * loaded once for both columns.
     */
    private void updateColumnPair(int j, int width) {
        int t = order;
        double[][] g = panel;
        double[] w = weights;
        double[] v = weights2;
        for (int p = 0; p < width; p++) {
            double dp = panelPivots[p];
            w[p] = g[p][j] * dp;
            v[p] = g[p][j + 1] * dp;
        }
        double[] c0 = columns[j];
        double[] c1 = columns[j + 1];
        int p = 0;
        for (; p + 4 <= width; p += 4) {
            double[] p0 = g[p];
            double[] p1 = g[p + 1];
            double[] p2 = g[p + 2];
            double[] p3 = g[p + 3];
            double w0 = w[p];
            double w1 = w[p + 1];
            double w2 = w[p + 2];
            double w3 = w[p + 3];
            c0[j] -= p0[j] * w0 + p1[j] * w1 + p2[j] * w2 + p3[j] * w3;
            subtract4x2(c0, c1, p0, p1, p2, p3, j + 1, t, w0, w1, w2, w3, v[p], v[p + 1], v[p + 2], v[p + 3]);
        }
        for (; p < width; p++) {
            double[] pp = g[p];
            double wp = w[p];
            double vp = v[p];
            c0[j] -= pp[j] * wp;
            for (int i = j + 1; i < t; i++) {
                double x = pp[i];
                c0[i] -= x * wp;
                c1[i] -= x * vp;
            }
        }
    }

    /**
     * c0[i] −= Σ_q p_q[i]·w_q and c1[i] −= Σ_q p_q[i]·v_q for i in [from, to): a method of its own,
     * all arrays as arguments, which is the shape the JIT vectorizes.
     */
    private static void subtract4x2(double[] c0, double[] c1, double[] p0, double[] p1, double[] p2, double[] p3,
            int from, int to, double w0, double w1, double w2, double w3, double v0, double v1, double v2, double v3) {
        for (int i = from; i < to; i++) {
            double x0 = p0[i];
            double x1 = p1[i];
            double x2 = p2[i];
            double x3 = p3[i];
            c0[i] -= x0 * w0 + x1 * w1 + x2 * w2 + x3 * w3;
            c1[i] -= x0 * v0 + x1 * v1 + x2 * v2 + x3 * v3;
        }
    }

    /** {@link #updateColumnPair} for a last, unpaired column j. */
    private void updateColumn(int j, int width) {
        int t = order;
        double[] cj = columns[j];
        for (int p = 0; p < width; p++) {
            double[] cp = panel[p];
            double w = cp[j] * panelPivots[p];
            for (int i = j; i < t; i++) {
                cj[i] -= cp[i] * w;
            }
        }
    }
}
