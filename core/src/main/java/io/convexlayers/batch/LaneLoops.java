// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.batch;

/**
 * Elementwise loops over batch-minor tile vectors (entry i of lane l at {@code i·lanes + l}) that mix in one
 * scalar per lane: the interior-point tile's bookkeeping between its Newton solves. Each method is written
 * once as the scalar loop, which defines its bits; in a tile of eight with the SIMD kernels
 * ({@link LaneSimd}) the same operations run on vectors, in the same order per lane (multiply, then add:
 * never fused). A per-lane loop with a lane count read from a field runs at scalar speed (about 1 ns an
 * entry), and the tile's iteration has dozens of them. Rows are given as {@code [from, to)}.
 */
public final class LaneLoops {
    private LaneLoops() {
    }

    private static Lanes8Kernels simd(int lanes) {
        return lanes == 8 ? LaneSimd.kernels() : null;
    }

    /** out = x + a[l]·y over rows [from, to) (out may be x or y). */
    public static void addScaled(double[] x, double[] a, double[] y, int from, int to, int lanes, double[] out) {
        Lanes8Kernels k = simd(lanes);
        if (k != null) {
            k.addScaled(x, a, y, from, to, out);
            return;
        }
        for (int i = from; i < to; i++) {
            int o = i * lanes;
            for (int l = 0; l < lanes; l++) {
                out[o + l] = x[o + l] + a[l] * y[o + l];
            }
        }
    }

    /**
     * x += a[l]·y over rows [from, to), on the lanes whose a[l] is a number (a NaN leaves its lane's x as it
     * is, whatever y holds).
     */
    public static void addScaledWhereNumber(double[] x, double[] a, double[] y, int from, int to, int lanes) {
        addScaledWhereNumber(x, from, a, y, from, to - from, lanes);
    }

    /**
     * x's rows [xFrom, xFrom + rows) += a[l]·(y's rows [yFrom, yFrom + rows)), on the lanes whose a[l] is a
     * number.
     */
    public static void addScaledWhereNumber(double[] x, int xFrom, double[] a, double[] y, int yFrom, int rows,
                                            int lanes) {
        Lanes8Kernels k = simd(lanes);
        if (k != null) {
            k.addScaledWhereNumber(x, xFrom, a, y, yFrom, rows);
            return;
        }
        for (int i = 0; i < rows; i++) {
            int o = (xFrom + i) * lanes;
            int q = (yFrom + i) * lanes;
            for (int l = 0; l < lanes; l++) {
                if (a[l] == a[l]) {
                    x[o + l] += a[l] * y[q + l];
                }
            }
        }
    }

    /** v[i·lanes + l] *= factor[l] over rows [0, rows). */
    public static void scale(double[] v, int rows, int lanes, double[] factor) {
        Lanes8Kernels k = simd(lanes);
        if (k != null) {
            k.scaleLanes(v, rows, factor);
            return;
        }
        for (int i = 0; i < rows; i++) {
            int o = i * lanes;
            for (int l = 0; l < lanes; l++) {
                v[o + l] *= factor[l];
            }
        }
    }

    /** out[l] = max(out[l], max |v|) over rows [0, rows) ({@link Math#max}, {@link Math#abs}). */
    public static void maxAbs(double[] v, int rows, int lanes, double[] out) {
        Lanes8Kernels k = simd(lanes);
        if (k != null) {
            k.maxAbs(v, rows, out);
            return;
        }
        for (int i = 0; i < rows; i++) {
            int o = i * lanes;
            for (int l = 0; l < lanes; l++) {
                out[l] = Math.max(out[l], Math.abs(v[o + l]));
            }
        }
    }

    /**
     * out[l] = max(out[l], max |f·v|) over rows [0, rows), v read from {@code vOff} (a diagonal scaling f
     * applied to a direction v: the unscaled direction's ∞-norm per lane).
     */
    public static void maxAbsProduct(double[] f, double[] v, int vOff, int rows, int lanes, double[] out) {
        for (int i = 0; i < rows; i++) {
            int o = i * lanes;
            for (int l = 0; l < lanes; l++) {
                out[l] = Math.max(out[l], Math.abs(f[o + l] * v[vOff + o + l]));
            }
        }
    }

    /** out = −a[l]·r + plus over rows [from, to), or −a[l]·r where {@code plus} is null. */
    public static void negatedScaledPlus(double[] a, double[] r, double[] plus, int from, int to, int lanes,
                                         double[] out) {
        Lanes8Kernels k = simd(lanes);
        if (k != null) {
            k.negatedScaledPlus(a, r, plus, from, to, out);
            return;
        }
        for (int i = from; i < to; i++) {
            int o = i * lanes;
            for (int l = 0; l < lanes; l++) {
                out[o + l] = plus == null ? -a[l] * r[o + l] : -a[l] * r[o + l] + plus[o + l];
            }
        }
    }

    /** out[l] += Σ u·v over rows [from, to), each lane summed in row order. */
    public static void dotAdd(double[] u, double[] v, int from, int to, int lanes, double[] out) {
        Lanes8Kernels k = simd(lanes);
        if (k != null) {
            k.laneDotAdd(u, v, from, to, out);
            return;
        }
        for (int i = from; i < to; i++) {
            int o = i * lanes;
            for (int l = 0; l < lanes; l++) {
                out[l] += u[o + l] * v[o + l];
            }
        }
    }

    /** out[l] += Σ (c + 2·p·s[l])·u over rows [0, count), each lane summed in row order. */
    public static void shiftedDotAdd(double[] c, double[] p, double[] s, double[] u, int count, int lanes,
                                     double[] out) {
        Lanes8Kernels k = simd(lanes);
        if (k != null) {
            k.shiftedDotAdd(c, p, s, u, count, out);
            return;
        }
        for (int i = 0; i < count; i++) {
            int o = i * lanes;
            for (int l = 0; l < lanes; l++) {
                out[l] += (c[o + l] + 2 * p[o + l] * s[l]) * u[o + l];
            }
        }
    }

    /**
     * The residual rows r = p + q + sign·c·τ[l] over rows [0, count) (sign +1: p + q + c·τ; −1: p + q − c·τ),
     * with out1[l] += Σ c·u and out2[l] += Σ u·p (out2 null: not summed), each lane in row order.
     */
    public static void residualRows(double[] p, double[] q, double[] c, double[] tau, boolean minus, double[] u,
                                    int count, int lanes, double[] r, double[] out1, double[] out2) {
        Lanes8Kernels k = simd(lanes);
        if (k != null) {
            k.residualRows(p, q, c, tau, minus, u, count, r, out1, out2);
            return;
        }
        for (int i = 0; i < count; i++) {
            int o = i * lanes;
            for (int l = 0; l < lanes; l++) {
                int t = o + l;
                r[t] = minus ? p[t] + q[t] - c[t] * tau[l] : p[t] + q[t] + c[t] * tau[l];
                out1[l] += c[t] * u[t];
                if (out2 != null) {
                    out2[l] += u[t] * p[t];
                }
            }
        }
    }

    /**
     * The corrector's target on nonnegative rows [from, to): out = λ·λ + (ds/w)·(dz·w) + shift[l].
     */
    public static void correctorTarget(double[] lambda, double[] ds, double[] dz, double[] w, double[] shift,
                                       int from, int to, int lanes, double[] out) {
        Lanes8Kernels k = simd(lanes);
        if (k != null) {
            k.correctorTarget(lambda, ds, dz, w, shift, from, to, out);
            return;
        }
        for (int i = from; i < to; i++) {
            int o = i * lanes;
            for (int l = 0; l < lanes; l++) {
                int t = o + l;
                double cross = (ds[t] / w[t]) * (dz[t] * w[t]);
                out[t] = lambda[t] * lambda[t] + cross + shift[l];
            }
        }
    }

    /**
     * The Nesterov–Todd scaling of nonnegative rows [from, to) on the lanes where {@code on[l]}: w = √(s/z),
     * λ = √(s·z); {@code interior[l]} is cleared for a lane with some s or z not positive (its w and λ are then
     * not to be read). Other lanes are left as they are.
     */
    public static void scaling(double[] s, double[] z, boolean[] on, int from, int to, int lanes, double[] w,
                               double[] lambda, boolean[] interior) {
        Lanes8Kernels k = simd(lanes);
        if (k != null) {
            k.scaling(s, z, on, from, to, w, lambda, interior);
            return;
        }
        for (int l = 0; l < lanes; l++) {
            if (!on[l]) {
                continue;
            }
            for (int i = from; i < to; i++) {
                int t = i * lanes + l;
                if (!(s[t] > 0 && z[t] > 0)) {
                    interior[l] = false;
                }
                w[t] = Math.sqrt(s[t] / z[t]);
                lambda[t] = Math.sqrt(s[t] * z[t]);
            }
        }
    }

    /**
     * The first-order method's termination maxima of one residual block, per lane over rows [0, count): with
     * f = 1/scale, a = p·f, v = q[qOff + ·]·f, w = r·f/σ_l and t = t_l, maxima[k·lanes + l] for k = 0 … 6 holds
     * the largest |(a + v)·t ∓ w| (minus when {@code subtract}), |a·t|, |v·t|, |w|, |(a + v)/σ|, |a/σ| and
     * |v/σ| (maxima start from zero); sums[l] = Σ r·u[uOff + ·] and, where {@code sums2} is not null,
     * sums2[l] = Σ p·u, each in row order.
     */
    public static void unscaledResidualRows(double[] p, double[] q, int qOff, double[] r, double[] scale, double[] t,
                                            double[] sigma, boolean subtract, double[] u, int uOff, int count,
                                            int lanes, double[] maxima, double[] sums, double[] sums2) {
        java.util.Arrays.fill(maxima, 0, 7 * lanes, 0);
        java.util.Arrays.fill(sums, 0, lanes, 0);
        if (sums2 != null) {
            java.util.Arrays.fill(sums2, 0, lanes, 0);
        }
        Lanes8Kernels k = simd(lanes);
        if (k != null) {
            k.unscaledResidualRows(p, q, qOff, r, scale, t, sigma, subtract, u, uOff, count, maxima, sums, sums2);
            return;
        }
        for (int i = 0; i < count; i++) {
            int o = i * lanes;
            for (int l = 0; l < lanes; l++) {
                int x = o + l;
                double f = 1 / scale[x];
                double a = p[x] * f;
                double v = q[qOff + x] * f;
                double w = r[x] * f / sigma[l];
                double av = a + v;
                double res = subtract ? av * t[l] - w : av * t[l] + w;
                maxima[l] = Math.max(maxima[l], Math.abs(res));
                maxima[lanes + l] = Math.max(maxima[lanes + l], Math.abs(a * t[l]));
                maxima[2 * lanes + l] = Math.max(maxima[2 * lanes + l], Math.abs(v * t[l]));
                maxima[3 * lanes + l] = Math.max(maxima[3 * lanes + l], Math.abs(w));
                maxima[4 * lanes + l] = Math.max(maxima[4 * lanes + l], Math.abs(av / sigma[l]));
                maxima[5 * lanes + l] = Math.max(maxima[5 * lanes + l], Math.abs(a / sigma[l]));
                maxima[6 * lanes + l] = Math.max(maxima[6 * lanes + l], Math.abs(v / sigma[l]));
                sums[l] += r[x] * u[uOff + x];
                if (sums2 != null) {
                    sums2[l] += p[x] * u[x];
                }
            }
        }
    }
}
