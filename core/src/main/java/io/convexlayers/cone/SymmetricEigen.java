// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cone;

/**
 * Eigendecomposition A = Zᵀ·diag(λ)·Z of a dense real symmetric matrix of order k, with the
 * eigenvalues λ₀ ≤ λ₁ ≤ … ≤ λ_{k−1} in ascending order and the orthonormal eigenvectors stored as
 * the rows of Z (row i is the eigenvector of λ_i).
 * <p>
 * Method (Golub &amp; Van Loan, <i>Matrix Computations</i>, 4th ed., §8.3): the matrix is scaled by
 * a power of two near its largest entry, reduced to tridiagonal form T = H A H by Householder
 * reflections H = H₀⋯H_{k−3}, and T is diagonalised by implicit symmetric QR steps with
 * Wilkinson shifts; all transformations are accumulated into Z. An off-diagonal entry is set to
 * zero once |e_i| ≤ ε(|d_i| + |d_{i+1}|). The result is backward stable: the computed λ are exact
 * for a matrix within a few ε‖A‖ of A. Robust (and tested) for orders up to about 50.
 * <p>
 * Workspace is allocated once for a maximum order; {@link #decompose} does not allocate. Not
 * thread-safe: one instance per thread.
 */
final class SymmetricEigen {
    private static final double EPS = Math.ulp(1.0);
    private static final int MAX_SWEEPS_PER_VALUE = 60;

    private final int maxOrder;
    private final double[] t;   // working matrix (row-major, stride k)
    private final double[] z;   // eigenvectors as rows (row-major, stride k)
    private final double[] d;   // diagonal, then eigenvalues
    private final double[] e;   // subdiagonal: e[i] = T[i+1][i]
    private final double[] v;   // Householder vector
    private final double[] w;   // work vector
    private int order;

    /** Allocates workspace for matrices of order at most {@code maxOrder}. */
    SymmetricEigen(int maxOrder) {
        if (maxOrder < 1) {
            throw new IllegalArgumentException("maxOrder must be >= 1, got " + maxOrder);
        }
        this.maxOrder = maxOrder;
        this.t = new double[maxOrder * maxOrder];
        this.z = new double[maxOrder * maxOrder];
        this.d = new double[maxOrder];
        this.e = new double[maxOrder];
        this.v = new double[maxOrder];
        this.w = new double[maxOrder];
    }

    /** The largest order this instance can decompose. */
    int maxOrder() {
        return maxOrder;
    }

    /** Order of the last decomposed matrix. */
    int order() {
        return order;
    }

    /**
     * Decomposes the symmetric matrix {@code a} (row-major k×k, entry (i, j) at
     * {@code a[i*k + j]}); only the lower triangle (j ≤ i) is read and {@code a} is not modified.
     */
    void decompose(double[] a, int k) {
        if (k < 1 || k > maxOrder) {
            throw new IllegalArgumentException("order " + k + " outside [1, " + maxOrder + "]");
        }
        order = k;
        double big = 0.0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j <= i; j++) {
                big = Math.max(big, Math.abs(a[i * k + j]));
            }
        }
        for (int i = 0; i < k * k; i++) {
            z[i] = 0.0;
        }
        for (int i = 0; i < k; i++) {
            z[i * k + i] = 1.0;
        }
        if (big == 0.0 || !Double.isFinite(big)) {
            for (int i = 0; i < k; i++) {
                d[i] = big == 0.0 ? 0.0 : Double.NaN;
            }
            return;
        }
        // power-of-two scaling: exact, and keeps every intermediate away from over/underflow
        double scale = Math.scalb(1.0, Math.getExponent(big));
        double inv = 1.0 / scale;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j <= i; j++) {
                double x = a[i * k + j] * inv;
                t[i * k + j] = x;
                t[j * k + i] = x;
            }
        }
        tridiagonalize(k);
        diagonalize(k);
        sortAscending(k);
        for (int i = 0; i < k; i++) {
            d[i] *= scale;
        }
    }

    /** Eigenvalue i (ascending order). */
    double value(int i) {
        return d[i];
    }

    /** Component r of the eigenvector of eigenvalue i. */
    double vector(int i, int r) {
        return z[i * order + r];
    }

    /**
     * The eigenvalue array, owned by this object and valid until the next decomposition; entries
     * [0, order) are used.
     */
    double[] valuesArray() {
        return d;
    }

    /**
     * The eigenvector rows (row-major, stride {@link #order()}), owned by this object and valid
     * until the next decomposition.
     */
    double[] vectorsArray() {
        return z;
    }

    /** T = H A H with H = H₀⋯H_{k−3}; Z accumulates H (Z = Hᵀ = H since each H_j is symmetric). */
    private void tridiagonalize(int k) {
        for (int j = 0; j < k - 2; j++) {
            double tail = 0.0;
            for (int i = j + 2; i < k; i++) {
                double x = t[i * k + j];
                tail += x * x;
            }
            if (tail == 0.0) {
                continue;   // column already tridiagonal
            }
            double x0 = t[(j + 1) * k + j];
            double alpha = Math.sqrt(x0 * x0 + tail);
            if (x0 > 0) {
                alpha = -alpha;   // reflect onto −sign(x0)‖x‖e₁: no cancellation in x0 − alpha
            }
            v[j + 1] = x0 - alpha;
            for (int i = j + 2; i < k; i++) {
                v[i] = t[i * k + j];
            }
            double beta = 1.0 / (alpha * (alpha - x0));   // 2/vᵀv
            // p = beta S v on the trailing block S = T[j+1.., j+1..]
            double pv = 0.0;
            for (int i = j + 1; i < k; i++) {
                double acc = 0.0;
                int row = i * k;
                for (int c = j + 1; c < k; c++) {
                    acc += t[row + c] * v[c];
                }
                w[i] = beta * acc;
                pv += w[i] * v[i];
            }
            double half = 0.5 * beta * pv;
            for (int i = j + 1; i < k; i++) {
                w[i] -= half * v[i];
            }
            // S ← S − v wᵀ − w vᵀ
            for (int i = j + 1; i < k; i++) {
                int row = i * k;
                double vi = v[i];
                double wi = w[i];
                for (int c = j + 1; c < k; c++) {
                    t[row + c] -= vi * w[c] + wi * v[c];
                }
            }
            t[(j + 1) * k + j] = alpha;
            t[j * k + j + 1] = alpha;
            for (int i = j + 2; i < k; i++) {
                t[i * k + j] = 0.0;
                t[j * k + i] = 0.0;
            }
            // rows of Z: Z ← H_j Z (touches rows j+1..k−1)
            for (int c = 0; c < k; c++) {
                w[c] = 0.0;
            }
            for (int i = j + 1; i < k; i++) {
                double vi = v[i];
                int row = i * k;
                for (int c = 0; c < k; c++) {
                    w[c] += vi * z[row + c];
                }
            }
            for (int i = j + 1; i < k; i++) {
                double f = beta * v[i];
                int row = i * k;
                for (int c = 0; c < k; c++) {
                    z[row + c] -= f * w[c];
                }
            }
        }
        for (int i = 0; i < k; i++) {
            d[i] = t[i * k + i];
            e[i] = i + 1 < k ? t[(i + 1) * k + i] : 0.0;
        }
    }

    private static boolean negligible(double off, double a, double b) {
        return Math.abs(off) <= EPS * (Math.abs(a) + Math.abs(b)) || Math.abs(off) < Double.MIN_NORMAL;
    }

    /** Implicit symmetric QR with Wilkinson shifts on (d, e); rotations accumulate into rows of Z. */
    private void diagonalize(int k) {
        int hi = k - 1;
        int budget = MAX_SWEEPS_PER_VALUE * k;
        while (hi > 0) {
            if (negligible(e[hi - 1], d[hi - 1], d[hi])) {
                e[hi - 1] = 0.0;
                hi--;
                continue;
            }
            int lo = hi - 1;
            while (lo > 0 && !negligible(e[lo - 1], d[lo - 1], d[lo])) {
                lo--;
            }
            if (lo > 0) {
                e[lo - 1] = 0.0;
            }
            if (budget-- <= 0) {
                e[hi - 1] = 0.0;   // give up on this value: never loop forever
                hi--;
                continue;
            }
            qrSweep(k, lo, hi);
        }
    }

    private void qrSweep(int k, int lo, int hi) {
        double dd = 0.5 * (d[hi - 1] - d[hi]);
        double ee = e[hi - 1];
        double root = hypot(dd, ee);
        double mu = d[hi] - ee * ee / (dd >= 0 ? dd + root : dd - root);
        double x = d[lo] - mu;
        double y = e[lo];
        for (int m = lo; m < hi; m++) {
            double r = hypot(x, y);
            double c;
            double s;
            if (r == 0.0) {
                c = 1.0;
                s = 0.0;
            } else {
                c = x / r;
                s = y / r;
            }
            if (m > lo) {
                e[m - 1] = r;
            }
            double a = d[m];
            double b = e[m];
            double cc = d[m + 1];
            double cs2b = 2.0 * c * s * b;
            d[m] = c * c * a + cs2b + s * s * cc;
            d[m + 1] = s * s * a - cs2b + c * c * cc;
            e[m] = (c - s) * (c + s) * b + c * s * (cc - a);
            if (m < hi - 1) {
                double f = e[m + 1];
                x = e[m];
                y = s * f;   // the bulge T[m+2][m]
                e[m + 1] = c * f;
            }
            int r0 = m * k;
            int r1 = r0 + k;
            for (int col = 0; col < k; col++) {
                double z0 = z[r0 + col];
                double z1 = z[r1 + col];
                z[r0 + col] = c * z0 + s * z1;
                z[r1 + col] = c * z1 - s * z0;
            }
        }
    }

    private static double hypot(double x, double y) {
        double ax = Math.abs(x);
        double ay = Math.abs(y);
        double big = Math.max(ax, ay);
        if (big == 0.0) {
            return 0.0;
        }
        double small = Math.min(ax, ay) / big;
        return big * Math.sqrt(1.0 + small * small);
    }

    private void sortAscending(int k) {
        for (int i = 0; i < k - 1; i++) {
            int best = i;
            for (int j = i + 1; j < k; j++) {
                if (d[j] < d[best]) {
                    best = j;
                }
            }
            if (best != i) {
                double tmp = d[i];
                d[i] = d[best];
                d[best] = tmp;
                int ri = i * k;
                int rb = best * k;
                for (int c = 0; c < k; c++) {
                    double zt = z[ri + c];
                    z[ri + c] = z[rb + c];
                    z[rb + c] = zt;
                }
            }
        }
    }
}
