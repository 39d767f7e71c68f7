// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

import io.convexlayers.batch.LaneLoops;
import io.convexlayers.batch.LaneSimd;
import io.convexlayers.batch.TileSparse;
import io.convexlayers.data.SparsePattern;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.DataScaling;
import io.convexlayers.solver.hsde.Equilibration;
import io.convexlayers.solver.hsde.ResidualStats;
import io.convexlayers.solver.linsys.PackedCholesky;
import io.convexlayers.solver.linsys.TileMatrices;
import java.util.Arrays;

/**
 * A tile of instances equilibrated for the interior-point method: {@link ScaledInstance}'s scaling
 * (the same Ruiz passes, row factor per cone and cost scale) applied to {@code lanes} instances at
 * once, their values batch-minor (entry k of lane l at {@code k·lanes + l}), so that the products and
 * the Newton matrix's assembly run over all lanes in one pass (with SIMD where the JVM offers it).
 * Holds its workspace: one object serves every tile a worker solves ({@link #load}).
 */
final class ScaledTile {
    final IpmLayout layout;
    final int lanes;
    /** Â's values in CSC order, batch-minor. */
    final double[] a;
    /** P̂'s upper-triangle values, batch-minor (null without P). */
    final double[] p;
    final double[] b;
    final double[] c;
    /** Row factors D (m × lanes), column factors E (n × lanes), cost scale per lane. */
    final double[] d;
    final double[] e;
    final double[] costScale;
    /**
     * ‖A‖max per lane, then max(‖A‖max, ‖P‖max), of the unscaled lanes ({@link ResidualStats#matrixMagnitudes}),
     * for the solver's certificates: set by {@link #load} only (the derivative's {@link #loadScaled} needs none).
     */
    final double[] magnitudes;
    /** Â and P̂ as the linear-system package sees them (the arrays above, updated in place). */
    final TileMatrices mats;
    private final double[] colNorm;
    /** Workspace of {@link #scaleVectorsAndCost}: the cost scales computed from the scaled data. */
    private final double[] computedCost;
    /** A pivot L_jj² at least this times the largest diagonal entry of P̂ leaves no doubt of definiteness. */
    static final double CLEAR_PIVOT = 1e-6;
    /** Workspace of {@link #clearlyPositiveDefinite} (allocated on first use). */
    private double[] packedP;
    private double[] packedInv;
    private boolean[] cleared;
    private double[] maxDiag;

    ScaledTile(IpmLayout layout, int lanes) {
        this.layout = layout;
        this.lanes = lanes;
        a = new double[layout.aPattern.nnz() * lanes];
        p = layout.pPattern == null ? null : new double[layout.pPattern.nnz() * lanes];
        b = new double[layout.m * lanes];
        c = new double[layout.n * lanes];
        d = new double[layout.m * lanes];
        e = new double[layout.n * lanes];
        costScale = new double[lanes];
        magnitudes = new double[2 * lanes];
        colNorm = new double[layout.n * lanes];
        computedCost = new double[lanes];
        mats = new TileMatrices(layout.aPattern, a, false, layout.pPattern, p, false, lanes);
    }

    /**
     * Reads instances {@code first …} into the lanes (lanes past the batch's end repeat its last
     * instance) and equilibrates them (or only copies them).
     */
    void load(BatchConeProgram batch, int first, boolean equilibrate) {
        load(batch, first, equilibrate ? ScaledInstance.RUIZ_PASSES : 0);
    }

    /**
     * Reads instances {@code first …} into the lanes and scales them by a recorded scaling (the one the
     * solve used: {@link DataScaling}) instead of equilibrating them, when every instance of the tile has
     * one; false, with nothing read, otherwise.
     */
    boolean loadScaled(BatchConeProgram batch, int first, DataScaling scaling) {
        if (scaling == null || !scaling.copyTile(first, lanes, d, e, costScale)) {
            return false;
        }
        batch.aValues().copyTile(first, lanes, a);
        batch.b().copyTile(first, lanes, b);
        batch.c().copyTile(first, lanes, c);
        Equilibration.applyFactors(layout.aPattern, a, lanes, d, e, false);
        if (p != null) {
            batch.pValues().copyTile(first, lanes, p);
            Equilibration.applyFactors(layout.pPattern, p, lanes, e, e, true);
        }
        scaleVectorsAndCost();
        return true;
    }

    /**
     * With Â and P̂ scaled by D and E: b̂ = D·b, ĉ = E·c, then the cost scale σ of each lane whose σ is NaN
     * (none recorded, or {@link #equilibrate}'s) from P̂ and ĉ, and P̂, ĉ multiplied by σ.
     */
    private void scaleVectorsAndCost() {
        for (int t = 0; t < b.length; t++) {
            b[t] *= d[t];
        }
        for (int t = 0; t < c.length; t++) {
            c[t] *= e[t];
        }
        boolean missing = false;
        for (double sigma : costScale) {
            missing |= Double.isNaN(sigma);
        }
        if (missing) {
            ScaledInstance.costScales(layout.pPattern, p, c, lanes, colNorm, computedCost);
            for (int l = 0; l < lanes; l++) {
                if (Double.isNaN(costScale[l])) {
                    costScale[l] = computedCost[l];
                }
            }
        }
        if (p != null) {
            LaneLoops.scale(p, p.length / lanes, lanes, costScale);
        }
        LaneLoops.scale(c, c.length / lanes, lanes, costScale);
    }

    /** {@link #load(BatchConeProgram, int, boolean)} with {@code passes} Ruiz passes (0: only copies). */
    void load(BatchConeProgram batch, int first, int passes) {
        batch.aValues().copyTile(first, lanes, a);
        batch.b().copyTile(first, lanes, b);
        batch.c().copyTile(first, lanes, c);
        if (p != null) {
            batch.pValues().copyTile(first, lanes, p);
        }
        ResidualStats.matrixMagnitudes(a, p, lanes, lanes, magnitudes);
        Arrays.fill(d, 1);
        Arrays.fill(e, 1);
        Arrays.fill(costScale, 1);
        if (passes > 0) {
            equilibrate(passes);
        }
    }

    /** {@link ScaledInstance}'s equilibration, every lane at once. */
    private void equilibrate(int passes) {
        Equilibration.Factors f = Equilibration.scaleMatrices(layout.aPattern, a, layout.pPattern, p, layout.cones,
                lanes, true, passes);
        System.arraycopy(f.d(), 0, d, 0, d.length);
        System.arraycopy(f.e(), 0, e, 0, e.length);
        Arrays.fill(costScale, Double.NaN); // every lane's σ from the scaled data
        scaleVectorsAndCost();
    }

    /**
     * Whether each of the first {@code live} lanes' P̂ is positive semidefinite, by {@link #objectiveIsConvex}'s
     * test. In a SIMD tile of eight one Cholesky factorization of every lane's P̂ comes first, and a lane
     * whose every pivot L_jj² is at least {@link #CLEAR_PIVOT} times its largest diagonal entry is positive
     * definite beyond doubt; only the other lanes take the pivoted test one by one.
     */
    void convexLanes(int live, boolean[] out, QuasiDefiniteLdl work) {
        boolean[] cleared = clearlyPositiveDefinite();
        for (int l = 0; l < live; l++) {
            out[l] = cleared != null && cleared[l] || objectiveIsConvex(l, work);
        }
    }

    /** Lanes whose P̂ the 8-lane Cholesky finds positive definite with a margin; null where it does not run. */
    private boolean[] clearlyPositiveDefinite() {
        if (p == null || lanes != 8 || LaneSimd.kernels() == null) {
            return null;
        }
        int n = layout.n;
        if (packedP == null) {
            packedP = new double[PackedCholesky.packedLength(n, 8)];
            packedInv = new double[n * 8];
            cleared = new boolean[8];
            maxDiag = new double[8];
        }
        Arrays.fill(packedP, 0);
        SparsePattern pp = layout.pPattern;
        Arrays.fill(maxDiag, 0);
        for (int j = 0; j < n; j++) {
            for (int q = pp.colStart(j); q < pp.colStart(j + 1); q++) {
                int i = pp.rowIndex(q); // i ≤ j: entry (j, i) of the lower triangle
                System.arraycopy(p, q * 8, packedP, (PackedCholesky.rowStart(j) + i) * 8, 8);
                if (i == j) {
                    for (int l = 0; l < 8; l++) {
                        maxDiag[l] = Math.max(maxDiag[l], Math.abs(p[q * 8 + l]));
                    }
                }
            }
        }
        PackedCholesky.factor(packedP, packedInv, n, 8, false, null);
        for (int l = 0; l < 8; l++) {
            boolean ok = maxDiag[l] > 0;
            for (int j = 0; j < n && ok; j++) {
                double pivot = packedP[(PackedCholesky.rowStart(j) + j) * 8 + l];
                ok = pivot * pivot >= CLEAR_PIVOT * maxDiag[l]; // false for NaN: a failed factorization
            }
            cleared[l] = ok;
        }
        return cleared;
    }

    /** Whether lane {@code lane}'s P̂ is positive semidefinite ({@link ScaledInstance#objectiveIsConvex}'s dense test). */
    boolean objectiveIsConvex(int lane, QuasiDefiniteLdl work) {
        return p == null || ScaledInstance.isConvexDense(layout.pPattern, p, lane, lanes, work);
    }

    /** out = Âx for every lane (overwrites). */
    void multiplyA(double[] x, double[] out) {
        Arrays.fill(out, 0, layout.m * lanes, 0);
        TileSparse.multiplyAdd(layout.aPattern, a, false, lanes, x, 0, out, 0);
    }

    /** out = Âᵀy for every lane (overwrites). */
    void multiplyAt(double[] y, double[] out) {
        Arrays.fill(out, 0, layout.n * lanes, 0);
        TileSparse.transposeMultiplyAdd(layout.aPattern, a, false, lanes, y, 0, out, 0);
    }

    /** ax = Âx and aty = Âᵀy for every lane (overwrites), in one sweep over Â: the bits of the two products. */
    void multiplyAandAt(double[] x, double[] ax, double[] y, double[] aty) {
        Arrays.fill(ax, 0, layout.m * lanes, 0);
        Arrays.fill(aty, 0, layout.n * lanes, 0);
        TileSparse.multiplyBothAdd(layout.aPattern, a, lanes, x, ax, y, aty);
    }

    /** out = P̂x for every lane (overwrites; zero without P). */
    void multiplyP(double[] x, double[] out) {
        Arrays.fill(out, 0, layout.n * lanes, 0);
        if (p != null) {
            TileSparse.symmetricMultiplyAdd(layout.pPattern, p, false, lanes, x, 0, out, 0);
        }
    }
}
