// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.io;

/**
 * A direction of negative curvature of a dense symmetric matrix, from a Cholesky factorization
 * with diagonal pivoting: A = Πᵀ L D Lᵀ Π as long as the largest remaining diagonal entry is
 * above the tolerance. When it is not, the remaining Schur complement S has no diagonal entry
 * above the tolerance, and S is semidefinite only if it is (nearly) zero; otherwise a negative
 * diagonal entry or a 2×2 minor of S gives v with vᵀSv &lt; 0, and x = (−A₁₁⁻¹A₁₂v, v) has
 * xᵀAx = vᵀSv.
 */
final class PivotedCholesky {
    private PivotedCholesky() {
    }

    /**
     * x with xᵀAx &lt; 0 (up to round-off, which the caller checks), or {@code null} when A is
     * positive semidefinite up to {@code tol}. {@code a} is overwritten.
     */
    static double[] negativeDirection(double[][] a, double tol) {
        int s = a.length;
        int[] perm = new int[s];
        for (int i = 0; i < s; i++) {
            perm[i] = i;
        }
        for (int k = 0; k < s; k++) {
            int p = k;
            for (int j = k + 1; j < s; j++) {
                if (a[j][j] > a[p][p]) {
                    p = j;
                }
            }
            if (a[p][p] <= tol) {
                double[] v = schurDirection(a, k, tol);
                return v == null ? null : lift(a, perm, k, v);
            }
            swap(a, perm, k, p);
            double d = a[k][k];
            for (int i = k + 1; i < s; i++) {
                a[i][k] /= d; // L below the diagonal; row k keeps the Schur values (= l·d)
            }
            for (int i = k + 1; i < s; i++) {
                double li = a[i][k];
                if (li == 0) {
                    continue;
                }
                double[] row = a[i];
                double[] pivotRow = a[k];
                for (int j = k + 1; j < s; j++) {
                    row[j] -= li * pivotRow[j];
                }
            }
        }
        return null;
    }

    /** Swaps index k and p: rows (L part included) and columns. */
    private static void swap(double[][] a, int[] perm, int k, int p) {
        if (k == p) {
            return;
        }
        double[] r = a[k];
        a[k] = a[p];
        a[p] = r;
        for (double[] row : a) {
            double t = row[k];
            row[k] = row[p];
            row[p] = t;
        }
        int t = perm[k];
        perm[k] = perm[p];
        perm[p] = t;
    }

    /** v (length s − k) with vᵀSv &lt; −tol for the Schur complement S = a[k..][k..], or null. */
    private static double[] schurDirection(double[][] a, int k, double tol) {
        int s = a.length;
        double worst = -tol;
        double[] best = null;
        for (int i = k; i < s; i++) {
            if (a[i][i] < worst) {
                worst = a[i][i];
                best = new double[s - k];
                best[i - k] = 1;
            }
        }
        for (int i = k; i < s; i++) {
            for (int j = i + 1; j < s; j++) {
                double b = (a[i][j] + a[j][i]) / 2;
                if (b == 0) {
                    continue;
                }
                double lambda = (a[i][i] + a[j][j]) / 2 - Math.hypot((a[i][i] - a[j][j]) / 2, b);
                if (lambda < worst) {
                    worst = lambda;
                    best = new double[s - k];
                    best[i - k] = b;
                    best[j - k] = lambda - a[i][i];
                }
            }
        }
        return best;
    }

    /** x = Πᵀ(−L₁₁⁻ᵀL₂₁ᵀv, v): the direction in A's own coordinates. */
    private static double[] lift(double[][] a, int[] perm, int k, double[] v) {
        int s = a.length;
        double[] xp = new double[s];
        System.arraycopy(v, 0, xp, k, s - k);
        for (int c = k - 1; c >= 0; c--) {
            double acc = 0;
            for (int i = c + 1; i < s; i++) {
                acc += a[i][c] * xp[i];
            }
            xp[c] = -acc;
        }
        double[] x = new double[s];
        for (int q = 0; q < s; q++) {
            x[perm[q]] = xp[q];
        }
        return x;
    }
}
