// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

import io.convexlayers.batch.LaneSimd;
import io.convexlayers.batch.Lanes8Kernels;

/**
 * Dense Cholesky factorization M = L·Lᵀ of symmetric positive definite n × n matrices in the
 * packed layout of {@link PackedTriangular} (rows of the lower triangle, {@code fl} factor lanes
 * innermost). With {@code fl} equal to the number of right-hand-side lanes every lane has its own
 * factor; with {@code fl = 1} one factor serves all lanes.
 *
 * <p>The factorization is in place and keeps 1/L_ii separately. A lane whose matrix is not
 * positive definite (possible only with non-finite or invalid data) gets NaN in its factor and
 * therefore in its solutions; other lanes are unaffected. No allocation.
 */
public final class PackedCholesky {
    private PackedCholesky() {
    }

    /** Length of a packed lower triangle of order n with {@code fl} lanes. */
    public static int packedLength(int n, int fl) {
        return PackedTriangular.packedLength(n, fl);
    }

    /** Index of row i's first entry in a one-lane packed triangle (times {@code fl} for fl lanes). */
    public static int rowStart(int i) {
        return PackedTriangular.rowStart(i);
    }

    /**
     * Factors in place: on exit the packed array holds L (lower, row by row) and {@code invDiag}
     * (n × fl) holds 1/L_ii. {@code acc} is workspace of length ≥ fl. With {@code pairedSums} a
     * single factor lane sums its dot products in two interleaved halves (faster for one lane);
     * without, it sums in the order of every multi-lane width, so a lane's factor does not depend
     * on the tile's width.
     */
    public static void factor(double[] a, double[] invDiag, int n, int fl, boolean pairedSums, double[] acc) {
        if (fl == 1 && pairedSums) {
            factorSingle(a, invDiag, n);
            return;
        }
        if (fl == 8) {
            factor8(a, invDiag, n);
            return;
        }
        if (fl == 1) {
            factorOneChain(a, invDiag, n);
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

    /**
     * {@link #factor} for one lane in the multi-lane order: each dot product one chain, as each lane of a
     * wider tile sums (the generic loop's bits, its accumulator in a register).
     */
    private static void factorOneChain(double[] a, double[] invDiag, int n) {
        for (int i = 0; i < n; i++) {
            int ri = rowStart(i);
            for (int j = 0; j <= i; j++) {
                int rj = rowStart(j);
                double acc = 0;
                for (int t = 0; t < j; t++) {
                    acc += a[ri + t] * a[rj + t];
                }
                int o = ri + j;
                if (j < i) {
                    a[o] = (a[o] - acc) * invDiag[j];
                } else {
                    double s = Math.sqrt(a[o] - acc);
                    a[o] = s;
                    invDiag[j] = 1.0 / s;
                }
            }
        }
    }

    /** {@link #factor} for 8 lanes, the dot products' lanes in registers. */
    private static void factor8(double[] a, double[] invDiag, int n) {
        Lanes8Kernels simd = LaneSimd.kernels();
        if (simd != null) {
            simd.choleskyFactor(a, invDiag, n);
            return;
        }
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
        PackedTriangular.forward(a, invDiag, n, fl, z, off, lanes, acc);
        PackedTriangular.backward(a, invDiag, n, fl, z, off, lanes, acc);
    }
}
