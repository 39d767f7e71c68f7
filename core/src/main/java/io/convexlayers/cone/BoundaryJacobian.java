// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cone;

/**
 * The Jacobian of a projection onto a smooth piece of a cone's boundary, by the implicit function
 * theorem on the projection's optimality conditions
 * <pre>
 *   p − v + μ∇g(p) = 0,   g(p) = 0,   μ &gt; 0,
 * </pre>
 * whose linearisation [[H, c], [cᵀ, 0]]·(dp, dμ) = (dv, 0), with H = I + μ∇²g(p) and
 * c = ∇g(p), gives
 * <pre>
 *   DΠ(v) = H⁻¹ − H⁻¹c cᵀH⁻¹ / (cᵀH⁻¹c)      (symmetric).
 * </pre>
 * For the exponential and power cones ∇²g is rank one and lives in the first two coordinates,
 * μ∇²g = κ·w wᵀ, so in the orthonormal basis (ŵ, n, e_z), ŵ = w/‖w‖ (third component 0) and
 * n = ŵ turned by +90° in the xy-plane, H⁻¹ = diag(1 − θ, 1, 1) with
 * 1 − θ = 1/(1 + κ‖w‖²) (Sherman–Morrison). Callers pass 1 − θ, ŵ and the coordinates
 * (c_w, c_n, c_z) of any positive multiple of c in that basis, each computed in closed form:
 * forming H⁻¹c in x, y coordinates instead cancels catastrophically where c is nearly parallel
 * to w (e.g. far out on the exponential cone's boundary).
 */
final class BoundaryJacobian {
    private BoundaryJacobian() {
    }

    /**
     * Writes DΠ (row-major 3×3) to {@code jac[base + e*stride]}, e = 0..8, given
     * {@code oneMinusTheta} = 1 − θ, the unit vector ŵ = (w0, w1, 0) and c = c_w ŵ + c_n n + c_z e_z
     * with n = (−w1, w0, 0). When cᵀH⁻¹c is not positive (a degenerate point) the constraint term
     * is dropped and H⁻¹ is written.
     */
    static void write(double oneMinusTheta, double w0, double w1, double cw, double cn, double cz, double[] jac,
                      int base, int stride) {
        double big = Math.max(Math.abs(cw), Math.max(Math.abs(cn), Math.abs(cz)));
        if (big > 0 && Double.isFinite(big)) {
            cw /= big;
            cn /= big;
            cz /= big;
        }
        // J' = diag(1 − θ, 1, 1) − u uᵀ/σ in the basis (ŵ, n, e_z), u = H⁻¹c
        double u0 = oneMinusTheta * cw;
        double sigma = u0 * cw + cn * cn + cz * cz;
        double inv = sigma > 0 && Double.isFinite(sigma) ? 1.0 / sigma : 0.0;
        double a00 = oneMinusTheta - inv * u0 * u0;
        double a01 = -inv * u0 * cn;
        double a02 = -inv * u0 * cz;
        double a11 = 1.0 - inv * cn * cn;
        double a12 = -inv * cn * cz;
        double a22 = 1.0 - inv * cz * cz;
        // rotate back: R = [ŵ n e_z], J = R J' Rᵀ
        double n0 = -w1;
        double n1 = w0;
        double j00 = w0 * (a00 * w0 + a01 * n0) + n0 * (a01 * w0 + a11 * n0);
        double j01 = w0 * (a00 * w1 + a01 * n1) + n0 * (a01 * w1 + a11 * n1);
        double j11 = w1 * (a00 * w1 + a01 * n1) + n1 * (a01 * w1 + a11 * n1);
        double j02 = w0 * a02 + n0 * a12;
        double j12 = w1 * a02 + n1 * a12;
        jac[base] = j00;
        jac[base + stride] = j01;
        jac[base + 2 * stride] = j02;
        jac[base + 3 * stride] = j01;
        jac[base + 4 * stride] = j11;
        jac[base + 5 * stride] = j12;
        jac[base + 6 * stride] = j02;
        jac[base + 7 * stride] = j12;
        jac[base + 8 * stride] = a22;
    }

    /** jac ← diag(d0, d1, d2). */
    static void diagonal(double d0, double d1, double d2, double[] jac, int base, int stride) {
        for (int e = 0; e < 9; e++) {
            jac[base + e * stride] = 0.0;
        }
        jac[base] = d0;
        jac[base + 4 * stride] = d1;
        jac[base + 8 * stride] = d2;
    }

    /** jac ← I − jac (the Moreau relation DΠ_{K*}(v) = I − DΠ_K(−v)). */
    static void complement(double[] jac, int base, int stride) {
        for (int e = 0; e < 9; e++) {
            int i = base + e * stride;
            jac[i] = (e % 4 == 0 ? 1.0 : 0.0) - jac[i];
        }
    }
}
