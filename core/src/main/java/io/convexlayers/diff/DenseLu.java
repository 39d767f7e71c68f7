// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

/**
 * LU factorization with partial pivoting of one square matrix, P·A = L·U, in place, with solves by
 * A and by Aᵀ from the same factors. Rows are separate arrays so that the elimination's inner loop
 * (one row minus a multiple of another at the same indices) is a plain axpy the JIT vectorizes:
 * 8–10 Gflop/s at orders 100–300 on this machine.
 */
final class DenseLu {
    private final double[][] lu;
    private final int[] pivot;
    private final int size;

    private DenseLu(double[][] lu, int[] pivot) {
        this.lu = lu;
        this.pivot = pivot;
        this.size = lu.length;
    }

    /**
     * Factors {@code a} (overwritten by the factors); null when a pivot is zero or not finite, that
     * is when the matrix is singular to working precision.
     */
    static DenseLu factor(double[][] a) {
        int size = a.length;
        int[] pivot = new int[size];
        for (int k = 0; k < size; k++) {
            int p = k;
            double best = Math.abs(a[k][k]);
            for (int i = k + 1; i < size; i++) {
                double v = Math.abs(a[i][k]);
                if (v > best) {
                    best = v;
                    p = i;
                }
            }
            if (!(best > 0) || !Double.isFinite(best)) {
                return null;
            }
            pivot[k] = p;
            if (p != k) {
                double[] t = a[p];
                a[p] = a[k];
                a[k] = t;
            }
            double[] rowK = a[k];
            double inv = 1.0 / rowK[k];
            int i = k + 1;
            // two rows per pass: each entry of row k loaded once for two updates (5–20% faster at
            // orders 100–300 here; four rows defeated the JIT's vectorization)
            for (; i + 1 < size; i += 2) {
                double[] r0 = a[i];
                double[] r1 = a[i + 1];
                double f0 = r0[k] * inv;
                double f1 = r1[k] * inv;
                r0[k] = f0;
                r1[k] = f1;
                for (int j = k + 1; j < size; j++) {
                    double v = rowK[j];
                    r0[j] -= f0 * v;
                    r1[j] -= f1 * v;
                }
            }
            for (; i < size; i++) {
                double[] rowI = a[i];
                double f = rowI[k] * inv;
                rowI[k] = f;
                for (int j = k + 1; j < size; j++) {
                    rowI[j] -= f * rowK[j];
                }
            }
        }
        return new DenseLu(a, pivot);
    }

    /** x = A⁻¹·b (b is left unchanged); null when the result is not finite. */
    double[] solve(double[] b) {
        double[] x = b.clone();
        for (int k = 0; k < size; k++) {
            int p = pivot[k];
            if (p != k) {
                double t = x[p];
                x[p] = x[k];
                x[k] = t;
            }
        }
        for (int i = 0; i < size; i++) {
            x[i] -= dot(lu[i], x, 0, i);
        }
        for (int i = size - 1; i >= 0; i--) {
            double[] row = lu[i];
            x[i] = (x[i] - dot(row, x, i + 1, size)) / row[i];
        }
        return finite(x) ? x : null;
    }

    /** x = A⁻ᵀ·b (b is left unchanged); null when the result is not finite. */
    double[] solveTranspose(double[] b) {
        double[] x = b.clone();
        // Uᵀ·t = b, column-oriented so that each step is an axpy over a row of U
        for (int i = 0; i < size; i++) {
            double[] row = lu[i];
            double t = x[i] / row[i];
            x[i] = t;
            for (int j = i + 1; j < size; j++) {
                x[j] -= t * row[j];
            }
        }
        // Lᵀ·w = t (unit diagonal)
        for (int i = size - 1; i >= 0; i--) {
            double[] row = lu[i];
            double t = x[i];
            for (int j = 0; j < i; j++) {
                x[j] -= t * row[j];
            }
        }
        for (int k = size - 1; k >= 0; k--) {
            int p = pivot[k];
            if (p != k) {
                double t = x[p];
                x[p] = x[k];
                x[k] = t;
            }
        }
        return finite(x) ? x : null;
    }

    /**
     * Σ a[j]·b[j] over [from, to) with four partial sums: the JIT keeps a single sum strictly in
     * order, one dependent addition at a time.
     */
    static double dot(double[] a, double[] b, int from, int to) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = from;
        for (; j + 3 < to; j += 4) {
            s0 += a[j] * b[j];
            s1 += a[j + 1] * b[j + 1];
            s2 += a[j + 2] * b[j + 2];
            s3 += a[j + 3] * b[j + 3];
        }
        for (; j < to; j++) {
            s0 += a[j] * b[j];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static boolean finite(double[] v) {
        for (double d : v) {
            if (!Double.isFinite(d)) {
                return false;
            }
        }
        return true;
    }
}
