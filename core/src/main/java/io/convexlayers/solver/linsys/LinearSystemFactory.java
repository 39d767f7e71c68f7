// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

import io.convexlayers.InvalidSettingsException;
import io.convexlayers.solver.LinearSystemKind;

/**
 * Chooses and builds the {@link LinearSystem} of a tile (DESIGN §4, "Linear-system strategies").
 * Every implementation solves, per lane, [[rhoX·I + P, Aᵀ], [A, −diag(rhoY)]]·(x; y) = (r_x; r_y).
 *
 * <p>Rules:
 * <ul>
 * <li>{@link LinearSystemKind#SHARED}: one factorization for all lanes; requires
 *     {@link TileMatrices#allShared()} (P and A parameter-free), otherwise
 *     {@link InvalidSettingsException} on {@code linearSystem}. The method is the shared
 *     {@link DenseReducedCholesky} when n ≤ {@value #SHARED_DENSE_MAX_N} and the reduced matrix is
 *     not very sparse — precisely, when a dense solve (n² + 2·nnz(A) multiply-adds per lane) costs
 *     no more than a sparse one (2·nnz(L) for the ordered KKT factor L) — else the shared
 *     {@link SparseLdl}.</li>
 * <li>{@link LinearSystemKind#DENSE}: {@link DenseReducedCholesky}, one factor per lane; for
 *     n &gt; {@value #DENSE_MAX_N} an {@link InvalidSettingsException} on {@code linearSystem}.</li>
 * <li>{@link LinearSystemKind#SPARSE}: {@link SparseLdl}, one factor per lane.</li>
 * <li>{@link LinearSystemKind#CG}: {@link ConjugateGradient} with its default schedule.</li>
 * <li>{@link LinearSystemKind#AUTO}: SHARED when {@link TileMatrices#allShared()}; otherwise DENSE
 *     when n ≤ {@value #AUTO_DENSE_MAX_N} and the dense cost per solve plus 1/{@value #SOLVES_PER_FACTOR}
 *     of the factorization cost is no more than the sparse one (dense wins for small n unless the
 *     matrices are very sparse: the dense kernels run 8 lanes in registers on contiguous data); else
 *     SPARSE.</li>
 * </ul>
 * The sparse orderings and symbolic analyses are cached by structure, so the tiles of a batch
 * share them.
 */
public final class LinearSystemFactory {
    /** Largest n for a shared dense factor (n(n+1)/2 doubles: 4 MB at 1000). */
    public static final int SHARED_DENSE_MAX_N = 1000;
    /**
     * Largest n for which DENSE is accepted: n(n+1)/2 doubles per lane (17 MB at 2 048) and n³/6
     * multiply-adds (1.4 Gflop) per factorization. Beyond it the factor of a fuzzed layer did not
     * fit in an array (an untyped IllegalArgumentException) or would have needed tens of gigabytes.
     */
    public static final int DENSE_MAX_N = 2048;
    /** Largest n for per-lane dense factors under AUTO. */
    public static final int AUTO_DENSE_MAX_N = 300;
    /** Solves per factorization assumed when weighing factorization cost under AUTO. */
    static final int SOLVES_PER_FACTOR = 50;

    private LinearSystemFactory() {
    }

    /**
     * @throws InvalidSettingsException for SHARED with matrices that vary across lanes
     */
    public static LinearSystem create(LinearSystemKind kind, TileMatrices mats) {
        TileChecks.requireValid(mats);
        switch (kind) {
            case SHARED:
                if (!mats.allShared()) {
                    throw new InvalidSettingsException("linearSystem", kind,
                            "one shared factorization needs P and A identical for every instance "
                                    + "(parameter-free); use AUTO, DENSE, SPARSE or CG");
                }
                return shared(mats);
            case DENSE:
                if (mats.n() > DENSE_MAX_N) {
                    throw new InvalidSettingsException("linearSystem", kind, "a dense factor of order " + mats.n()
                            + " per instance is beyond the limit of " + DENSE_MAX_N + "; use AUTO, SPARSE or CG");
                }
                return new DenseReducedCholesky(mats, false);
            case SPARSE:
                return new SparseLdl(mats, false, LdlAnalysisCache.get(mats));
            case CG:
                return new ConjugateGradient(mats);
            case AUTO:
                return mats.allShared() ? shared(mats) : perLane(mats);
            default:
                throw new InvalidSettingsException("linearSystem", kind, "unknown kind");
        }
    }

    /**
     * AUTO's choice among factors per lane: DENSE when n ≤ {@value #AUTO_DENSE_MAX_N} and its cost per
     * solve (with the amortized factorization) is no more than the sparse one's, else SPARSE. Also for
     * shared matrices whose lanes need scales of their own (the first-order tile's lanes of very different
     * b/c balance).
     */
    public static LinearSystem perLane(TileMatrices mats) {
        TileChecks.requireValid(mats);
        if (mats.n() <= AUTO_DENSE_MAX_N) {
            LdlAnalysis an = LdlAnalysisCache.get(mats);
            if (denseCost(mats, true) <= sparseCost(an, true)) {
                return new DenseReducedCholesky(mats, false);
            }
            return new SparseLdl(mats, false, an);
        }
        return new SparseLdl(mats, false, LdlAnalysisCache.get(mats));
    }

    /**
     * The factorization for one factorization followed by about {@code solves} solves (solution
     * polishing): DENSE (the per-lane {@link DenseReducedCholesky}) when n ≤ {@value #AUTO_DENSE_MAX_N} and its
     * forming, factoring and {@code solves} solves cost no more multiply-adds than the sparse LDLᵀ's,
     * else SPARSE. Unlike {@link LinearSystemKind#AUTO} the factorization is not amortized over an
     * iterative method's hundreds of solves, and shared matrices get a factor per lane too (the
     * weights differ per lane). Reads the structure only ({@link TileMatrices#structureOf} will do).
     */
    public static LinearSystemKind kindForFewSolves(TileMatrices structure, int solves) {
        if (structure.n() > AUTO_DENSE_MAX_N) {
            return LinearSystemKind.SPARSE;
        }
        LdlAnalysis an = LdlAnalysisCache.get(structure);
        double dense = denseFormAndFactor(structure) + solves * denseCost(structure, false);
        double sparse = an.symbolic.factorFlops() + solves * sparseCost(an, false);
        return dense <= sparse ? LinearSystemKind.DENSE : LinearSystemKind.SPARSE;
    }

    private static LinearSystem shared(TileMatrices mats) {
        LdlAnalysis an = LdlAnalysisCache.get(mats);
        if (mats.n() <= SHARED_DENSE_MAX_N && denseCost(mats, false) <= sparseCost(an, false)) {
            return new DenseReducedCholesky(mats, true);
        }
        return new SparseLdl(mats, true, an);
    }

    /** Multiply-adds per lane of one dense reduced solve, plus the amortized factorization. */
    static double denseCost(TileMatrices mats, boolean withFactor) {
        double n = mats.n();
        double cost = n * n + 2.0 * mats.aPattern().nnz();
        if (withFactor) {
            cost += denseFormAndFactor(mats) / SOLVES_PER_FACTOR;
        }
        return cost;
    }

    /** Multiply-adds per lane of forming the reduced matrix (Σ over rows of A of nnz(row)²/2) and factoring it. */
    private static double denseFormAndFactor(TileMatrices mats) {
        double n = mats.n();
        int[] rowCount = new int[mats.m()];
        int[] rows = mats.aPattern().rowIndexArray();
        for (int k = 0; k < mats.aPattern().nnz(); k++) {
            rowCount[rows[k]]++;
        }
        double form = 0;
        for (int c : rowCount) {
            form += (double) c * (c + 1) / 2;
        }
        return form + n * n * n / 6;
    }

    /** Multiply-adds per lane of one sparse LDLᵀ solve, plus the amortized factorization. */
    static double sparseCost(LdlAnalysis an, boolean withFactor) {
        double cost = 2.0 * an.symbolic.nnz() + an.kkt.size;
        if (withFactor) {
            cost += an.symbolic.factorFlops() / SOLVES_PER_FACTOR;
        }
        return cost;
    }
}
