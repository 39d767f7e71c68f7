// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

/** Which solve produced one instance's derivative (see {@link DerivativeMode} for the choice). */
public enum DerivativeMethod {
    /** The active block of M factored densely (exact up to the forward solution's accuracy). */
    DENSE_ACTIVE_BLOCK,
    /** M's full dense form by a truncated SVD (dense mode, where the active block does not apply). */
    DENSE_SVD,
    /** The active block of an LP or QP by a sparse LDLᵀ or a Schur-complement conjugate gradient. */
    SPARSE_ACTIVE_BLOCK,
    /**
     * An LP's or QP's active KKT system, refined to exactness with the limit of the interior-point
     * method's Newton matrix (one factorization per tile of instances, not one LU per instance).
     */
    ACTIVE_KKT,
    /**
     * A second-order-cone program's derivative through its cones' faces: the active KKT system
     * generalized with each cone's eigenbasis of DΠ, one dense factorization of order n per instance,
     * refined to exactness ({@code ConeFaceStep}).
     */
    CONE_FACES,
    /** Batched LSQR on M, matrix-free. */
    LSQR,
    /** None: the instance has no solution, its derivative is zero. */
    NONE
}
