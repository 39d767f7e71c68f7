// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver;

/**
 * How the solver's KKT systems are solved (DESIGN §4). {@link #AUTO} picks by structure and size.
 */
public enum LinearSystemKind {
    /** Choose automatically: SHARED when P and A are shared, DENSE for small n, SPARSE otherwise. */
    AUTO,
    /** P and A identical for the whole batch: one factorization reused by every instance. */
    SHARED,
    /** Dense Cholesky of the reduced n×n system, one per instance. */
    DENSE,
    /** Sparse LDLᵀ of the quasi-definite KKT matrix with a fill-reducing ordering, one per instance. */
    SPARSE,
    /** Matrix-free Jacobi-preconditioned conjugate gradients on the reduced system. */
    CG
}
