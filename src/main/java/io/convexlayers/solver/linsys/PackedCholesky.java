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
        if (fl == 8) {
            factor8(a, invDiag, n);
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

    /** {@link #factor} for 8 lanes, the dot products' lanes in registers. */
    private static void factor8(double[] a, double[] invDiag, int n) {
        for (int i = 0; i < n; i++) {
            int ri = rowStart(i) * 8;
            for (int j = 0; j <= i; j++) {
                int rj = rowStart(j) * 8;
                double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
                int len = j * 8;
                for (int t = 0; t < len; t += 8) {
                    int p = ri + t;
                    int q = rj + t;
                    s0 += a[p] * a[q];
                    s1 += a[p + 1] * a[q + 1];
                    s2 += a[p + 2] * a[q + 2];
                    s3 += a[p + 3] * a[q + 3];
                    s4 += a[p + 4] * a[q + 4];
                    s5 += a[p + 5] * a[q + 5];
                    s6 += a[p + 6] * a[q + 6];
                    s7 += a[p + 7] * a[q + 7];
                }
                int o = ri + j * 8;
                int d = j * 8;
                if (j < i) {
                    a[o] = (a[o] - s0) * invDiag[d];
                    a[o + 1] = (a[o + 1] - s1) * invDiag[d + 1];
                    a[o + 2] = (a[o + 2] - s2) * invDiag[d + 2];
                    a[o + 3] = (a[o + 3] - s3) * invDiag[d + 3];
                    a[o + 4] = (a[o + 4] - s4) * invDiag[d + 4];
                    a[o + 5] = (a[o + 5] - s5) * invDiag[d + 5];
                    a[o + 6] = (a[o + 6] - s6) * invDiag[d + 6];
                    a[o + 7] = (a[o + 7] - s7) * invDiag[d + 7];
                } else {
                    pivot(a, invDiag, o, d, a[o] - s0);
                    pivot(a, invDiag, o + 1, d + 1, a[o + 1] - s1);
                    pivot(a, invDiag, o + 2, d + 2, a[o + 2] - s2);
                    pivot(a, invDiag, o + 3, d + 3, a[o + 3] - s3);
                    pivot(a, invDiag, o + 4, d + 4, a[o + 4] - s4);
                    pivot(a, invDiag, o + 5, d + 5, a[o + 5] - s5);
                    pivot(a, invDiag, o + 6, d + 6, a[o + 6] - s6);
                    pivot(a, invDiag, o + 7, d + 7, a[o + 7] - s7);
                }
            }
        }
    }

    private static void pivot(double[] a, double[] invDiag, int o, int d, double s) {
        double r = Math.sqrt(s);
        a[o] = r;
        invDiag[d] = 1.0 / r;
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
        if (lanes == 8) {
            if (fl == 1) {
                solveShared8(a, invDiag, n, z, off);
            } else {
                solveLanes8(a, invDiag, n, z, off);
            }
            return;
        }
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

    /** {@link #solve} with 8 lanes, each with its own factor; lanes unrolled into registers. */
    private static void solveLanes8(double[] a, double[] invDiag, int n, double[] z, int off) {
        for (int i = 0; i < n; i++) {
            int ri = rowStart(i) * 8;
            int zi = off + i * 8;
            double s0 = z[zi], s1 = z[zi + 1], s2 = z[zi + 2], s3 = z[zi + 3];
            double s4 = z[zi + 4], s5 = z[zi + 5], s6 = z[zi + 6], s7 = z[zi + 7];
            int len = i * 8;
            for (int t = 0; t < len; t += 8) {
                int ao = ri + t;
                int zo = off + t;
                s0 -= a[ao] * z[zo];
                s1 -= a[ao + 1] * z[zo + 1];
                s2 -= a[ao + 2] * z[zo + 2];
                s3 -= a[ao + 3] * z[zo + 3];
                s4 -= a[ao + 4] * z[zo + 4];
                s5 -= a[ao + 5] * z[zo + 5];
                s6 -= a[ao + 6] * z[zo + 6];
                s7 -= a[ao + 7] * z[zo + 7];
            }
            int d = i * 8;
            z[zi] = s0 * invDiag[d];
            z[zi + 1] = s1 * invDiag[d + 1];
            z[zi + 2] = s2 * invDiag[d + 2];
            z[zi + 3] = s3 * invDiag[d + 3];
            z[zi + 4] = s4 * invDiag[d + 4];
            z[zi + 5] = s5 * invDiag[d + 5];
            z[zi + 6] = s6 * invDiag[d + 6];
            z[zi + 7] = s7 * invDiag[d + 7];
        }
        for (int i = n - 1; i >= 0; i--) {
            int ri = rowStart(i) * 8;
            int zi = off + i * 8;
            int d = i * 8;
            double v0 = z[zi] * invDiag[d], v1 = z[zi + 1] * invDiag[d + 1];
            double v2 = z[zi + 2] * invDiag[d + 2], v3 = z[zi + 3] * invDiag[d + 3];
            double v4 = z[zi + 4] * invDiag[d + 4], v5 = z[zi + 5] * invDiag[d + 5];
            double v6 = z[zi + 6] * invDiag[d + 6], v7 = z[zi + 7] * invDiag[d + 7];
            z[zi] = v0;
            z[zi + 1] = v1;
            z[zi + 2] = v2;
            z[zi + 3] = v3;
            z[zi + 4] = v4;
            z[zi + 5] = v5;
            z[zi + 6] = v6;
            z[zi + 7] = v7;
            int len = i * 8;
            for (int t = 0; t < len; t += 8) {
                int ao = ri + t;
                int zo = off + t;
                z[zo] -= a[ao] * v0;
                z[zo + 1] -= a[ao + 1] * v1;
                z[zo + 2] -= a[ao + 2] * v2;
                z[zo + 3] -= a[ao + 3] * v3;
                z[zo + 4] -= a[ao + 4] * v4;
                z[zo + 5] -= a[ao + 5] * v5;
                z[zo + 6] -= a[ao + 6] * v6;
                z[zo + 7] -= a[ao + 7] * v7;
            }
        }
    }

    /** {@link #solve} with 8 lanes sharing one factor; lanes unrolled into registers. */
    private static void solveShared8(double[] a, double[] invDiag, int n, double[] z, int off) {
        for (int i = 0; i < n; i++) {
            int ri = rowStart(i);
            int zi = off + i * 8;
            double s0 = z[zi], s1 = z[zi + 1], s2 = z[zi + 2], s3 = z[zi + 3];
            double s4 = z[zi + 4], s5 = z[zi + 5], s6 = z[zi + 6], s7 = z[zi + 7];
            for (int k = 0; k < i; k++) {
                double lik = a[ri + k];
                int zo = off + k * 8;
                s0 -= lik * z[zo];
                s1 -= lik * z[zo + 1];
                s2 -= lik * z[zo + 2];
                s3 -= lik * z[zo + 3];
                s4 -= lik * z[zo + 4];
                s5 -= lik * z[zo + 5];
                s6 -= lik * z[zo + 6];
                s7 -= lik * z[zo + 7];
            }
            double inv = invDiag[i];
            z[zi] = s0 * inv;
            z[zi + 1] = s1 * inv;
            z[zi + 2] = s2 * inv;
            z[zi + 3] = s3 * inv;
            z[zi + 4] = s4 * inv;
            z[zi + 5] = s5 * inv;
            z[zi + 6] = s6 * inv;
            z[zi + 7] = s7 * inv;
        }
        for (int i = n - 1; i >= 0; i--) {
            int ri = rowStart(i);
            int zi = off + i * 8;
            double inv = invDiag[i];
            double v0 = z[zi] * inv, v1 = z[zi + 1] * inv, v2 = z[zi + 2] * inv, v3 = z[zi + 3] * inv;
            double v4 = z[zi + 4] * inv, v5 = z[zi + 5] * inv, v6 = z[zi + 6] * inv, v7 = z[zi + 7] * inv;
            z[zi] = v0;
            z[zi + 1] = v1;
            z[zi + 2] = v2;
            z[zi + 3] = v3;
            z[zi + 4] = v4;
            z[zi + 5] = v5;
            z[zi + 6] = v6;
            z[zi + 7] = v7;
            for (int k = 0; k < i; k++) {
                double lik = a[ri + k];
                int zo = off + k * 8;
                z[zo] -= lik * v0;
                z[zo + 1] -= lik * v1;
                z[zo + 2] -= lik * v2;
                z[zo + 3] -= lik * v3;
                z[zo + 4] -= lik * v4;
                z[zo + 5] -= lik * v5;
                z[zo + 6] -= lik * v6;
                z[zo + 7] -= lik * v7;
            }
        }
    }
}
