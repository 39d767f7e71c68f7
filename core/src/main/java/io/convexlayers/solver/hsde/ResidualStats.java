// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.hsde;

/**
 * Layout of the per-lane residual statistics returned by {@link HsdeKernels#residuals}; every
 * quantity refers to the unscaled program. Solution measures use (x, y, s) = iterate / τ;
 * certificate measures use the unnormalized directions (x̂, ŷ, ŝ) mapped back without τ.
 */
public final class ResidualStats {
    /** ‖Ax + s − b‖∞. */
    public static final int PRIMAL_RES = 0;
    /** max(‖Ax‖∞, ‖s‖∞, ‖b‖∞). */
    public static final int PRIMAL_SCALE = 1;
    /** ‖Px + Aᵀy + c‖∞. */
    public static final int DUAL_RES = 2;
    /** max(‖Px‖∞, ‖Aᵀy‖∞, ‖c‖∞). */
    public static final int DUAL_SCALE = 3;
    /** |xᵀPx + cᵀx + bᵀy|. */
    public static final int GAP = 4;
    /** max(|xᵀPx|, |cᵀx|, |bᵀy|). */
    public static final int GAP_SCALE = 5;
    /** ½xᵀPx + cᵀx. */
    public static final int PRIMAL_OBJ = 6;
    /** −½xᵀPx − bᵀy. */
    public static final int DUAL_OBJ = 7;
    /** τ. */
    public static final int TAU = 8;
    /** κ. */
    public static final int KAPPA = 9;
    /** bᵀy of the direction y = Dŷ/σ (negative for an infeasibility certificate). */
    public static final int CERT_BTY = 10;
    /** ‖Aᵀy‖∞ of the same direction. */
    public static final int CERT_ATY = 11;
    /** cᵀx of the direction x = Ex̂/σ (negative for an unboundedness certificate). */
    public static final int CERT_CTX = 12;
    /** ‖Ax + s‖∞ of the directions x = Ex̂/σ, s = D⁻¹ŝ/σ. */
    public static final int CERT_AXS = 13;
    /** ‖Px‖∞ of the direction x. */
    public static final int CERT_PX = 14;
    /** Number of statistics per lane. */
    public static final int WIDTH = 15;

    private ResidualStats() {
    }
}
