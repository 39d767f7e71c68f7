// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.io;

import io.convexlayers.data.CscMatrix;
import io.convexlayers.data.SparsePattern;

import java.util.List;
import java.util.Locale;

/**
 * Looks for a direction of negative curvature of a symmetric matrix P (given by its upper
 * triangle): a vector x with xᵀPx &lt; 0, which proves that ½xᵀPx is not convex. A QP with such
 * an objective is outside what a convex solver can answer; without this check it ends as "failed"
 * with a NaN objective and no hint why.
 *
 * <p>Three tests, cheapest first: a negative diagonal entry (x = e_i); a 2×2 principal minor
 * with a negative eigenvalue, for every stored off-diagonal entry (x on two coordinates); and,
 * when at most {@link #DENSE_LIMIT} variables carry quadratic terms, a Cholesky factorization with
 * diagonal pivoting of P restricted to them, whose first non-positive pivot block yields x from the
 * Schur complement. Larger P get only the first two tests. Every x found is checked by computing
 * xᵀPx directly; one that does not show curvature below −{@code 1e-9}·max|P_ij|·‖x‖² is discarded,
 * so round-off in a semidefinite P never reports it non-convex.
 */
final class QuadraticConvexity {
    /** The most variables with quadratic terms for which the dense factorization runs (≈ 0.3 s). */
    static final int DENSE_LIMIT = 1000;
    private static final double RELATIVE_TOLERANCE = 1e-9;

    /** A direction of negative curvature: x (length n) and xᵀPx / xᵀx. */
    record Certificate(double[] x, double curvature) {
    }

    private QuadraticConvexity() {
    }

    /**
     * Refuses an objective ½xᵀPx that is not convex, naming up to four variables of the direction
     * of negative curvature and the curvature along it.
     *
     * @param p        the minimized P (the file's Q, negated for a maximization), or null
     * @param names    the variables' names, for the message
     * @param maximize whether the file maximizes (the message then speaks of −Q)
     * @param section  QUADOBJ or QMATRIX
     * @param line     the line of that section's header
     * @throws NonConvexObjectiveException with the direction, scaled to a largest entry of 1
     */
    static void requireConvex(CscMatrix p, List<String> names, boolean maximize, String section, String file,
                              int line) {
        Certificate c = find(p);
        if (c == null) {
            return;
        }
        double[] x = c.x();
        double scale = 0;
        for (double v : x) {
            scale = Math.max(scale, Math.abs(v));
        }
        StringBuilder direction = new StringBuilder();
        int shown = 0;
        int support = 0;
        for (int j = 0; j < x.length; j++) {
            if (x[j] == 0) {
                continue;
            }
            x[j] /= scale;
            if (shown < 4) {
                direction.append(shown++ == 0 ? "" : ", ").append(names.get(j)).append(" = ")
                        .append(String.format(Locale.ROOT, "%.4g", x[j]));
            }
            support++;
        }
        if (support > shown) {
            direction.append(", ... (").append(support).append(" variables)");
        }
        throw new NonConvexObjectiveException(file, line,
                "a convex objective (" + section + " " + (maximize ? "negative" : "positive") + " semidefinite for a "
                        + (maximize ? "maximization" : "minimization") + ")",
                "a direction of negative curvature: along x = (" + direction + "), x'Px/x'x = "
                        + String.format(Locale.ROOT, "%.4g", c.curvature()) + " for the minimized form P = "
                        + (maximize ? "-" : "") + section + " (so P has an eigenvalue at most that)", x, c.curvature());
    }

    /** A certificate that P is not positive semidefinite, or {@code null} when none was found. */
    static Certificate find(CscMatrix p) {
        if (p == null || p.nnz() == 0) {
            return null;
        }
        double scale = 0;
        for (int k = 0; k < p.nnz(); k++) {
            scale = Math.max(scale, Math.abs(p.value(k)));
        }
        double tol = RELATIVE_TOLERANCE * scale;
        Certificate c = verified(p, diagonal(p, tol), tol);
        if (c == null) {
            c = verified(p, minors(p, tol), tol);
        }
        if (c == null) {
            c = verified(p, dense(p, tol), tol);
        }
        return c;
    }

    private static Certificate verified(CscMatrix p, double[] x, double tol) {
        if (x == null) {
            return null;
        }
        double[] px = new double[x.length];
        p.symmetricMultiplyAdd(x, px);
        double xpx = 0;
        double xx = 0;
        for (int i = 0; i < x.length; i++) {
            xpx += x[i] * px[i];
            xx += x[i] * x[i];
        }
        return xx > 0 && xpx < -tol * xx ? new Certificate(x, xpx / xx) : null;
    }

    /** e_i for the most negative diagonal entry below −tol, else null. */
    private static double[] diagonal(CscMatrix p, double tol) {
        SparsePattern s = p.pattern();
        int worst = -1;
        double worstValue = -tol;
        for (int j = 0; j < p.cols(); j++) {
            for (int k = s.colStart(j); k < s.colStart(j + 1); k++) {
                if (s.rowIndex(k) == j && p.value(k) < worstValue) {
                    worst = j;
                    worstValue = p.value(k);
                }
            }
        }
        if (worst < 0) {
            return null;
        }
        double[] x = new double[p.cols()];
        x[worst] = 1;
        return x;
    }

    /** The eigenvector of the most negative eigenvalue among the 2×2 minors at stored entries. */
    private static double[] minors(CscMatrix p, double tol) {
        SparsePattern s = p.pattern();
        double[] diag = new double[p.cols()];
        for (int j = 0; j < p.cols(); j++) {
            int k = s.find(j, j);
            diag[j] = k < 0 ? 0 : p.value(k);
        }
        double worst = -tol;
        double[] best = null;
        for (int j = 0; j < p.cols(); j++) {
            for (int k = s.colStart(j); k < s.colStart(j + 1); k++) {
                int i = s.rowIndex(k);
                double b = p.value(k);
                if (i == j || b == 0) {
                    continue;
                }
                double a = diag[i];
                double d = diag[j];
                double lambda = (a + d) / 2 - Math.hypot((a - d) / 2, b);
                if (lambda < worst) {
                    worst = lambda;
                    best = new double[p.cols()];
                    // (b, λ − a) solves [[a, b], [b, d]]·v = λ·v; b ≠ 0, so it is never zero.
                    best[i] = b;
                    best[j] = lambda - a;
                }
            }
        }
        return best;
    }

    /** The Schur-complement certificate of a pivoted Cholesky factorization, for small supports. */
    private static double[] dense(CscMatrix p, double tol) {
        int n = p.cols();
        int[] local = new int[n];
        java.util.Arrays.fill(local, -1);
        int size = 0;
        SparsePattern s = p.pattern();
        int[] global = new int[Math.min(n, DENSE_LIMIT + 1)];
        for (int j = 0; j < n; j++) {
            for (int k = s.colStart(j); k < s.colStart(j + 1); k++) {
                for (int v : new int[] {s.rowIndex(k), j}) {
                    if (local[v] < 0) {
                        if (size == DENSE_LIMIT) {
                            return null;
                        }
                        local[v] = size;
                        global[size++] = v;
                    }
                }
            }
        }
        double[][] a = new double[size][size];
        for (int j = 0; j < n; j++) {
            for (int k = s.colStart(j); k < s.colStart(j + 1); k++) {
                int r = local[s.rowIndex(k)];
                int c = local[j];
                a[r][c] += p.value(k);
                if (r != c) {
                    a[c][r] += p.value(k);
                }
            }
        }
        double[] z = PivotedCholesky.negativeDirection(a, tol);
        if (z == null) {
            return null;
        }
        double[] x = new double[n];
        for (int l = 0; l < size; l++) {
            x[global[l]] = z[l];
        }
        return x;
    }
}
