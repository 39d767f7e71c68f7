// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

import io.convexlayers.batch.LaneSimd;
import io.convexlayers.batch.Lanes8Kernels;

/**
 * Triangular solves with dense lower-triangular n × n factors stored packed, row by row, with
 * {@code fl} factor lanes innermost: entry (i, j), j ≤ i, of lane l at
 * {@code (i(i+1)/2 + j)·fl + l}. Right-hand sides are batch-minor ({@code lanes} lanes); fl is
 * either {@code lanes} (one factor per lane) or 1 (one factor for all lanes).
 *
 * <p>The diagonal is given separately as {@code scale} = 1/L_ii (n × fl), or null for a unit
 * diagonal (then the packed diagonal slots are not read). 8-, 4- and 2-lane tiles use unrolled
 * kernels that keep the lanes in registers; every width computes a lane's entries in the same
 * order, so a lane's solution does not depend on the width; 8-lane tiles run on {@link LaneSimd}'s
 * SIMD kernels where it offers them (the same bits). No allocation.
 */
final class PackedTriangular {
    private PackedTriangular() {
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
        return (int) ((long) i * (i + 1) / 2);
    }

    /** Solves L·w = b in place (row-oriented: dot products of rows of L with w). */
    static void forward(double[] a, double[] scale, int n, int fl, double[] z, int off, int lanes,
                        double[] acc) {
        if (lanes == 8) {
            Lanes8Kernels simd = LaneSimd.kernels();
            if (simd != null) {
                simd.forwardSolve(a, scale, n, fl == 1, z, off);
            } else if (fl == 1) {
                forwardShared8(a, scale, n, z, off);
            } else {
                forwardLanes8(a, scale, n, z, off);
            }
            return;
        }
        if (lanes == 4) {
            forward4(a, scale, n, fl == 1 ? 0 : 1, z, off);
            return;
        }
        if (lanes == 2) {
            forward2(a, scale, n, fl == 1 ? 0 : 1, z, off);
            return;
        }
        if (lanes == 1) { // then fl = 1 as well
            forwardOneLane(a, scale, n, z, off);
            return;
        }
        int ls = fl == 1 ? 0 : 1;
        for (int i = 0; i < n; i++) {
            int ri = rowStart(i) * fl;
            int zi = off + i * lanes;
            for (int l = 0; l < lanes; l++) {
                acc[l] = z[zi + l];
            }
            for (int k = 0; k < i; k++) {
                int ao = ri + k * fl;
                int zo = off + k * lanes;
                for (int l = 0; l < lanes; l++) {
                    acc[l] -= a[ao + l * ls] * z[zo + l];
                }
            }
            int d = i * fl;
            for (int l = 0; l < lanes; l++) {
                z[zi + l] = scale == null ? acc[l] : acc[l] * scale[d + l * ls];
            }
        }
    }

    /** Solves Lᵀ·x = w in place (column-oriented: row i of L is column i of Lᵀ). */
    static void backward(double[] a, double[] scale, int n, int fl, double[] z, int off, int lanes,
                         double[] acc) {
        if (lanes == 8) {
            Lanes8Kernels simd = LaneSimd.kernels();
            if (simd != null) {
                simd.backwardSolve(a, scale, n, fl == 1, z, off);
            } else if (fl == 1) {
                backwardShared8(a, scale, n, z, off);
            } else {
                backwardLanes8(a, scale, n, z, off);
            }
            return;
        }
        if (lanes == 4) {
            backward4(a, scale, n, fl == 1 ? 0 : 1, z, off);
            return;
        }
        if (lanes == 2) {
            backward2(a, scale, n, fl == 1 ? 0 : 1, z, off);
            return;
        }
        if (lanes == 1) {
            for (int i = n - 1; i >= 0; i--) {
                int ri = rowStart(i);
                double v = scale == null ? z[off + i] : z[off + i] * scale[i];
                z[off + i] = v;
                for (int k = 0; k < i; k++) {
                    z[off + k] -= a[ri + k] * v;
                }
            }
            return;
        }
        int ls = fl == 1 ? 0 : 1;
        for (int i = n - 1; i >= 0; i--) {
            int ri = rowStart(i) * fl;
            int zi = off + i * lanes;
            int d = i * fl;
            for (int l = 0; l < lanes; l++) {
                double v = scale == null ? z[zi + l] : z[zi + l] * scale[d + l * ls];
                z[zi + l] = v;
                acc[l] = v;
            }
            for (int k = 0; k < i; k++) {
                int ao = ri + k * fl;
                int zo = off + k * lanes;
                for (int l = 0; l < lanes; l++) {
                    z[zo + l] -= a[ao + l * ls] * acc[l];
                }
            }
        }
    }

    /**
     * One lane's forward substitution, four rows at a time: their sums over the columns before the
     * block run as four independent chains (one chain left the addition's latency the bound), then the
     * block's own triangle. Each row still subtracts its terms in column order: the same bits.
     */
    private static void forwardOneLane(double[] a, double[] scale, int n, double[] z, int off) {
        int i = 0;
        for (; i + 3 < n; i += 4) {
            int r0 = rowStart(i);
            int r1 = rowStart(i + 1);
            int r2 = rowStart(i + 2);
            int r3 = rowStart(i + 3);
            double v0 = z[off + i];
            double v1 = z[off + i + 1];
            double v2 = z[off + i + 2];
            double v3 = z[off + i + 3];
            for (int k = 0; k < i; k++) {
                double zk = z[off + k];
                v0 -= a[r0 + k] * zk;
                v1 -= a[r1 + k] * zk;
                v2 -= a[r2 + k] * zk;
                v3 -= a[r3 + k] * zk;
            }
            v0 = scale == null ? v0 : v0 * scale[i];
            v1 -= a[r1 + i] * v0;
            v1 = scale == null ? v1 : v1 * scale[i + 1];
            v2 -= a[r2 + i] * v0;
            v2 -= a[r2 + i + 1] * v1;
            v2 = scale == null ? v2 : v2 * scale[i + 2];
            v3 -= a[r3 + i] * v0;
            v3 -= a[r3 + i + 1] * v1;
            v3 -= a[r3 + i + 2] * v2;
            v3 = scale == null ? v3 : v3 * scale[i + 3];
            z[off + i] = v0;
            z[off + i + 1] = v1;
            z[off + i + 2] = v2;
            z[off + i + 3] = v3;
        }
        for (; i < n; i++) {
            int ri = rowStart(i);
            double v = z[off + i];
            for (int k = 0; k < i; k++) {
                v -= a[ri + k] * z[off + k];
            }
            z[off + i] = scale == null ? v : v * scale[i];
        }
    }

    private static void forwardLanes8(double[] a, double[] scale, int n, double[] z, int off) {
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
            if (scale != null) {
                int d = i * 8;
                s0 *= scale[d];
                s1 *= scale[d + 1];
                s2 *= scale[d + 2];
                s3 *= scale[d + 3];
                s4 *= scale[d + 4];
                s5 *= scale[d + 5];
                s6 *= scale[d + 6];
                s7 *= scale[d + 7];
            }
            z[zi] = s0;
            z[zi + 1] = s1;
            z[zi + 2] = s2;
            z[zi + 3] = s3;
            z[zi + 4] = s4;
            z[zi + 5] = s5;
            z[zi + 6] = s6;
            z[zi + 7] = s7;
        }
    }

    private static void backwardLanes8(double[] a, double[] scale, int n, double[] z, int off) {
        for (int i = n - 1; i >= 0; i--) {
            int ri = rowStart(i) * 8;
            int zi = off + i * 8;
            double v0 = z[zi], v1 = z[zi + 1], v2 = z[zi + 2], v3 = z[zi + 3];
            double v4 = z[zi + 4], v5 = z[zi + 5], v6 = z[zi + 6], v7 = z[zi + 7];
            if (scale != null) {
                int d = i * 8;
                v0 *= scale[d];
                v1 *= scale[d + 1];
                v2 *= scale[d + 2];
                v3 *= scale[d + 3];
                v4 *= scale[d + 4];
                v5 *= scale[d + 5];
                v6 *= scale[d + 6];
                v7 *= scale[d + 7];
                z[zi] = v0;
                z[zi + 1] = v1;
                z[zi + 2] = v2;
                z[zi + 3] = v3;
                z[zi + 4] = v4;
                z[zi + 5] = v5;
                z[zi + 6] = v6;
                z[zi + 7] = v7;
            }
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

    private static void forwardShared8(double[] a, double[] scale, int n, double[] z, int off) {
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
            double inv = scale == null ? 1.0 : scale[i];
            z[zi] = s0 * inv;
            z[zi + 1] = s1 * inv;
            z[zi + 2] = s2 * inv;
            z[zi + 3] = s3 * inv;
            z[zi + 4] = s4 * inv;
            z[zi + 5] = s5 * inv;
            z[zi + 6] = s6 * inv;
            z[zi + 7] = s7 * inv;
        }
    }

    private static void backwardShared8(double[] a, double[] scale, int n, double[] z, int off) {
        for (int i = n - 1; i >= 0; i--) {
            int ri = rowStart(i);
            int zi = off + i * 8;
            double inv = scale == null ? 1.0 : scale[i];
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

    /**
     * {@link #forward} for 4 lanes in registers; {@code ls} is 1 for a factor per lane (fl = 4), 0
     * for a shared one (fl = 1).
     */
    private static void forward4(double[] a, double[] scale, int n, int ls, double[] z, int off) {
        int fl = ls == 0 ? 1 : 4;
        for (int i = 0; i < n; i++) {
            int ri = rowStart(i) * fl;
            int zi = off + i * 4;
            double s0 = z[zi], s1 = z[zi + 1], s2 = z[zi + 2], s3 = z[zi + 3];
            for (int k = 0; k < i; k++) {
                int ao = ri + k * fl;
                int zo = off + k * 4;
                s0 -= a[ao] * z[zo];
                s1 -= a[ao + ls] * z[zo + 1];
                s2 -= a[ao + 2 * ls] * z[zo + 2];
                s3 -= a[ao + 3 * ls] * z[zo + 3];
            }
            if (scale != null) {
                int d = i * fl;
                s0 *= scale[d];
                s1 *= scale[d + ls];
                s2 *= scale[d + 2 * ls];
                s3 *= scale[d + 3 * ls];
            }
            z[zi] = s0;
            z[zi + 1] = s1;
            z[zi + 2] = s2;
            z[zi + 3] = s3;
        }
    }

    /** {@link #forward} for 2 lanes in registers (see {@link #forward4}). */
    private static void forward2(double[] a, double[] scale, int n, int ls, double[] z, int off) {
        int fl = ls == 0 ? 1 : 2;
        for (int i = 0; i < n; i++) {
            int ri = rowStart(i) * fl;
            int zi = off + i * 2;
            double s0 = z[zi], s1 = z[zi + 1];
            for (int k = 0; k < i; k++) {
                int ao = ri + k * fl;
                int zo = off + k * 2;
                s0 -= a[ao] * z[zo];
                s1 -= a[ao + ls] * z[zo + 1];
            }
            if (scale != null) {
                int d = i * fl;
                s0 *= scale[d];
                s1 *= scale[d + ls];
            }
            z[zi] = s0;
            z[zi + 1] = s1;
        }
    }

    /** {@link #backward} for 4 lanes in registers (see {@link #forward4}). */
    private static void backward4(double[] a, double[] scale, int n, int ls, double[] z, int off) {
        int fl = ls == 0 ? 1 : 4;
        for (int i = n - 1; i >= 0; i--) {
            int ri = rowStart(i) * fl;
            int zi = off + i * 4;
            double v0 = z[zi], v1 = z[zi + 1], v2 = z[zi + 2], v3 = z[zi + 3];
            if (scale != null) {
                int d = i * fl;
                v0 *= scale[d];
                v1 *= scale[d + ls];
                v2 *= scale[d + 2 * ls];
                v3 *= scale[d + 3 * ls];
                z[zi] = v0;
                z[zi + 1] = v1;
                z[zi + 2] = v2;
                z[zi + 3] = v3;
            }
            for (int k = 0; k < i; k++) {
                int ao = ri + k * fl;
                int zo = off + k * 4;
                z[zo] -= a[ao] * v0;
                z[zo + 1] -= a[ao + ls] * v1;
                z[zo + 2] -= a[ao + 2 * ls] * v2;
                z[zo + 3] -= a[ao + 3 * ls] * v3;
            }
        }
    }

    /** {@link #backward} for 2 lanes in registers (see {@link #forward4}). */
    private static void backward2(double[] a, double[] scale, int n, int ls, double[] z, int off) {
        int fl = ls == 0 ? 1 : 2;
        for (int i = n - 1; i >= 0; i--) {
            int ri = rowStart(i) * fl;
            int zi = off + i * 2;
            double v0 = z[zi], v1 = z[zi + 1];
            if (scale != null) {
                int d = i * fl;
                v0 *= scale[d];
                v1 *= scale[d + ls];
                z[zi] = v0;
                z[zi + 1] = v1;
            }
            for (int k = 0; k < i; k++) {
                int ao = ri + k * fl;
                int zo = off + k * 2;
                z[zo] -= a[ao] * v0;
                z[zo + 1] -= a[ao + ls] * v1;
            }
        }
    }
}
