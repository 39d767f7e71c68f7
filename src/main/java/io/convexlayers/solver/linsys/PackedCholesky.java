package io.convexlayers.solver.linsys;

/**
 * Dense Cholesky factorization M = L·Lᵀ of symmetric positive definite n × n matrices stored as
 * packed lower triangles, row by row, with {@code fl} factor lanes innermost: entry (i, j), j ≤ i,
 * of lane l at {@code (i(i+1)/2 + j)·fl + l}. With {@code fl} equal to the number of right-hand-side
 * lanes every lane has its own factor; with {@code fl = 1} one factor serves all lanes.
 *
 * <p>The factorization is in place and keeps 1/L_ii separately. A lane whose matrix is not
 * positive definite (possible only with non-finite or invalid data) gets NaN in its factor and
 * therefore in its solutions; other lanes are unaffected. No allocation.
 */
final class PackedCholesky {
    private PackedCholesky() {
    }

    /** Length of the packed array for order n and fl lanes. */
    static int packedLength(int n, int fl) {
        long len = (long) n * (n + 1) / 2 * fl;
        if (len > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("dense factor of order " + n + " with " + fl
                    + " lanes does not fit in one array");
        }
        return (int) len;
    }

    static int rowStart(int i) {
        return i * (i + 1) / 2;
    }

    /**
     * Factors in place: on exit the packed array holds L (lower, row by row) and {@code invDiag}
     * (n × fl) holds 1/L_ii. {@code acc} is workspace of length ≥ fl.
     */
    static void factor(double[] a, double[] invDiag, int n, int fl, double[] acc) {
        if (fl == 1) {
            factorSingle(a, invDiag, n);
            return;
        }
        for (int i = 0; i < n; i++) {
            int ri = rowStart(i) * fl;
            for (int j = 0; j <= i; j++) {
                int rj = rowStart(j) * fl;
                for (int l = 0; l < fl; l++) {
                    acc[l] = 0;
                }
                int len = j * fl;
                for (int t = 0; t < len; t += fl) {
                    for (int l = 0; l < fl; l++) {
                        acc[l] += a[ri + t + l] * a[rj + t + l];
                    }
                }
                int o = ri + j * fl;
                if (j < i) {
                    int d = j * fl;
                    for (int l = 0; l < fl; l++) {
                        a[o + l] = (a[o + l] - acc[l]) * invDiag[d + l];
                    }
                } else {
                    for (int l = 0; l < fl; l++) {
                        double s = Math.sqrt(a[o + l] - acc[l]);
                        a[o + l] = s;
                        invDiag[j * fl + l] = 1.0 / s;
                    }
                }
            }
        }
    }

    private static void factorSingle(double[] a, double[] invDiag, int n) {
        for (int i = 0; i < n; i++) {
            int ri = rowStart(i);
            for (int j = 0; j <= i; j++) {
                int rj = rowStart(j);
                double s0 = 0;
                double s1 = 0;
                int k = 0;
                for (; k + 1 < j; k += 2) {
                    s0 += a[ri + k] * a[rj + k];
                    s1 += a[ri + k + 1] * a[rj + k + 1];
                }
                if (k < j) {
                    s0 += a[ri + k] * a[rj + k];
                }
                double s = a[ri + j] - (s0 + s1);
                if (j < i) {
                    a[ri + j] = s * invDiag[j];
                } else {
                    double d = Math.sqrt(s);
                    a[ri + j] = d;
                    invDiag[j] = 1.0 / d;
                }
            }
        }
    }

    /**
     * Solves L·Lᵀ·x = b in place for {@code lanes} right-hand sides stored batch-minor in
     * {@code z[off .. off + n·lanes)}; {@code fl} is 1 (shared factor) or {@code lanes};
     * {@code acc} is workspace of length ≥ lanes.
     */
    static void solve(double[] a, double[] invDiag, int n, int fl, double[] z, int off, int lanes,
                      double[] acc) {
        if (fl == 1) {
            solveShared(a, invDiag, n, z, off, lanes, acc);
            return;
        }
        // Forward: L·w = b, row-oriented (dot products over contiguous (k, lane) pairs).
        for (int i = 0; i < n; i++) {
            int ri = rowStart(i) * fl;
            int zi = off + i * lanes;
            for (int l = 0; l < lanes; l++) {
                acc[l] = z[zi + l];
            }
            int len = i * lanes;
            for (int t = 0; t < len; t += lanes) {
                for (int l = 0; l < lanes; l++) {
                    acc[l] -= a[ri + t + l] * z[off + t + l];
                }
            }
            int d = i * fl;
            for (int l = 0; l < lanes; l++) {
                z[zi + l] = acc[l] * invDiag[d + l];
            }
        }
        // Backward: Lᵀ·x = w, column-oriented (row i of L is column i of Lᵀ).
        for (int i = n - 1; i >= 0; i--) {
            int ri = rowStart(i) * fl;
            int zi = off + i * lanes;
            int d = i * fl;
            for (int l = 0; l < lanes; l++) {
                double v = z[zi + l] * invDiag[d + l];
                z[zi + l] = v;
                acc[l] = v;
            }
            int len = i * lanes;
            for (int t = 0; t < len; t += lanes) {
                for (int l = 0; l < lanes; l++) {
                    z[off + t + l] -= a[ri + t + l] * acc[l];
                }
            }
        }
    }

    private static void solveShared(double[] a, double[] invDiag, int n, double[] z, int off, int lanes,
                                    double[] acc) {
        for (int i = 0; i < n; i++) {
            int ri = rowStart(i);
            int zi = off + i * lanes;
            for (int l = 0; l < lanes; l++) {
                acc[l] = z[zi + l];
            }
            for (int k = 0; k < i; k++) {
                double lik = a[ri + k];
                int zk = off + k * lanes;
                for (int l = 0; l < lanes; l++) {
                    acc[l] -= lik * z[zk + l];
                }
            }
            double inv = invDiag[i];
            for (int l = 0; l < lanes; l++) {
                z[zi + l] = acc[l] * inv;
            }
        }
        for (int i = n - 1; i >= 0; i--) {
            int ri = rowStart(i);
            int zi = off + i * lanes;
            double inv = invDiag[i];
            for (int l = 0; l < lanes; l++) {
                double v = z[zi + l] * inv;
                z[zi + l] = v;
                acc[l] = v;
            }
            for (int k = 0; k < i; k++) {
                double lik = a[ri + k];
                int zk = off + k * lanes;
                for (int l = 0; l < lanes; l++) {
                    z[zk + l] -= lik * acc[l];
                }
            }
        }
    }
}
