// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.DataScaling;

/**
 * The interior-point method's Newton matrix K = [[P, Aᵀ], [A, −H]] in the limit its iterates approach
 * at a solution with strict complementarity — H → 0 on the active rows, H → ∞ on the others — for a
 * tile of LPs or QPs: the active KKT matrix [[P, A_𝒜ᵀ], [A_𝒜, −δI]] with the inactive rows left out,
 * factored as the tiled method factors its Newton matrix ({@link TileNewtonSystem}: equilibrated, the
 * active nonnegative rows eliminated into P + δI + Â_𝒜ᵀÂ_𝒜/δ, the equality rows by their Schur
 * complement, every lane at once) and applied as an approximate inverse to unscaled right-hand sides.
 * The solution map's derivative refines against the exact active KKT system with it (diff's interior
 * KKT solve): a backward pass costs one factorization of the kind a forward iteration makes, not one
 * dense LU per instance.
 *
 * <p>With the tile's equilibration (row factors D, column factors E, cost scale σ) the factored matrix
 * is K̂ = S·K·S for S = diag(√σ·E, D/√σ); {@link #solve} maps the right-hand side and the solution
 * through S. Its regularization δ = {@value #ACTIVE_WEIGHT} (the equality rows' own) is relative to the
 * equilibrated data, so a refinement step gains about eight digits whatever the data's scale.
 */
public final class ActiveKktMatrix {
    /**
     * Ĥ of an active nonnegative row in the equilibrated system: the equality rows' regularization
     * ({@link TileNewtonSystem#EQUALITY_REG}), so that both kinds of active rows are held alike.
     */
    public static final double ACTIVE_WEIGHT = TileNewtonSystem.EQUALITY_REG;
    /**
     * Ruiz passes of the equilibration: one. It only has to bring δ to the data's scale; on
     * small-qp-n10-b128 the method's ten passes were a third of a backward pass, and the refinement
     * steps were as many with none.
     */
    private static final int EQUILIBRATION_PASSES = 1;
    /**
     * Per thread, the matrix it last used: static, so a thread holds one matrix whatever the number of
     * structures made (a {@code ThreadLocal} per structure left a replaced structure's matrices in the
     * pool threads until their maps purged the entry).
     */
    private static final ThreadLocal<ActiveKktMatrix> PER_THREAD = new ThreadLocal<>();
    /** The structure this matrix was built for. */
    private final Structure owner;
    private final ScaledTile tile;
    private final TileNewtonSystem system;
    private final int lanes;
    private final int n;
    private final int m;
    private final int zero;
    private final int ineqEnd;
    private final double[] w;
    private final double[] r1;
    private final double[] r2;
    private final double[] sqrtCost;
    private final double[] invSqrtCost;
    /** S's diagonal: √σ·E (n × lanes) and D/√σ (m × lanes). */
    private final double[] colScale;
    private final double[] rowScale;

    private ActiveKktMatrix(Structure owner, IpmLayout layout, int lanes) {
        this.owner = owner;
        this.lanes = lanes;
        n = layout.n;
        m = layout.m;
        zero = layout.zero;
        ineqEnd = layout.zero + layout.nonneg;
        tile = new ScaledTile(layout, lanes);
        system = new TileNewtonSystem(tile, null);
        w = new double[m * lanes];
        r1 = new double[n * lanes];
        r2 = new double[m * lanes];
        sqrtCost = new double[lanes];
        invSqrtCost = new double[lanes];
        colScale = new double[n * lanes];
        rowScale = new double[m * lanes];
    }

    /**
     * The structure of a batch whose tiles this matrix serves, or null where the tiled interior-point
     * method's dense Newton system would not take the batch (cones other than zero and nonnegative, more
     * than {@value InteriorPointSolver#MAX_TILED_ORDER} variables, more equality rows than variables).
     * Shared by the batch's tiles; the last small structure (n + m ≤ {@value RecentWorkspace#MAX_ORDER}) is
     * kept for the next batch with the same pattern objects and cones, so that a layer's backward pass,
     * call after call, finds every worker's matrix already built (a quarter of a 16-instance backward
     * pass of a 10-variable QP went to building them).
     */
    public static Structure structure(BatchConeProgram program) {
        if (!IpmLayout.supports(program.cones()) || program.cones().soc().length > 0 || program.cones().psd().length > 0
                || program.n() > InteriorPointSolver.MAX_TILED_ORDER) {
            return null;
        }
        Structure kept = recent;
        if (kept != null && kept.builtFor(program)) {
            return kept;
        }
        // Dense whatever the method itself would choose: a tile's lanes are factored densely, as the
        // derivative's active blocks were, and the choice's symbolic analysis is not paid for.
        IpmLayout layout = new IpmLayout(program, NewtonSystemChoice.DENSE);
        if (!InteriorPointSolver.tileable(layout)) {
            return null;
        }
        Structure built = new Structure(layout);
        if (layout.n + (long) layout.m <= RecentWorkspace.MAX_ORDER) {
            recent = built;
        }
        return built;
    }

    /** The structure {@link #structure} keeps for the next batch of the same patterns (null: none yet). */
    private static volatile Structure recent;

    /**
     * A batch's shared structure. Each thread gets one matrix (with its workspace) per tile width and
     * reuses it for every tile it differentiates: a tile is done before the thread starts the next.
     */
    public static final class Structure {
        private final IpmLayout layout;

        private Structure(IpmLayout layout) {
            this.layout = layout;
        }

        /** Whether this structure is {@code program}'s: the same pattern objects, sizes and cones. */
        boolean builtFor(BatchConeProgram program) {
            return layout.aPattern == program.aPattern() && layout.pPattern == program.pPattern()
                    && layout.n == program.n() && layout.m == program.m() && layout.cones.equals(program.cones());
        }

        /** This thread's matrix for tiles of {@code lanes} lanes; it is refactored by each {@link #factor}. */
        public ActiveKktMatrix forTile(int lanes) {
            ActiveKktMatrix mine = PER_THREAD.get();
            if (mine == null || mine.owner != this || mine.lanes != lanes) {
                mine = new ActiveKktMatrix(this, layout, lanes);
                PER_THREAD.set(mine);
            }
            return mine;
        }
    }

    /**
     * Loads instances {@code first …} of {@code program} (lanes past its end repeat the last one),
     * equilibrates them and factors K with the nonnegative rows marked in {@code active} (m × lanes,
     * batch-minor; zero-cone rows are always active) held as equalities (Ĥ = {@value #ACTIVE_WEIGHT})
     * and the others left out (Ĥ = ∞: their v is zero). A lane whose matrix is not positive definite
     * where it must be gives NaN from {@link #solve}.
     */
    public void factor(BatchConeProgram program, int first, boolean[] active) {
        factor(program, first, active, null);
    }

    /**
     * {@link #factor(BatchConeProgram, int, boolean[])}, scaling the tile's data by the scaling the solve
     * recorded ({@link DataScaling}, null: none) where every instance of the tile has one, instead of
     * equilibrating it again: the solve's scaling brought the same data to unit size with more passes.
     */
    public void factor(BatchConeProgram program, int first, boolean[] active, DataScaling scaling) {
        if (!tile.loadScaled(program, first, scaling)) {
            tile.load(program, first, EQUILIBRATION_PASSES);
        }
        for (int l = 0; l < lanes; l++) {
            sqrtCost[l] = Math.sqrt(tile.costScale[l]);
            invSqrtCost[l] = 1 / sqrtCost[l];
        }
        double activeW = Math.sqrt(ACTIVE_WEIGHT);
        for (int t = zero * lanes; t < ineqEnd * lanes; t++) {
            w[t] = active[t] ? activeW : Double.POSITIVE_INFINITY;
        }
        for (int j = 0; j < n; j++) {
            int o = j * lanes;
            for (int l = 0; l < lanes; l++) {
                colScale[o + l] = sqrtCost[l] * tile.e[o + l];
            }
        }
        for (int i = 0; i < m; i++) {
            int o = i * lanes;
            for (int l = 0; l < lanes; l++) {
                rowScale[o + l] = tile.d[o + l] * invSqrtCost[l];
            }
        }
        system.factor(w);
    }

    /**
     * (u, v) ≈ K⁻¹(g1, g2) per lane, one solve with the factors and no refinement (u: n × lanes,
     * v: m × lanes, overwritten; g1 and g2 are left as they are).
     */
    public void solve(double[] g1, double[] g2, double[] u, double[] v) {
        for (int t = 0; t < n * lanes; t++) {
            r1[t] = g1[t] * colScale[t];
        }
        for (int t = 0; t < m * lanes; t++) {
            r2[t] = g2[t] * rowScale[t];
        }
        system.solveUnrefined(r1, r2, u, v);
        for (int t = 0; t < n * lanes; t++) {
            u[t] *= colScale[t];
        }
        for (int t = 0; t < m * lanes; t++) {
            v[t] *= rowScale[t];
        }
    }
}
