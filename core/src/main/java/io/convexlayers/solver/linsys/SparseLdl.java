// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

import io.convexlayers.batch.LaneGather;
import java.util.Arrays;

/**
 * Solves the tile's KKT system (see {@link LinearSystem})
 * <pre>
 *   [ rhoX·I + P    Aᵀ          ] [x]   [r_x]
 *   [ A            −diag(rhoY)  ] [y] = [r_y]
 * </pre>
 * by a sparse factorization Π·K·Πᵀ = L·D·Lᵀ (L unit lower triangular, D diagonal) of the whole
 * (n + m) × (n + m) matrix (DESIGN §4, strategy (c)). K is quasi-definite for rhoX &gt; 0, P ⪰ 0
 * and rhoY &gt; 0, so every symmetric permutation has such a factorization without pivoting
 * (Vanderbei, "Symmetric quasi-definite matrices", SIAM J. Optim. 5(1), 1995): D has n positive
 * and m negative entries. Π is the {@link MinimumDegreeOrdering} of K's pattern; the symbolic
 * analysis ({@link LdlSymbolic}) is done once at construction, the numeric factorization at each
 * {@link #factor}.
 *
 * <p>Numeric factorization: row by row ("up-looking": row k of L solves a sparse triangular
 * system along the elimination tree, column by column). Fill usually concentrates in the last
 * columns; when the trailing block of L is at least {@value #DENSE_TAIL_DENSITY} full (and at
 * least {@value #DENSE_TAIL_MIN} columns) it is stored as a dense lower triangle by columns, so
 * the same column updates run on contiguous memory without index arrays.
 *
 * <p>Per-lane mode: every lane has its own values of L and D (lanes innermost), factored by one
 * vectorized pass. Shared mode: one factorization from lane 0's values and rhoY serves all lanes;
 * it requires {@link TileMatrices#allShared()} and the caller must give every lane the same rhoY.
 * Each solve costs 2·nnz(L) + 2(n + m) multiply-adds per lane and allocates nothing. A lane whose
 * data contains NaN or infinities gets NaN results; other lanes are unaffected.
 */
public final class SparseLdl implements LinearSystem {
    static final double DENSE_TAIL_DENSITY = 0.95;
    static final int DENSE_TAIL_MIN = 24;

    private final TileMatrices mats;
    private final boolean shared;
    private final int n;
    private final int m;
    private final int lanes;
    private final int fl;
    private final KktPattern kkt;
    private final LdlSymbolic sym;
    /** Values of C = Π·K·Πᵀ (upper), fl lanes. */
    private final double[] cx;
    private final LdlFactor numeric;
    private final LdlSolver solver;
    /** Solve workspace (size × lanes), in the factor's order. */
    private final double[] z;
    private boolean factored;

    /**
     * @param mats   the tile's matrices
     * @param shared one factorization for all lanes (requires {@code mats.allShared()})
     * @throws IllegalArgumentException when shared is requested for per-lane matrices
     */
    public SparseLdl(TileMatrices mats, boolean shared) {
        this(mats, shared, null, -1);
    }

    /**
     * The fill of a factorization of these matrices' KKT pattern: entries of L over entries of the
     * KKT matrix's upper triangle (from the cached analysis; nothing is factored).
     */
    public static double fillRatio(TileMatrices mats) {
        LdlAnalysis an = LdlAnalysisCache.get(mats);
        return (double) (an.symbolic.nnz() + mats.n() + mats.m()) / an.kkt.nnz();
    }

    /**
     * A per-lane factorization whose ordering and symbolic analysis come from the cache shared with
     * the solver's own factorizations of the same patterns (so a derivative reuses the forward's).
     */
    public static SparseLdl perLaneWithCachedAnalysis(TileMatrices mats) {
        return new SparseLdl(mats, false, LdlAnalysisCache.get(mats));
    }

    /** With an analysis already computed for these matrices (by the factory), or null. */
    SparseLdl(TileMatrices mats, boolean shared, LdlAnalysis analysis) {
        this(mats, shared, analysis, -1);
    }

    /**
     * @param denseTailStart first column of the dense tail (size = none), or -1 for the automatic
     *                       choice
     */
    SparseLdl(TileMatrices mats, boolean shared, LdlAnalysis analysis, int denseTailStart) {
        this(mats, shared, analysis, denseTailStart, true);
    }

    /**
     * @param blockedTail whether a one-lane factor may take the blocked dense tail (false for a factor
     *                    compacted from several lanes, which keeps their row-by-row bits)
     */
    private SparseLdl(TileMatrices mats, boolean shared, LdlAnalysis analysis, int denseTailStart,
                      boolean blockedTail) {
        TileChecks.requireValid(mats);
        if (shared && !mats.allShared()) {
            throw new IllegalArgumentException("shared sparse factor needs P and A shared by all lanes");
        }
        LdlAnalysis an = analysis != null ? analysis : LdlAnalysis.of(mats);
        this.mats = mats;
        this.shared = shared;
        this.n = mats.n();
        this.m = mats.m();
        this.lanes = mats.lanes();
        this.fl = shared ? 1 : lanes;
        this.kkt = an.kkt;
        this.sym = an.symbolic;
        int size = n + m;
        int split = denseTailStart >= 0 ? Math.min(denseTailStart, size)
                : sym.denseTailStart(DENSE_TAIL_DENSITY, DENSE_TAIL_MIN);
        this.cx = new double[kkt.nnz() * fl];
        this.numeric = new LdlFactor(kkt, sym, fl, split, blockedTail);
        this.solver = new LdlSolver(numeric, lanes);
        this.z = new double[size * lanes];
    }

    /**
     * Dynamic regularization of a one-lane factorization (see {@link LdlFactor}): x-node pivots not
     * above {@code eps} become +{@code delta}, y-node pivots not below −{@code eps} become −{@code delta}.
     *
     * @throws IllegalStateException for a factorization of more than one lane
     */
    public void regularizeDynamically(double eps, double delta) {
        numeric.regularizeDynamically(n, eps, delta);
    }

    /** The smallest entry of D in the last factorization of lane 0 (after any replacement). */
    public double smallestPivot() {
        double min = Double.POSITIVE_INFINITY;
        for (int k = 0; k < n + m; k++) {
            min = Math.min(min, 1 / numeric.invD[k * fl]);
        }
        return min;
    }

    /** Pivots the last factorization replaced by dynamic regularization. */
    public int replacedPivots() {
        return numeric.replacedPivots();
    }

    /** Multiply-adds of one numeric factorization of the cached analysis of these matrices. */
    public static double factorFlops(TileMatrices mats) {
        return LdlAnalysisCache.get(mats).symbolic.factorFlops();
    }

    /** Entries of L (strictly lower part) of the cached analysis of these matrices' KKT pattern. */
    public static long factorEntries(TileMatrices mats) {
        return LdlAnalysisCache.get(mats).symbolic.nnz();
    }

    /** Entries of L (strictly lower part) in the symbolic pattern. */
    public int factorNonzeros() {
        return sym.nnz();
    }

    /** Sparse columns whose Schur complement update runs as a dense rank update (one-lane blocked tails). */
    int deferredColumnCount() {
        return numeric.deferredColumnCount();
    }

    /** Order of the dense trailing block (0 when L is factored sparsely throughout). */
    public int denseTailOrder() {
        return numeric.tail;
    }

    @Override
    public void factor(double rhoX, double[] rhoY) {
        LinearSystems.checkWeights(rhoX, rhoY, m, lanes);
        assemble(rhoX, rhoY);
        numeric.factor(cx);
        factored = true;
    }

    private void assemble(double rhoX, double[] rhoY) {
        Arrays.fill(cx, 0.0);
        for (int j = 0; j < n; j++) {
            int o = kkt.xDiagDest[j] * fl;
            for (int l = 0; l < fl; l++) {
                cx[o + l] = rhoX;
            }
        }
        for (int i = 0; i < m; i++) {
            int o = kkt.yDiagDest[i] * fl;
            for (int l = 0; l < fl; l++) {
                cx[o + l] = -rhoY[i * lanes + l];
            }
        }
        addValues(kkt.aDest, mats.aValues(), mats.aShared());
        if (mats.pPattern() != null) {
            addValues(kkt.pDest, mats.pValues(), mats.pShared());
        }
    }

    private void addValues(int[] dest, double[] values, boolean valuesShared) {
        for (int k = 0; k < dest.length; k++) {
            int o = dest[k] * fl;
            if (valuesShared) {
                double v = values[k];
                for (int l = 0; l < fl; l++) {
                    cx[o + l] += v;
                }
            } else {
                // fl = lanes here: shared mode requires shared values
                for (int l = 0; l < fl; l++) {
                    cx[o + l] += values[k * lanes + l];
                }
            }
        }
    }

    @Override
    public void solve(double[] rhs) {
        if (!factored) {
            throw new IllegalStateException("solve before factor");
        }
        int size = n + m;
        int[] perm = kkt.perm;
        if (lanes == 1) {
            // One entry per row: plain loads and stores (a call to copy one entry cost a fifth of the solve).
            for (int k = 0; k < size; k++) {
                z[k] = rhs[perm[k]];
            }
            solver.solve(z);
            for (int k = 0; k < size; k++) {
                rhs[perm[k]] = z[k];
            }
            return;
        }
        for (int k = 0; k < size; k++) {
            System.arraycopy(rhs, perm[k] * lanes, z, k * lanes, lanes);
        }
        solver.solve(z);
        for (int k = 0; k < size; k++) {
            System.arraycopy(z, k * lanes, rhs, perm[k] * lanes, lanes);
        }
    }

    @Override
    public boolean sharedFactor() {
        return shared;
    }

    @Override
    public String name() {
        return shared ? "shared-sparse-ldl" : "sparse-ldl";
    }

    @Override
    public boolean canCompact() {
        return true;
    }

    /** Gathers the kept lanes' factors (a shared factor is copied); ordering and dense tail stay. */
    @Override
    public LinearSystem compact(TileMatrices narrow, int[] keep) {
        SparseLdl out = new SparseLdl(narrow, shared, new LdlAnalysis(kkt, sym), numeric.split, fl == 1);
        copyLanes(numeric.lx, out.numeric.lx, keep);
        copyLanes(numeric.dense, out.numeric.dense, keep);
        copyLanes(numeric.invD, out.numeric.invD, keep);
        out.factored = factored;
        return out;
    }

    private void copyLanes(double[] src, double[] dst, int[] keep) {
        if (shared) {
            System.arraycopy(src, 0, dst, 0, src.length);
        } else if (src.length > 0) {
            LaneGather.gatherInto(src, lanes, keep, dst);
        }
    }
}
