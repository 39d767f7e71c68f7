// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.batch;

/**
 * The order in which the first-order iteration takes a lane's long sums (the norm of its iterate, the
 * τ equation's coefficients, Anderson acceleration's inner products), at every tile width: four partial sums over the rows i ≡ 0, 1, 2, 3
 * (mod 4), combined as (s₀ + s₁) + (s₂ + s₃).
 *
 * <p>Why four: a sum taken row after row is one chain of dependent additions, each waiting out the
 * previous one's latency, so a single lane's sum ran at a fraction of what the processor can add.
 * Why one order for all widths: a lane gives the same bits alone, in a scalar tile of any width and in
 * a SIMD tile ({@link Lanes8Kernels#sumSquares}, {@link Lanes8Kernels#tauCoefficients} follow it), so
 * lane compaction and the SIMD switch change no result.
 *
 * <p>Vectors are batch-minor: row i of lane l is entry {@code i·lanes + l}.
 */
public final class LaneSums {
    /** Scratch entries {@link #tauCoefficients} needs per lane. */
    public static final int TAU_SCRATCH_PER_LANE = 12;
    /** Scratch entries {@link #sumSquares} needs per lane. */
    public static final int SQUARES_SCRATCH_PER_LANE = 4;

    private LaneSums() {
    }

    /**
     * out[l] = Σ_{i < count} v[i·lanes + l]².
     *
     * @param scratch at least {@value #SQUARES_SCRATCH_PER_LANE}·lanes entries (unused for one lane)
     */
    public static void sumSquares(double[] v, int count, int lanes, double[] scratch, double[] out) {
        if (lanes == 1) {
            out[0] = sumSquares(v, count);
            return;
        }
        java.util.Arrays.fill(scratch, 0, 4 * lanes, 0);
        for (int i = 0; i < count; i++) {
            int o = i * lanes;
            int part = (i & 3) * lanes;
            for (int l = 0; l < lanes; l++) {
                scratch[part + l] += v[o + l] * v[o + l];
            }
        }
        for (int l = 0; l < lanes; l++) {
            out[l] = combine(scratch, l, lanes);
        }
    }

    /** Σ_{i < count} v[i]² for one lane, in registers (through an array each addition would also wait for a store). */
    public static double sumSquares(double[] v, int count) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 3 < count; i += 4) {
            s0 += v[i] * v[i];
            s1 += v[i + 1] * v[i + 1];
            s2 += v[i + 2] * v[i + 2];
            s3 += v[i + 3] * v[i + 3];
        }
        if (i < count) {
            s0 += v[i] * v[i];
        }
        if (i + 1 < count) {
            s1 += v[i + 1] * v[i + 1];
        }
        if (i + 2 < count) {
            s2 += v[i + 2] * v[i + 2];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * The τ equation's sums over the rows below {@code count}, per lane: a[l] = Σ r·g·g,
     * b[l] = Σ r·(μ·g − 2·p·g), c[l] = Σ r·p·(p − μ).
     *
     * @param scratch at least {@value #TAU_SCRATCH_PER_LANE}·lanes entries (unused for one lane)
     */
    public static void tauCoefficients(double[] r, double[] g, double[] p, double[] mu, int count, int lanes,
                                       double[] scratch, double[] a, double[] b, double[] c) {
        if (lanes == 1) {
            tauCoefficientsOneLane(r, g, p, mu, count, a, b, c);
            return;
        }
        // Partial j of a, b, c for lane l at scratch[(3j + 0, 1, 2)·lanes + l].
        java.util.Arrays.fill(scratch, 0, TAU_SCRATCH_PER_LANE * lanes, 0);
        for (int i = 0; i < count; i++) {
            int o = i * lanes;
            int pa = 3 * (i & 3) * lanes;
            int pb = pa + lanes;
            int pc = pb + lanes;
            for (int l = 0; l < lanes; l++) {
                int k = o + l;
                double rk = r[k];
                double gk = g[k];
                double pk = p[k];
                double mk = mu[k];
                scratch[pa + l] += rk * gk * gk;
                scratch[pb + l] += rk * (mk * gk - 2 * pk * gk);
                scratch[pc + l] += rk * pk * (pk - mk);
            }
        }
        for (int l = 0; l < lanes; l++) {
            a[l] = combine(scratch, l, 3 * lanes);
            b[l] = combine(scratch, lanes + l, 3 * lanes);
            c[l] = combine(scratch, 2 * lanes + l, 3 * lanes);
        }
    }

    /** One lane's τ sums in registers, twelve independent chains. */
    private static void tauCoefficientsOneLane(double[] r, double[] g, double[] p, double[] mu, int count,
                                               double[] a, double[] b, double[] c) {
        double a0 = 0;
        double a1 = 0;
        double a2 = 0;
        double a3 = 0;
        double b0 = 0;
        double b1 = 0;
        double b2 = 0;
        double b3 = 0;
        double c0 = 0;
        double c1 = 0;
        double c2 = 0;
        double c3 = 0;
        for (int i = 0; i < count; i += 4) {
            double rk = r[i];
            double gk = g[i];
            double pk = p[i];
            double mk = mu[i];
            a0 += rk * gk * gk;
            b0 += rk * (mk * gk - 2 * pk * gk);
            c0 += rk * pk * (pk - mk);
            if (i + 1 == count) {
                break;
            }
            rk = r[i + 1];
            gk = g[i + 1];
            pk = p[i + 1];
            mk = mu[i + 1];
            a1 += rk * gk * gk;
            b1 += rk * (mk * gk - 2 * pk * gk);
            c1 += rk * pk * (pk - mk);
            if (i + 2 == count) {
                break;
            }
            rk = r[i + 2];
            gk = g[i + 2];
            pk = p[i + 2];
            mk = mu[i + 2];
            a2 += rk * gk * gk;
            b2 += rk * (mk * gk - 2 * pk * gk);
            c2 += rk * pk * (pk - mk);
            if (i + 3 == count) {
                break;
            }
            rk = r[i + 3];
            gk = g[i + 3];
            pk = p[i + 3];
            mk = mu[i + 3];
            a3 += rk * gk * gk;
            b3 += rk * (mk * gk - 2 * pk * gk);
            c3 += rk * pk * (pk - mk);
        }
        a[0] = (a0 + a1) + (a2 + a3);
        b[0] = (b0 + b1) + (b2 + b3);
        c[0] = (c0 + c1) + (c2 + c3);
    }

    /**
     * Lane l's inner product Σ_{i < count} x[i·lanes + l]·y[i·lanes + l], in the same order: one lane's
     * sum whatever the tile's width.
     */
    public static double dot(double[] x, double[] y, int count, int lanes, int l) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        int k = l;
        for (; i + 3 < count; i += 4, k += 4 * lanes) {
            s0 += x[k] * y[k];
            s1 += x[k + lanes] * y[k + lanes];
            s2 += x[k + 2 * lanes] * y[k + 2 * lanes];
            s3 += x[k + 3 * lanes] * y[k + 3 * lanes];
        }
        if (i < count) {
            s0 += x[k] * y[k];
        }
        if (i + 1 < count) {
            s1 += x[k + lanes] * y[k + lanes];
        }
        if (i + 2 < count) {
            s2 += x[k + 2 * lanes] * y[k + 2 * lanes];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** (s₀ + s₁) + (s₂ + s₃) for the partials at {@code first + j·stride}. */
    private static double combine(double[] partials, int first, int stride) {
        return (partials[first] + partials[first + stride]) + (partials[first + 2 * stride] + partials[first + 3 * stride]);
    }
}
