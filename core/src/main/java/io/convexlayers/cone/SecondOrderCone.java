// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cone;

import io.convexlayers.data.ConeDims;

/**
 * The second-order (Lorentz) cone Q = {(t, x) ∈ R × R^{q-1} : ‖x‖₂ ≤ t}, self-dual; rows are t
 * first, then x. With ν = ‖x‖₂:
 * <pre>
 *   Π(t, x) = (t, x)                      if ν ≤ t
 *           = 0                           if ν ≤ −t
 *           = ((t + ν)/2) · (1, x/ν)      otherwise.
 * </pre>
 * A cone of size 1 is the ray t ≥ 0. Derivative (DESIGN §5), with ẑ = x/ν:
 * <pre>
 *   DΠ(t, x)(δt, δx) = (δt, δx)                                      if ν ≤ t
 *                    = 0                                             if ν ≤ −t
 *                    = (½δt + ½ẑᵀδx,  ½ẑδt + ½(1 + t/ν)δx − ½(t/ν)ẑẑᵀδx)   otherwise,
 * </pre>
 * which is symmetric. It is stored per lane as four coefficients (a, b, c, d) and ẑ, and applied
 * as (aδt + b·ẑᵀδx, bẑδt + cδx + dẑ(ẑᵀδx)).
 * <p>
 * A block holds the cones of {@link ConeDims#soc()} in order. Batched layout: row i of a cone
 * of lane l at {@code offset + i*lanes + l}; loops run over lanes innermost.
 */
final class SecondOrderCone extends ConeBlock {
    private final int[] sizes;
    /** Position of each cone's first row, row·lanes. */
    private final int[] offsets;
    /** 2·lanes entries for projections; the derivative uses the first lanes. */
    private final double[] work;

    private SecondOrderCone(int start, int[] sizes, int lanes) {
        super(start, sizes, lanes);
        this.sizes = sizes.clone();
        this.offsets = new int[sizes.length];
        int row = start;
        for (int i = 0; i < sizes.length; i++) {
            offsets[i] = row * lanes;
            row += sizes[i];
        }
        this.work = new double[workspaceSize(lanes)];
    }

    /** The second-order cones of {@code dims}, from row {@code start}. */
    static SecondOrderCone of(ConeDims dims, int start, int lanes) {
        return new SecondOrderCone(start, dims.soc(), lanes);
    }

    @Override
    public void projectPrimal(double[] v, int offset) {
        for (int i = 0; i < sizes.length; i++) {
            project(v, offset + offsets[i], sizes[i], lanes(), work);
        }
    }

    /** Self-dual: the same projection. */
    @Override
    public void projectDual(double[] v, int offset) {
        projectPrimal(v, offset);
    }

    /** Workspace entries the batched {@link #project} needs: 2·lanes. */
    static int workspaceSize(int lanes) {
        return 2 * lanes;
    }

    /**
     * In place, every lane of one cone of {@code size} rows.
     *
     * @param work at least {@link #workspaceSize(int)} entries, overwritten
     */
    static void project(double[] v, int offset, int size, int lanes, double[] work) {
        // work[0, lanes): ‖x‖² then the new t; work[lanes, 2 lanes): scale of x
        for (int l = 0; l < lanes; l++) {
            work[l] = 0.0;
        }
        for (int i = 1; i < size; i++) {
            int row = offset + i * lanes;
            for (int l = 0; l < lanes; l++) {
                double x = v[row + l];
                work[l] += x * x;
            }
        }
        for (int l = 0; l < lanes; l++) {
            double t = v[offset + l];
            double nu = Math.sqrt(work[l]);
            if (nu <= t) {
                work[l] = t;
                work[lanes + l] = 1.0;
            } else if (nu <= -t) {
                work[l] = 0.0;
                work[lanes + l] = 0.0;
            } else {
                double half = 0.5 * (t + nu);
                work[l] = half;
                work[lanes + l] = half / nu;
            }
            v[offset + l] = work[l];
        }
        for (int i = 1; i < size; i++) {
            int row = offset + i * lanes;
            for (int l = 0; l < lanes; l++) {
                v[row + l] *= work[lanes + l];
            }
        }
    }

    /** In place, a single instance stored contiguously at {@code v[offset .. offset+size)}. */
    static void project(double[] v, int offset, int size) {
        double sq = 0.0;
        for (int i = 1; i < size; i++) {
            sq += v[offset + i] * v[offset + i];
        }
        double t = v[offset];
        double nu = Math.sqrt(sq);
        if (nu <= t) {
            return;
        }
        double tNew;
        double scale;
        if (nu <= -t) {
            tNew = 0.0;
            scale = 0.0;
        } else {
            tNew = 0.5 * (t + nu);
            scale = tNew / nu;
        }
        v[offset] = tNew;
        for (int i = 1; i < size; i++) {
            v[offset + i] *= scale;
        }
    }

    /**
     * Records DΠ at every lane of one cone: coefficients (a, b, c, d) of lane l at
     * {@code coef[coefOffset + j*lanes + l]}, j = 0..3, and ẑ (size − 1 rows, zero unless the
     * general case) at {@code dir[dirOffset + (i−1)*lanes + l]}. {@code work} needs {@code lanes}
     * entries.
     */
    static void linearize(double[] v, int offset, int size, int lanes, double[] coef, int coefOffset,
                                 double[] dir, int dirOffset, double[] work) {
        for (int l = 0; l < lanes; l++) {
            coef[coefOffset + l] = 0.0;
        }
        for (int i = 1; i < size; i++) {
            int row = offset + i * lanes;
            for (int l = 0; l < lanes; l++) {
                double x = v[row + l];
                coef[coefOffset + l] += x * x;
            }
        }
        for (int l = 0; l < lanes; l++) {
            double t = v[offset + l];
            double nu = Math.sqrt(coef[coefOffset + l]);
            double a;
            double b;
            double c;
            double d;
            double inv;
            if (nu <= t) {
                a = 1.0;
                b = 0.0;
                c = 1.0;
                d = 0.0;
                inv = 0.0;
            } else if (nu <= -t) {
                a = b = c = d = 0.0;
                inv = 0.0;
            } else {
                double ratio = t / nu;
                a = 0.5;
                b = 0.5;
                c = 0.5 * (1.0 + ratio);
                d = -0.5 * ratio;
                inv = 1.0 / nu;
            }
            coef[coefOffset + l] = a;
            coef[coefOffset + lanes + l] = b;
            coef[coefOffset + 2 * lanes + l] = c;
            coef[coefOffset + 3 * lanes + l] = d;
            work[l] = inv;
        }
        // ẑ = x/ν in the general case and 0 elsewhere, so that no 0·NaN can arise
        for (int i = 1; i < size; i++) {
            int row = offset + i * lanes;
            int zr = dirOffset + (i - 1) * lanes;
            for (int l = 0; l < lanes; l++) {
                dir[zr + l] = v[row + l] * work[l];
            }
        }
    }

    /**
     * out = DΠ·δ for every lane of one cone linearised by {@link #linearize}; DΠ is symmetric, so
     * this is also the transpose. {@code work} needs {@code lanes} entries.
     */
    static void applyDerivative(double[] coef, int coefOffset, double[] dir, int dirOffset, int size,
                                       int lanes, double[] d, int dOffset, double[] out, int outOffset,
                                       double[] work) {
        for (int l = 0; l < lanes; l++) {
            work[l] = 0.0;
        }
        for (int i = 1; i < size; i++) {
            int zr = dirOffset + (i - 1) * lanes;
            int dr = dOffset + i * lanes;
            for (int l = 0; l < lanes; l++) {
                work[l] += dir[zr + l] * d[dr + l];
            }
        }
        for (int l = 0; l < lanes; l++) {
            out[outOffset + l] = coef[coefOffset + l] * d[dOffset + l] + coef[coefOffset + lanes + l] * work[l];
        }
        for (int i = 1; i < size; i++) {
            int zr = dirOffset + (i - 1) * lanes;
            int dr = dOffset + i * lanes;
            int or = outOffset + i * lanes;
            for (int l = 0; l < lanes; l++) {
                double zh = dir[zr + l];
                out[or + l] = coef[coefOffset + lanes + l] * zh * d[dOffset + l]
                        + coef[coefOffset + 2 * lanes + l] * d[dr + l]
                        + coef[coefOffset + 3 * lanes + l] * zh * work[l];
            }
        }
    }

    @Override
    BlockDerivative derivative() {
        return new Derivative();
    }

    /** Per cone and lane: the coefficients (a, b, c, d) and ẑ of {@link #linearize}. */
    private final class Derivative extends BlockDerivative {
        private final int[] coefOffsets = new int[sizes.length];
        private final int[] dirOffsets = new int[sizes.length];
        private final double[] coefs;
        private final double[] dirs;

        Derivative() {
            int lanes = lanes();
            int dirRows = 0;
            for (int i = 0; i < sizes.length; i++) {
                coefOffsets[i] = 4 * i * lanes;
                dirOffsets[i] = dirRows * lanes;
                dirRows += sizes[i] - 1;
            }
            coefs = new double[4 * sizes.length * lanes];
            dirs = new double[dirRows * lanes];
        }

        /** Self-dual: the same for K and K*. */
        @Override
        void linearizeAt(double[] v, int offset, boolean dual) {
            for (int i = 0; i < sizes.length; i++) {
                linearize(v, offset + offsets[i], sizes[i], lanes(), coefs, coefOffsets[i], dirs, dirOffsets[i], work);
            }
        }

        /** Symmetric: the transpose is the same product. */
        @Override
        void apply(double[] d, int dOffset, double[] out, int outOffset, boolean transpose) {
            for (int i = 0; i < sizes.length; i++) {
                applyDerivative(coefs, coefOffsets[i], dirs, dirOffsets[i], sizes[i], lanes(), d,
                        dOffset + offsets[i], out, outOffset + offsets[i], work);
            }
        }
    }
}
