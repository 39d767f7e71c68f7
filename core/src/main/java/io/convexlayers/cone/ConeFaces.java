// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cone;

/**
 * Where a complementary pair (s, y) of a cone block sits, for the derivative's kink test: the codimension
 * of the face of K that holds s (how many independent conditions on x the block imposes near the
 * solution: 0 in the interior, 1 on the second-order cone's boundary, the block's dimension at its apex,
 * q(q + 1)/2 for a PSD matrix of nullity q), and whether the pair is strictly complementary.
 *
 * <p>The second-order and PSD cones are self-dual, and a complementary pair is strictly complementary
 * exactly when s + y lies in the interior of K (Alizadeh and Goldfarb, 2003, for the second-order cone;
 * Alizadeh, Haeberly and Overton, 1997, for the PSD cone): the projection onto K is differentiable at
 * y − s there and nowhere else on the pair's ray. The three-dimensional exponential and power cones are
 * not: for them a pair fails when one side is zero and the other is not inside its cone (a slack on the
 * boundary with a zero dual, or the reverse), the common case of a tight constraint whose multiplier
 * vanishes. A pair with both sides nonzero on the boundaries is strictly complementary, except on the
 * exponential cone's flat face {x ≤ 0, y = 0, z ≥ 0} ({@link #onFlatFaceEdge}): there the projection
 * is the linear map (r, s, t) ↦ (r, 0, max(t, 0)) on the region r &lt; 0, s &lt; 0, which kinks where that
 * region ends at r = 0 (the edge where the flat face meets the curved one) and at t = 0. Entries are read
 * as {@code v[start + i·stride]} (one lane of batch-minor data); {@code tol} is absolute.
 */
public final class ConeFaces {
    private ConeFaces() {
    }

    /** The codimension of the face of the second-order cone of {@code size} rows that holds s. */
    public static int socCodimension(double[] s, int start, int stride, int size, double tol) {
        double tail = tailNorm(s, start, stride, size);
        if (Math.max(Math.abs(s[start]), tail) <= tol) {
            return size; // the apex: every row of the block is pinned
        }
        return s[start] - tail <= tol ? 1 : 0;
    }

    /** Whether s + y lies in the interior of the second-order cone, by more than {@code tol}. */
    public static boolean socStrictlyComplementary(double[] s, double[] y, int start, int stride, int size,
                                                   double tol) {
        double head = s[start] + y[start];
        double sum = 0;
        for (int i = 1; i < size; i++) {
            double w = s[start + i * stride] + y[start + i * stride];
            sum += w * w;
        }
        return head - Math.sqrt(sum) > tol;
    }

    /** Where a PSD pair sits: the codimension of S's face, and whether the pair is strictly complementary. */
    public record PsdFace(int codimension, boolean strictlyComplementary) {
    }

    /**
     * The face of the order-k PSD pair (S, Y) (svec coordinates) from one eigendecomposition, of Y − S
     * (the matrix the projection decomposes): at a complementary pair S and Y commute, so its eigenvalues
     * are Y's positive ones, the negatives of S's positive ones, and a zero for each direction both
     * vanish on. S's nullity q is the number of eigenvalues not below −{@code tol} (codimension
     * q(q + 1)/2), and the pair is strictly complementary when none lies within {@code tol} of zero.
     */
    public static PsdFace psdFace(double[] s, double[] y, int start, int stride, int k, double tol) {
        int length = k * (k + 1) / 2;
        double[] svec = new double[length];
        for (int p = 0; p < length; p++) {
            int at = start + p * stride;
            svec[p] = y[at] - s[at];
        }
        double[] matrix = new double[k * k];
        SvecMatrix.unpack(svec, 0, 1, k, matrix);
        SymmetricEigen eigen = new SymmetricEigen(k);
        eigen.decompose(matrix, k);
        double[] values = eigen.valuesArray();
        int q = 0;
        boolean strict = true;
        for (int i = 0; i < k; i++) {
            q += values[i] >= -tol ? 1 : 0;
            strict &= Math.abs(values[i]) > tol;
        }
        return new PsdFace(q * (q + 1) / 2, strict);
    }

    /** The three-dimensional cones that are not self-dual, with their duals. */
    public enum Nonsymmetric {
        /** K_exp = cl{(x, y, z) : y·e^{x/y} ≤ z, y &gt; 0}. */
        EXP,
        /** K_exp* = cl{(u, v, w) : −u·e^{v/u} ≤ e·w, u &lt; 0}, as a primal cone. */
        DUAL_EXP,
        /** K_α = {(x, y, z) : x^α y^{1−α} ≥ |z|, x, y ≥ 0} for the α given. */
        POWER,
        /** K_α* = {(u, v, w) : (u/α)^α (v/(1−α))^{1−α} ≥ |w|, u, v ≥ 0}, as a primal cone. */
        DUAL_POWER;

        /** The dual cone's kind. */
        Nonsymmetric dual() {
            return switch (this) {
                case EXP -> DUAL_EXP;
                case DUAL_EXP -> EXP;
                case POWER -> DUAL_POWER;
                case DUAL_POWER -> POWER;
            };
        }
    }

    /**
     * The codimension of the face of a three-dimensional cone that holds s: 0 inside (by more than
     * {@code tol}), 3 at the apex, 1 elsewhere on the boundary.
     *
     * @param alpha the power cone's α (unused for the exponential cones)
     */
    public static int codimension(Nonsymmetric kind, double alpha, double[] s, int start, int stride, double tol) {
        if (magnitude(s, start, stride) <= tol) {
            return 3;
        }
        return interiorMargin(kind, alpha, s, start, stride) > tol ? 0 : 1;
    }

    /**
     * Whether the pair (s ∈ K, y ∈ K*) is strictly complementary as far as this test tells: false where
     * one side is within {@code tol} of zero and the other is not inside its cone by more than {@code tol}.
     */
    public static boolean strictlyComplementary(Nonsymmetric kind, double alpha, double[] s, double[] y, int start,
                                                int stride, double tol) {
        boolean sZero = magnitude(s, start, stride) <= tol;
        boolean yZero = magnitude(y, start, stride) <= tol;
        if (sZero && yZero) {
            return false;
        }
        if (yZero) {
            return interiorMargin(kind, alpha, s, start, stride) > tol;
        }
        if (sZero) {
            return interiorMargin(kind.dual(), alpha, y, start, stride) > tol;
        }
        return switch (kind) {
            case EXP -> !onFlatFaceEdge(s, y, start, stride, tol);
            case DUAL_EXP -> !onFlatFaceEdge(y, s, start, stride, tol); // y is the K_exp side
            default -> true;
        };
    }

    /**
     * Whether the complementary pair p ∈ K_exp, q ∈ K_exp* (both nonzero) sits where the projection onto
     * K_exp kinks although neither side vanishes: p on the flat face (p_y = 0) against q = (0, σ, w) on
     * K_exp*'s, with p on the face's edge — p = (0, 0, t), where the flat face meets the curved one — or
     * p = (r, 0, 0) with w = 0, where the projection's max(t, 0) turns. At v = p − q = (0, −1, 1) the
     * projection's ∂/∂r is 1 from the left and 0 from the right; at (−½, −1, 0) its ∂/∂t is 0 and 1.
     */
    static boolean onFlatFaceEdge(double[] p, double[] q, int start, int stride, double tol) {
        boolean flatPair = Math.abs(p[start + stride]) <= tol && Math.abs(q[start]) <= tol;
        if (!flatPair) {
            return false;
        }
        boolean edge = Math.abs(p[start]) <= tol;
        boolean zEnd = Math.abs(p[start + 2 * stride]) <= tol && Math.abs(q[start + 2 * stride]) <= tol;
        return edge || zEnd;
    }

    /**
     * How far inside the cone v lies, by the cone's own function ({@link ExpCone#interiorMargin},
     * {@link PowerCone#interiorMargin}): at most zero on the boundary and outside, −∞ where undefined.
     */
    static double interiorMargin(Nonsymmetric kind, double alpha, double[] v, int start, int stride) {
        double a = v[start];
        double b = v[start + stride];
        double c = v[start + 2 * stride];
        double margin = switch (kind) {
            case EXP -> ExpCone.interiorMargin(a, b, c);
            case DUAL_EXP -> ExpCone.dualInteriorMargin(a, b, c);
            case POWER -> PowerCone.interiorMargin(a, b, c, alpha);
            case DUAL_POWER -> PowerCone.interiorMargin(a / alpha, b / (1 - alpha), c, alpha);
        };
        return Double.isNaN(margin) ? Double.NEGATIVE_INFINITY : margin;
    }

    private static double magnitude(double[] v, int start, int stride) {
        return Math.max(Math.abs(v[start]), Math.max(Math.abs(v[start + stride]), Math.abs(v[start + 2 * stride])));
    }

    private static double tailNorm(double[] v, int start, int stride, int size) {
        double sum = 0;
        for (int i = 1; i < size; i++) {
            double x = v[start + i * stride];
            sum += x * x;
        }
        return Math.sqrt(sum);
    }
}
