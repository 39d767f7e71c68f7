// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

import io.convexlayers.solver.hsde.Deadline;

/**
 * Dense LDLᵀ with symmetric diagonal pivoting, Πᵀ·K·Π = L·D·Lᵀ, of a symmetric quasi-definite
 * matrix K = [[K₁₁, K₁₂], [K₂₁, −K₂₂]] (K₁₁, K₂₂ positive definite) whose first {@code positive}
 * unknowns have positive pivots and the others negative ones. Every symmetric order factors a
 * quasi-definite matrix (Vanderbei, 1995); the order taken here is the largest remaining diagonal
 * entry first, which eliminates the well-determined unknowns (an inactive constraint's huge
 * diagonal, an active one's in the normal equations) before the ones the interior-point method
 * leaves nearly singular, so that these are computed from an updated, not a cancelled, matrix.
 * A pivot of the wrong sign or at most ε in size is replaced by ±δ (dynamic regularization, as in
 * Clarabel); the caller's iterative refinement removes the change. Full row-major storage, both
 * triangles kept; no allocation per factorization (the row arrays of larger orders are made once).
 */
final class QuasiDefiniteLdl {
    /** Columns between two looks at the deadline (16 columns of order 2000: about 60 Mflop). */
    static final int DEADLINE_STRIDE = 16;
    /**
     * Orders from which the factorization runs on row arrays (measured against the row-major form:
     * 1.2–1.35× its time at 48–64, 0.8–0.9× at 100, 0.4–0.6× from 150 on).
     */
    static final int ROWS_MIN_ORDER = 96;
    private final int order;
    /** The matrix on entry (both triangles, row-major); L below the diagonal after {@link #factor}. */
    final double[] a;
    private final double[] pivot;
    private final int[] perm;
    /** The matrix by rows while {@link #factorByRows} runs (orders from {@value #ROWS_MIN_ORDER} on). */
    private double[][] rows;
    private final double[] work;
    private double smallestPivot;
    /** Pivots the factorization running (or last run) replaced by ±δ. */
    private int replacedPivots;

    QuasiDefiniteLdl(int order) {
        this.order = order;
        a = new double[order * order];
        pivot = new double[order];
        perm = new int[order];
        work = new double[order];
    }

    int order() {
        return order;
    }

    /**
     * Factors {@link #a} in place.
     *
     * @param positive unknowns {@code 0 … positive−1} must have positive pivots, the others negative
     * @param eps      pivots of the right sign but at most this size are replaced
     * @param delta    the replacement's size (dynamic regularization)
     * @return the number of pivots replaced by ±δ
     */
    int factor(int positive, double eps, double delta) {
        return factor(positive, eps, delta, Deadline.NONE);
    }

    /**
     * As {@link #factor(int, double, double)}, giving up (returning −1, the matrix then unusable) once
     * {@code deadline} ({@link Deadline}) has passed; checked every {@value #DEADLINE_STRIDE} columns, so a
     * large dense factorization does not run far past a solve's time limit.
     */
    int factor(int positive, double eps, double delta, long deadline) {
        return order >= ROWS_MIN_ORDER ? factorByRows(positive, eps, delta, deadline)
                : factorFlat(positive, eps, delta, deadline);
    }

    /** The factorization on the row-major array itself (small orders; tests compare the two forms). */
    int factorFlat(int positive, double eps, double delta, long deadline) {
        int n = order;
        double[] l = a;
        startFactor();
        for (int k = 0; k < n; k++) {
            if (pastDeadline(k, deadline)) {
                return -1;
            }
            int p = k;
            double best = Math.abs(l[k * n + k]);
            for (int i = k + 1; i < n; i++) {
                double v = Math.abs(l[i * n + i]);
                if (v > best) {
                    best = v;
                    p = i;
                }
            }
            if (p != k) {
                swap(k, p);
            }
            int rk = k * n;
            double inv = 1 / acceptPivot(k, l[rk + k], positive, eps, delta);
            // Trailing update A₂₂ −= a·aᵀ/d (both triangles: each row over all trailing columns).
            for (int i = k + 1; i < n; i++) {
                int ri = i * n;
                double f = l[ri + k] * inv;
                if (f != 0) {
                    for (int j = k + 1; j < n; j++) {
                        l[ri + j] -= f * l[rk + j];
                    }
                }
                l[ri + k] = f;
            }
        }
        return replacedPivots;
    }

    /**
     * {@link #factor(int, double, double, long)} on one array per row: the same operations in the same
     * order, so the same bits, but the trailing update {@code row_i[j] −= f·row_k[j]} runs over two
     * distinct arrays, which the JIT vectorizes (over one array at two offsets it does not). The matrix
     * is copied in and the factor back, O(order²) against the factorization's order³/3.
     */
    int factorByRows(int positive, double eps, double delta, long deadline) {
        int n = order;
        if (rows == null) {
            rows = new double[n][n];
        }
        double[][] r = rows;
        for (int i = 0; i < n; i++) {
            System.arraycopy(a, i * n, r[i], 0, n);
        }
        startFactor();
        for (int k = 0; k < n; k++) {
            if (pastDeadline(k, deadline)) {
                return -1;
            }
            int p = k;
            double best = Math.abs(r[k][k]);
            for (int i = k + 1; i < n; i++) {
                double v = Math.abs(r[i][i]);
                if (v > best) {
                    best = v;
                    p = i;
                }
            }
            if (p != k) {
                swapRows(k, p);
            }
            double[] rk = r[k];
            double inv = 1 / acceptPivot(k, rk[k], positive, eps, delta);
            for (int i = k + 1; i < n; i++) {
                double[] ri = r[i];
                double f = ri[k] * inv;
                if (f != 0) {
                    subtractScaled(ri, rk, f, k + 1, n);
                }
                ri[k] = f;
            }
        }
        for (int i = 0; i < n; i++) {
            System.arraycopy(r[i], 0, a, i * n, n);
        }
        return replacedPivots;
    }

    /** Both forms' start: the identity order, no pivot seen or replaced yet. */
    private void startFactor() {
        for (int i = 0; i < order; i++) {
            perm[i] = i;
        }
        smallestPivot = Double.POSITIVE_INFINITY;
        replacedPivots = 0;
    }

    /** Whether to give up before column k: the deadline is looked at every {@value #DEADLINE_STRIDE} columns. */
    private static boolean pastDeadline(int k, long deadline) {
        return k % DEADLINE_STRIDE == DEADLINE_STRIDE - 1 && Deadline.passed(deadline, System.nanoTime());
    }

    /**
     * Pivot k as computed, or ±δ where it is at most ε or of the wrong sign (dynamic regularization);
     * records it in {@link #pivot} and the smallest-pivot and replacement counts.
     */
    private double acceptPivot(int k, double computed, int positive, double eps, double delta) {
        smallestPivot = Math.min(smallestPivot, computed);
        double dk = computed;
        boolean wantPositive = perm[k] < positive;
        if (wantPositive ? !(dk > eps) : !(dk < -eps)) {
            dk = wantPositive ? delta : -delta;
            replacedPivots++;
        }
        pivot[k] = dk;
        return dk;
    }

    /** row[j] −= f·pivotRow[j] for j in [from, to) (a method of its own: the shape the JIT vectorizes). */
    private static void subtractScaled(double[] row, double[] pivotRow, double f, int from, int to) {
        for (int j = from; j < to; j++) {
            row[j] -= f * pivotRow[j];
        }
    }

    /** {@link #swap} on the row arrays: the rows' references, then the trailing rows' entries k and p. */
    private void swapRows(int k, int p) {
        double[][] r = rows;
        double[] t = r[k];
        r[k] = r[p];
        r[p] = t;
        for (int i = k; i < order; i++) {
            double[] ri = r[i];
            double v = ri[k];
            ri[k] = ri[p];
            ri[p] = v;
        }
        int q = perm[k];
        perm[k] = perm[p];
        perm[p] = q;
    }

    /** Swaps unknowns k and p: rows over every column (earlier L entries too) and trailing columns. */
    private void swap(int k, int p) {
        int n = order;
        double[] l = a;
        int rk = k * n;
        int rp = p * n;
        for (int j = 0; j < n; j++) {
            double t = l[rk + j];
            l[rk + j] = l[rp + j];
            l[rp + j] = t;
        }
        for (int i = k; i < n; i++) {
            int ri = i * n;
            double t = l[ri + k];
            l[ri + k] = l[ri + p];
            l[ri + p] = t;
        }
        int t = perm[k];
        perm[k] = perm[p];
        perm[p] = t;
    }

    /** The smallest pivot the last factorization computed, before any replacement. */
    double smallestPivot() {
        return smallestPivot;
    }

    /** Solves K·x = r in place. */
    void solve(double[] r) {
        int n = order;
        double[] l = a;
        double[] y = work;
        for (int i = 0; i < n; i++) {
            y[i] = r[perm[i]];
        }
        for (int i = 0; i < n; i++) {
            int ri = i * n;
            double v = y[i];
            for (int k = 0; k < i; k++) {
                v -= l[ri + k] * y[k];
            }
            y[i] = v;
        }
        for (int i = 0; i < n; i++) {
            y[i] /= pivot[i];
        }
        // Lᵀ by rows of L: once y[i] is final, remove its part from every earlier unknown.
        for (int i = n - 1; i > 0; i--) {
            int ri = i * n;
            double v = y[i];
            for (int k = 0; k < i; k++) {
                y[k] -= l[ri + k] * v;
            }
        }
        for (int i = 0; i < n; i++) {
            r[perm[i]] = y[i];
        }
    }
}
