// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.testing;

import io.convexlayers.data.ConeDims;
import io.convexlayers.cone.ConeProjector;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.data.CscMatrix;

import java.util.Random;

/**
 * Random cone programs with a known optimal primal-dual solution (DESIGN §8). With z random,
 * <pre>
 *   s* = Π_K(z),  y* = s* − z = Π_{K*}(−z)   (Moreau: y* ∈ K*, s*ᵀy* = 0),
 *   x* random,  b = A x* + s*,  c = −Aᵀ y* − P x*,
 * </pre>
 * so (x*, y*, s*) satisfies the optimality conditions Ax + s = b, Px + Aᵀy + c = 0, s ∈ K,
 * y ∈ K*, sᵀy = 0 of minimize ½xᵀPx + cᵀx s.t. Ax + s = b, s ∈ K.
 * <p>
 * A (m×n, m = cones.rows()) has Gaussian entries at the given density; when m ≥ n it gets full
 * column rank by construction: n distinct random rows π(j) receive A[π(j), j] = ±(1 + Σ_{i≠j}
 * |A[π(i), j]|), so the n×n submatrix of those rows is strictly column diagonally dominant and
 * hence nonsingular. P (optional) is MᵀM + 0.01·I with M n×n Gaussian/√n at the same density,
 * stored as its upper triangle; it is positive definite. Deterministic for a given seed.
 */
public final class PlantedPrograms {
    private PlantedPrograms() {
    }

    /** A program and its planted optimal (x, y, s). */
    public record Planted(ConeProgram program, double[] x, double[] y, double[] s) {
        /**
         * The largest distance of a solution's x and y − s (the residual map's z = (x, y − s) at τ = 1)
         * from the planted ones, relative to the largest planted entry (at least 1).
         */
        public double distance(double[] solX, double[] solY, double[] solS) {
            double d = 0;
            double scale = 1;
            for (int j = 0; j < x.length; j++) {
                d = Math.max(d, Math.abs(solX[j] - x[j]));
                scale = Math.max(scale, Math.abs(x[j]));
            }
            for (int i = 0; i < y.length; i++) {
                double v = y[i] - s[i];
                d = Math.max(d, Math.abs(solY[i] - solS[i] - v));
                scale = Math.max(scale, Math.abs(v));
            }
            return d / scale;
        }
    }

    /** A random mix of every cone family (each family present with high probability). */
    public static ConeDims mixedCones(long seed) {
        Random rng = new Random(seed);
        ConeDims.Builder b = ConeDims.builder()
                .zero(1 + rng.nextInt(3))
                .nonneg(2 + rng.nextInt(5));
        int[] soc = new int[1 + rng.nextInt(3)];
        for (int i = 0; i < soc.length; i++) {
            soc[i] = 1 + rng.nextInt(5);
        }
        int[] psd = new int[rng.nextInt(3)];
        for (int i = 0; i < psd.length; i++) {
            psd[i] = 1 + rng.nextInt(4);
        }
        double[] power = new double[rng.nextInt(3)];
        for (int i = 0; i < power.length; i++) {
            double a = 0.1 + 0.8 * rng.nextDouble();
            power[i] = rng.nextBoolean() ? a : -a;
        }
        return b.soc(soc).psd(psd).exp(rng.nextInt(3)).dualExp(rng.nextInt(3)).power(power).build();
    }

    /**
     * A program over {@code cones} with {@code n} variables.
     *
     * @param density fraction of nonzero entries of A (and of M in P = MᵀM + 0.01·I), in (0, 1]
     * @param withP   whether the objective has a quadratic term
     */
    public static Planted generate(ConeDims cones, int n, double density, boolean withP, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1, got " + n);
        }
        if (!(density > 0 && density <= 1)) {
            throw new IllegalArgumentException("density must lie in (0, 1], got " + density);
        }
        Random rng = new Random(seed);
        int m = cones.rows();
        double[] z = gaussian(m, rng);
        double[] s = z.clone();
        new ConeProjector(cones, 1).projectPrimal(s, 0);
        double[] y = new double[m];
        for (int i = 0; i < m; i++) {
            y[i] = s[i] - z[i];
        }
        double[] x = gaussian(n, rng);

        double[][] a = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                if (rng.nextDouble() < density) {
                    a[i][j] = rng.nextGaussian();
                }
            }
        }
        int[] rows = permutation(m, rng);
        int pinned = Math.min(m, n);
        for (int j = 0; j < pinned; j++) {
            double off = 0;
            for (int i = 0; i < pinned; i++) {
                if (i != j) {
                    off += Math.abs(a[rows[i]][j]);
                }
            }
            a[rows[j]][j] = (rng.nextBoolean() ? 1 : -1) * (1 + off);
        }
        CscMatrix aMat = CscMatrix.fromDense("A", a);

        double[][] p = null;
        CscMatrix pMat = null;
        if (withP) {
            double[][] mm = new double[n][n];
            double scale = 1 / Math.sqrt(n);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (rng.nextDouble() < density) {
                        mm[i][j] = scale * rng.nextGaussian();
                    }
                }
            }
            p = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = i; j < n; j++) {
                    double acc = 0;
                    for (int k = 0; k < n; k++) {
                        acc += mm[k][i] * mm[k][j];
                    }
                    p[i][j] = acc;
                    p[j][i] = acc;
                }
                p[i][i] += 0.01;
            }
            pMat = CscMatrix.upperTriangleOf("P", p);
        }

        double[] b = s.clone();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                b[i] += a[i][j] * x[j];
            }
        }
        double[] c = new double[n];
        for (int j = 0; j < n; j++) {
            double acc = 0;
            for (int i = 0; i < m; i++) {
                acc -= a[i][j] * y[i];
            }
            if (p != null) {
                for (int k = 0; k < n; k++) {
                    acc -= p[j][k] * x[k];
                }
            }
            c[j] = acc;
        }
        ConeProgram program = new ConeProgram(pMat, aMat, b, c, cones);
        return new Planted(program, x, y, s);
    }

    private static double[] gaussian(int len, Random rng) {
        double[] v = new double[len];
        for (int i = 0; i < len; i++) {
            v[i] = rng.nextGaussian();
        }
        return v;
    }

    private static int[] permutation(int m, Random rng) {
        int[] p = new int[m];
        for (int i = 0; i < m; i++) {
            p[i] = i;
        }
        for (int i = m - 1; i > 0; i--) {
            int k = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[k];
            p[k] = t;
        }
        return p;
    }

}
