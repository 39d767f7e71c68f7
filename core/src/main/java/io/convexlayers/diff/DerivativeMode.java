// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

/**
 * How the derivative's linear system M·dz = r (or Mᵀ) is solved. Every mode applies the same
 * pseudo-inverse (minimum-norm least squares); they differ in cost and robustness.
 */
public enum DerivativeMode {
    /**
     * For LPs and QPs of the size the tiled interior-point method takes (zero and nonnegative cones,
     * n ≤ 256, no more equality rows than variables) in batches of at least eight: the active KKT system
     * by one factorization per tile of instances ({@link DerivativeMethod#ACTIVE_KKT}), each lane at a kink handed to the rules
     * below. For programs with second-order cones besides zero and nonnegative ones (n ≤ 1200): the same
     * kind of system in each cone's eigenbasis, one factorization of order n per instance
     * ({@link DerivativeMethod#CONE_FACES}); a tile with a kink, or whose solve is not exact, goes to the
     * rules below. Otherwise DENSE when every instance's active block has
     * at most {@link DerivativeSettings#denseThreshold()} coordinates; else SPARSE when the cones are all
     * zero and nonnegative (LPs and QPs) and P is diagonal or the factorization stays sparse; else
     * LSQR.
     */
    AUTO,
    /** Matrix-free batched LSQR. */
    LSQR,
    /**
     * The active block of M (x, τ and the rows whose dual-cone projection is not locally zero) formed
     * per instance from the sparse data and factored by one dense LU; SVD at non-differentiable points.
     * Blocks (and, for the SVD, whole M) of more than 2 048 coordinates are never formed: those
     * instances use LSQR (a dense LU of order 2 048 already costs about 6 Gflop).
     */
    DENSE,
    /**
     * For programs with only zero and nonnegative cones: the active KKT block solved by conjugate
     * gradients on its Schur complement when P is diagonal and positive, else factored by a sparse
     * LDLᵀ on the solver's KKT pattern (ordering shared with the forward solve), with iterative
     * refinement; instances where that fails (a degenerate vertex), and other cones, use LSQR.
     */
    SPARSE
}
