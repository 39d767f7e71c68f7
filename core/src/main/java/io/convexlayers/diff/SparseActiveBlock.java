// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import io.convexlayers.diff.residual.ResidualMapOperator;
import io.convexlayers.batch.TileSparse;
import io.convexlayers.cone.ConeDerivative;
import io.convexlayers.data.SparsePattern;
import io.convexlayers.solver.linsys.SparseLdl;
import io.convexlayers.solver.linsys.TileMatrices;

/**
 * {@link ActiveBlock} by a sparse LDLᵀ factorization, for programs whose cones are all zero and
 * nonnegative (then DΠ_SS = I and M_SS is the KKT matrix of the active constraints bordered by the
 * τ row and column), all lanes of a tile in lock-step.
 *
 * <p>With S_y the active rows, K = [[P, A_Sᵀ], [−A_S, 0]], q = (c, b_S), ρ = (−(c + 2Px), −b_S):
 * M_SS = [[K, q], [ρᵀ, xᵀPx]]. Its null vectors are taken as ζ ∝ (−K⁻¹q, 1) and ℓ ∝ (−K⁻ᵀρ, 1),
 * exact for the corner ρᵀK⁻¹q, which equals xᵀPx at an exact solution (the corner's difference is
 * the solution's own inaccuracy, treated as zero exactly as the dense mode's bordered LU treats it).
 * Then pinv(M_SS)·b = (K⁻¹b'₁, 0) − (its ζ part) with b' = b projected off ℓ, and likewise for
 * M_SSᵀ with ζ and ℓ exchanged.
 *
 * <p>K = J·K_sym with J = diag(I, −I) and the symmetric K_sym = [[P, A_Sᵀ], [A_S, 0]]. K_sym is
 * factored on the fixed pattern of the solver's KKT matrix (the ordering and symbolic analysis are
 * shared with the forward solve): [[P + δI, Aᵀ], [A, −diag(r)]] with r = δ on active rows and 1/δ
 * (relative to the data's scale) on the others, which decouples them; that matrix is quasi-definite,
 * so LDLᵀ needs no pivoting, and iterative refinement against the exact K_sym (inactive rows
 * dropped) removes the regularization. For a diagonal positive P no factorization is needed:
 * {@link SchurComplementCg} solves K_sym by CG on A_S·P⁻¹·A_Sᵀ under the same refinement. A lane whose K is singular (a degenerate vertex, a
 * non-differentiable point: see {@link #rejectSingular}) or whose refinement does not converge is
 * reported as failed.
 */
final class SparseActiveBlock implements ActiveBlock {
    private static final double REGULARIZATION = 1e-8;
    private static final int MAX_REFINEMENTS = 12;
    private static final double REFINE_TOLERANCE = 1e-13;
    /** Relative error in recovering a random vector above which K counts as singular. */
    private static final double SINGULAR_TOLERANCE = 1e-6;

    private final ResidualMapOperator op;
    private final int lanes;
    private final int n;
    private final int m;
    private final int len;
    /** 1 on active rows, 0 on inactive ones; m × lanes. */
    private final double[] activeRows;
    private final int[][] coords;
    private final double delta;
    private final double decouple;
    /** The regularized LDLᵀ factors, or null when {@link #schur} solves instead. */
    private final SparseLdl ldl;
    /** For a diagonal positive P: CG on the Schur complement, no factorization; else null. */
    private final SchurComplementCg schur;
    private final double[] rightNull;
    private final double[] leftNull;
    private final boolean[] factored;
    /** P and A of the tile; work for {@link #multiplySymmetric} (called once per refinement step). */
    private final TileMatrices mats;
    private final double[] maskedY;
    private final double[] productY;

    /** Whether a tile can use this block: only zero and nonnegative cones, no kink (½) rows. */
    static boolean applies(ResidualMapOperator op, boolean[] valid) {
        ConeDerivative cone = op.coneDerivative();
        if (cone.diagonalRows() != op.m()) {
            return false;
        }
        for (int l = 0; l < op.lanes(); l++) {
            for (int i = 0; valid[l] && i < op.m(); i++) {
                double d = cone.diagonal(i, l);
                if (d != 0 && d != 1) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Factors the tile's active KKT blocks; {@code valid} marks the lanes with a solution. */
    SparseActiveBlock(ResidualMapOperator op, boolean[] valid) {
        this.op = op;
        this.lanes = op.lanes();
        this.n = op.n();
        this.m = op.m();
        this.len = n + m + 1;
        ConeDerivative cone = op.coneDerivative();
        this.activeRows = new double[m * lanes];
        this.coords = new int[lanes][];
        for (int l = 0; l < lanes; l++) {
            int[] c = new int[len];
            int count = 0;
            for (int j = 0; j < n && valid[l]; j++) {
                c[count++] = j;
            }
            for (int i = 0; i < m && valid[l]; i++) {
                if (cone.diagonal(i, l) == 1) {
                    activeRows[i * lanes + l] = 1;
                    c[count++] = n + i;
                }
            }
            if (valid[l]) {
                c[count++] = n + m;
            }
            coords[l] = java.util.Arrays.copyOf(c, count);
        }
        this.mats = op.tileMatrices();
        this.maskedY = new double[m * lanes];
        this.productY = new double[m * lanes];
        double scale = Math.max(1, Math.max(maxAbs(mats.aValues()), maxAbs(mats.pValues())));
        this.delta = REGULARIZATION * scale;
        this.decouple = scale / REGULARIZATION;
        this.factored = valid.clone();
        rejectByCount(mats.pPattern() == null);
        boolean any = false;
        for (boolean f : factored) {
            any |= f;
        }
        if (!any) { // nothing to factor: every lane goes to the caller's fallback
            this.schur = null;
            this.ldl = null;
            this.rightNull = new double[len * lanes];
            this.leftNull = new double[len * lanes];
            return;
        }
        if (SchurComplementCg.applies(mats)) {
            this.schur = new SchurComplementCg(mats, activeRows, decouple);
            this.ldl = null;
        } else {
            double[] rhoY = new double[m * lanes];
            for (int k = 0; k < rhoY.length; k++) {
                rhoY[k] = activeRows[k] == 1 ? delta : decouple;
            }
            this.schur = null;
            this.ldl = SparseLdl.perLaneWithCachedAnalysis(mats);
            ldl.factor(delta, rhoY);
        }
        rejectSingular();
        this.rightNull = borderNull(false);
        this.leftNull = borderNull(true);
    }

    /**
     * K = [[P, A_Sᵀ], [−A_S, 0]] is singular when A_S has more rows than columns, and for an LP
     * (P = 0) also when it has fewer (a degenerate vertex, or an equality-fixed point as in the
     * paper's sparse QP, where 1024 equalities in 1024 unknowns leave one feasible point). Those
     * lanes are rejected before any solve.
     */
    private void rejectByCount(boolean lp) {
        for (int l = 0; l < lanes; l++) {
            int rows = coords[l].length - n - 1;
            if (rows > n || (lp && rows < n)) {
                factored[l] = false;
            }
        }
    }

    /**
     * Marks lanes whose K is singular (a degenerate active set): refinement converges there too, to
     * some solution rather than the minimum-norm one, so the test is whether K_sym·u = K_sym·r gives
     * back a random r — a singular K returns it plus a null-space part of the size of r's own.
     */
    private void rejectSingular() {
        int size = (n + m) * lanes;
        double[] r = new double[size];
        java.util.Random rnd = new java.util.Random(0x5eed);
        for (int k = 0; k < size; k++) {
            double g = rnd.nextGaussian();
            r[k] = k < n * lanes ? g : g * activeRows[k - n * lanes];
        }
        double[] v = new double[size];
        multiplySymmetric(r, v);
        double[] u = new double[size];
        solveSymmetric(v, u);
        for (int k = 0; k < size; k++) {
            u[k] -= r[k];
        }
        double[] err = laneNorms(u);
        double[] ref = laneNorms(r);
        for (int l = 0; l < lanes; l++) {
            factored[l] &= err[l] <= SINGULAR_TOLERANCE * ref[l];
        }
    }

    /** ζ ∝ (−K⁻¹q, 1) or ℓ ∝ (−K⁻ᵀρ, 1), unit per lane, zero off S. */
    private double[] borderNull(boolean left) {
        int nl = n * lanes;
        double[] v = new double[(n + m) * lanes];
        double[] c = left ? op.cPlus2Px() : op.c();
        double sign = left ? -1 : 1;
        for (int k = 0; k < nl; k++) {
            v[k] = sign * c[k];
        }
        double[] b = op.b();
        for (int k = 0; k < m * lanes; k++) {
            v[nl + k] = sign * b[k] * activeRows[k];
        }
        double[] sol = new double[(n + m) * lanes];
        boolean[] ok = left ? solveKTransposed(v, sol) : solveK(v, sol);
        double[] out = new double[len * lanes];
        for (int k = 0; k < sol.length; k++) {
            out[k] = -sol[k];
        }
        java.util.Arrays.fill(out, (n + m) * lanes, len * lanes, 1);
        for (int l = 0; l < lanes; l++) {
            factored[l] &= ok[l];
            if (!factored[l]) {
                for (int i = 0; i < len; i++) {
                    out[i * lanes + l] = 0;
                }
                continue;
            }
            double nn = 0;
            for (int i = 0; i < len; i++) {
                nn += out[i * lanes + l] * out[i * lanes + l];
            }
            double inv = 1 / Math.sqrt(nn);
            for (int i = 0; i < len; i++) {
                out[i * lanes + l] *= inv;
            }
        }
        return out;
    }

    @Override
    public int[] coords(int lane) {
        return coords[lane];
    }

    @Override
    public double[] rightNull() {
        return rightNull;
    }

    @Override
    public boolean factored(int lane) {
        return factored[lane];
    }

    @Override
    public boolean[] apply(double[] in, double[] out, boolean transposed) {
        if (ldl == null && schur == null) {
            return new boolean[lanes]; // no lane was factored
        }
        double[] before = transposed ? rightNull : leftNull;
        double[] after = transposed ? leftNull : rightNull;
        double[] b = masked(in);
        removeComponent(b, before);
        double[] head = java.util.Arrays.copyOf(b, (n + m) * lanes);
        double[] sol = new double[(n + m) * lanes];
        boolean[] ok = transposed ? solveKTransposed(head, sol) : solveK(head, sol);
        double[] u = new double[len * lanes];
        System.arraycopy(sol, 0, u, 0, sol.length); // u_τ = 0
        removeComponent(u, after);
        for (int l = 0; l < lanes; l++) {
            ok[l] &= factored[l];
            if (!ok[l]) {
                continue;
            }
            for (int c : coords[l]) {
                out[c * lanes + l] = u[c * lanes + l];
            }
        }
        return ok;
    }

    /** in restricted to each lane's S (zero elsewhere). */
    private double[] masked(double[] in) {
        double[] b = new double[len * lanes];
        for (int l = 0; l < lanes; l++) {
            if (factored[l]) {
                for (int c : coords[l]) {
                    b[c * lanes + l] = in[c * lanes + l];
                }
            }
        }
        return b;
    }

    /** v ← v − (dirᵀv)·dir per lane, for unit dir. */
    private void removeComponent(double[] v, double[] dir) {
        double[] dot = new double[lanes];
        for (int k = 0; k < v.length; k++) {
            dot[k % lanes] += dir[k] * v[k];
        }
        for (int k = 0; k < v.length; k++) {
            v[k] -= dot[k % lanes] * dir[k];
        }
    }

    /** K·u = v on the (x, y) coordinates: K_sym·u = J·v. */
    private boolean[] solveK(double[] v, double[] u) {
        double[] jv = v.clone();
        negateY(jv);
        return solveSymmetric(jv, u);
    }

    /** Kᵀ·u = v: u = J·K_sym⁻¹·v. */
    private boolean[] solveKTransposed(double[] v, double[] u) {
        boolean[] ok = solveSymmetric(v, u);
        negateY(u);
        return ok;
    }

    private void negateY(double[] v) {
        for (int k = n * lanes; k < (n + m) * lanes; k++) {
            v[k] = -v[k];
        }
    }

    /**
     * K_sym·u = v (inactive rows: −(1/δ)·u_i = v_i, decoupled) by the regularized factors and
     * iterative refinement; per lane whether the relative residual reached the tolerance.
     */
    private boolean[] solveSymmetric(double[] rhs, double[] u) {
        int size = (n + m) * lanes;
        double[] v = rhs.clone();
        for (int k = 0; k < size; k++) {
            if (!factored[k % lanes]) {
                v[k] = 0; // rejected lanes cost nothing in the solves below
            }
        }
        double[] r = v.clone();
        java.util.Arrays.fill(u, 0);
        double[] vNorm = laneNorms(v);
        double[] resNorm = new double[lanes];
        double[] ku = new double[size];
        for (int it = 0; it <= MAX_REFINEMENTS; it++) {
            if (schur != null) {
                schur.solve(r);
            } else {
                ldl.solve(r);
            }
            for (int k = 0; k < size; k++) {
                u[k] += r[k];
            }
            multiplySymmetric(u, ku);
            for (int k = 0; k < size; k++) {
                r[k] = v[k] - ku[k];
            }
            resNorm = laneNorms(r);
            boolean done = true;
            for (int l = 0; l < lanes; l++) {
                done &= !(resNorm[l] > REFINE_TOLERANCE * (vNorm[l] + scaleOf(u, l)));
            }
            if (done) {
                break;
            }
        }
        boolean[] ok = new boolean[lanes];
        for (int l = 0; l < lanes; l++) {
            ok[l] = resNorm[l] <= 1e3 * REFINE_TOLERANCE * (vNorm[l] + scaleOf(u, l));
        }
        return ok;
    }

    /** ‖data‖·‖u‖-sized term of the refinement tolerance for one lane. */
    private double scaleOf(double[] u, int lane) {
        double s = 0;
        for (int k = lane; k < u.length; k += lanes) {
            s += u[k] * u[k];
        }
        return delta / REGULARIZATION * Math.sqrt(s);
    }

    /** out = K_sym·u with inactive rows decoupled (see {@link #solveSymmetric}). */
    private void multiplySymmetric(double[] u, double[] out) {
        int nl = n * lanes;
        java.util.Arrays.fill(out, 0);
        SparsePattern pp = mats.pPattern();
        if (pp != null) {
            TileSparse.symmetricMultiplyAdd(pp, mats.pValues(), mats.pShared(), lanes, u, 0, out, 0);
        }
        for (int k = 0; k < maskedY.length; k++) {
            maskedY[k] = u[nl + k] * activeRows[k];
        }
        TileSparse.transposeMultiplyAdd(mats.aPattern(), mats.aValues(), mats.aShared(), lanes, maskedY, 0, out, 0);
        java.util.Arrays.fill(productY, 0);
        TileSparse.multiplyAdd(mats.aPattern(), mats.aValues(), mats.aShared(), lanes, u, 0, productY, 0);
        for (int k = 0; k < productY.length; k++) {
            out[nl + k] = activeRows[k] == 1 ? productY[k] : -decouple * u[nl + k];
        }
    }

    private double[] laneNorms(double[] v) {
        double[] s = new double[lanes];
        for (int k = 0; k < v.length; k++) {
            s[k % lanes] += v[k] * v[k];
        }
        for (int l = 0; l < lanes; l++) {
            s[l] = Math.sqrt(s[l]);
        }
        return s;
    }

    private static double maxAbs(double[] v) {
        double max = 0;
        if (v != null) {
            for (double d : v) {
                max = Math.max(max, Math.abs(d));
            }
        }
        return max;
    }
}
