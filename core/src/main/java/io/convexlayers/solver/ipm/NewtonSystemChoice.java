// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

import io.convexlayers.data.SparsePattern;
import io.convexlayers.solver.linsys.SparseLdl;
import io.convexlayers.solver.linsys.TileMatrices;

/**
 * Which factorization the interior-point method's Newton system gets for a batch's structure: the
 * dense reduction ({@link ReducedKkt}), which pivots and handles second-order cones, or the sparse
 * whole system ({@link SparseKkt}) for zero and nonnegative cones. The sparse one is taken when its
 * factorization costs less than a quarter of the dense one's multiply-adds, or when the dense one
 * does not fit. The factor 4 stands for the dense kernels' cheaper flops (contiguous rows, no index
 * arrays); it is an estimate, not a tuned crossover. The choice depends only on the patterns, so it
 * is made once per batch.
 */
enum NewtonSystemChoice {
    DENSE,
    SPARSE,
    /** Neither fits: the batch goes to the first-order method. */
    NONE;

    /** Largest entries of the sparse factor L (8 bytes each, one factor per worker thread). */
    static final long MAX_SPARSE_ENTRIES = 30_000_000L;
    /** The dense reduction's multiply-adds must exceed the sparse one's by this factor. */
    private static final double SPARSE_ADVANTAGE = 4;
    /** Below this order the dense reduction is always taken (tiny, robust, pivoted). */
    private static final int ALWAYS_DENSE_ORDER = 60;

    /**
     * The choice for a program with n variables, m rows of which {@code zero} are equalities,
     * {@code coneCount} second-order and positive semidefinite cones (whose blocks of H only the dense
     * reduction takes), and the patterns of A and P (null without P).
     */
    static NewtonSystemChoice of(int n, int m, int zero, int coneCount, SparsePattern a, SparsePattern p) {
        long reduced = n + (long) zero;
        boolean denseFits = reduced <= ReducedKkt.MAX_REDUCED_ORDER;
        if (coneCount > 0) {
            return denseFits ? DENSE : NONE;
        }
        if (denseFits && reduced <= ALWAYS_DENSE_ORDER) {
            return DENSE;
        }
        TileMatrices structure = TileMatrices.structureOf(a, p);
        boolean sparseFits = SparseLdl.factorEntries(structure) <= MAX_SPARSE_ENTRIES;
        if (!denseFits) {
            return sparseFits ? SPARSE : NONE;
        }
        if (!sparseFits) {
            return DENSE;
        }
        double dense = reducedFlops(reduced, zero, a);
        double sparse = SparseLdl.factorFlops(structure);
        return sparse * SPARSE_ADVANTAGE < dense ? SPARSE : DENSE;
    }

    /** Multiply-adds of the dense reduction: assembling A_IᵀH⁻¹A_I and factoring order³/3. */
    private static double reducedFlops(long order, int zero, SparsePattern a) {
        int[] rowCount = new int[a.rows()];
        for (int q = 0; q < a.nnz(); q++) {
            rowCount[a.rowIndex(q)]++;
        }
        double assembly = 0;
        for (int r = zero; r < a.rows(); r++) {
            assembly += 0.5 * rowCount[r] * (rowCount[r] + 1.0);
        }
        return (double) order * order * order / 3 + assembly;
    }
}
