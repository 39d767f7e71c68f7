// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import io.convexlayers.diff.residual.ResidualMapOperator;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * Applies pinv(M) or pinv(Mᵀ) — the minimum-norm least-squares solution LSQR converges to from
 * zero — for a tile, through the pseudo-inverse of each lane's active block A = M_SS
 * ({@link ActiveBlock}). With C = M_NS and ζ the unit null vector of A (Aζ = 0; at an exact
 * solution ζ ∝ z_S, at a finite-accuracy one only nearly):
 * <ul>
 *   <li>M·u = r: u_S = pinv(A)·r_S, u_N = r_N − C·u_S (every N row is met exactly), then u is
 *       projected off M's null vector (ζ, −Cζ);</li>
 *   <li>Mᵀ·g = d: with e = d_S − Cᵀd_N, the part f = ζᵀe of e that Aᵀ cannot produce is traded
 *       against g_N = d_N + h: minimizing (ζᵀCᵀh − f)² + ‖h‖² gives h = f/(1 + ‖Cζ‖²)·Cζ, then
 *       g_S = pinv(Aᵀ)·(e − Cᵀh).</li>
 * </ul>
 * C and Cᵀ are applied through M itself: M·(v_S, 0) = (A·v_S, C·v_S) and Mᵀ·(0, h) = (Cᵀh, h).
 * A lane whose block fails (a larger null space: a non-differentiable point) is left to the
 * caller: {@link #solveFullBySvd} for small programs, LSQR otherwise.
 */
final class ActiveSetSolve {
    private final ResidualMapOperator op;
    private final boolean[] valid;
    private final ActiveBlock block;
    private final int lanes;
    private final int len;

    ActiveSetSolve(ResidualMapOperator op, boolean[] valid, ActiveBlock block) {
        this.op = op;
        this.valid = valid;
        this.block = block;
        this.lanes = op.lanes();
        this.len = op.rows();
    }

    /**
     * out = pinv(M)·rhs, or pinv(Mᵀ)·rhs when {@code transposed}; batch-minor. Returns per lane
     * whether the active-block solve succeeded; a lane where it did not is left at zero for the
     * caller's fallback ({@link #solveFullBySvd} or LSQR).
     */
    boolean[] solve(double[] rhs, double[] out, boolean transposed) {
        double[] zeta = block.rightNull().clone();
        double[] cZeta = new double[len * lanes];
        op.apply(zeta, cZeta); // (Aζ ≈ 0, Cζ)
        boolean[] ok = transposed ? solveTransposed(rhs, out, cZeta) : solveForward(rhs, out, zeta, cZeta);
        int n = op.n();
        for (int l = 0; l < lanes; l++) {
            ok[l] &= valid[l];
            for (int i = 0; i < len && !ok[l]; i++) {
                out[i * lanes + l] = 0;
            }
            // Vacuous zero rows are null directions of M and of Mᵀ: the minimum-norm solution is zero there.
            for (int i = 0; i < op.zeroRows() && ok[l]; i++) {
                if (op.vacuousRow(i, l)) {
                    out[(n + i) * lanes + l] = 0;
                }
            }
        }
        return ok;
    }

    /**
     * M's near-null vector (ζ_S, −C·ζ) of every lane whose block was factored, zero elsewhere. R is
     * positively homogeneous, so at an exact solution this is the direction of z = (x, y − s, 1); at a
     * finite-accuracy ẑ it is that of the exact solution up to second order in ẑ's error
     * ({@link ForwardError}).
     */
    double[] nullVector() {
        double[] zeta = block.rightNull().clone();
        double[] cZeta = new double[len * lanes];
        op.apply(zeta, cZeta);
        for (int l = 0; l < lanes; l++) {
            if (!valid[l] || !block.factored(l)) {
                continue;
            }
            boolean[] active = activeMask(l);
            for (int i = 0; i < len; i++) {
                if (!active[i]) {
                    zeta[i * lanes + l] = -cZeta[i * lanes + l];
                }
            }
        }
        return zeta;
    }

    private boolean[] solveForward(double[] rhs, double[] out, double[] zeta, double[] cZeta) {
        java.util.Arrays.fill(out, 0);
        boolean[] ok = block.apply(rhs, out, false);
        double[] work = new double[len * lanes];
        op.apply(out, work); // (A·u_S, C·u_S)
        for (int l = 0; l < lanes; l++) {
            if (!valid[l] || !ok[l]) {
                continue;
            }
            boolean[] active = activeMask(l);
            double dot = 0;
            double nn = 0;
            for (int i = 0; i < len; i++) {
                int e = i * lanes + l;
                if (!active[i]) {
                    out[e] = rhs[e] - work[e];
                    zeta[e] = -cZeta[e]; // M's null vector (ζ, −Cζ)
                }
                dot += out[e] * zeta[e];
                nn += zeta[e] * zeta[e];
            }
            double c = nn > 0 ? dot / nn : 0;
            for (int i = 0; i < len; i++) {
                out[i * lanes + l] -= c * zeta[i * lanes + l];
            }
        }
        return ok;
    }

    private boolean[] solveTransposed(double[] rhs, double[] out, double[] cZeta) {
        double[] zeta = block.rightNull();
        double[] dN = rhs.clone();
        for (int l = 0; l < lanes; l++) {
            for (int c : block.coords(l)) {
                dN[c * lanes + l] = 0;
            }
        }
        double[] work = new double[len * lanes];
        op.applyTranspose(dN, work); // (Cᵀd_N, d_N)
        double[] e = new double[len * lanes];
        double[] h = new double[len * lanes];
        for (int l = 0; l < lanes; l++) {
            if (!valid[l] || !block.factored(l)) {
                continue;
            }
            boolean[] active = activeMask(l);
            double f = 0;
            double q = 0;
            for (int i = 0; i < len; i++) {
                int k = i * lanes + l;
                if (active[i]) {
                    e[k] = rhs[k] - work[k];
                    f += zeta[k] * e[k];
                } else {
                    q += cZeta[k] * cZeta[k];
                }
            }
            double t = f / (1 + q);
            for (int i = 0; i < len; i++) {
                if (!active[i]) {
                    h[i * lanes + l] = t * cZeta[i * lanes + l];
                }
            }
        }
        op.applyTranspose(h, work); // (Cᵀh, h)
        for (int k = 0; k < e.length; k++) {
            e[k] -= work[k];
        }
        java.util.Arrays.fill(out, 0);
        boolean[] ok = block.apply(e, out, true);
        for (int l = 0; l < lanes; l++) {
            if (!valid[l] || !ok[l]) {
                continue;
            }
            boolean[] active = activeMask(l);
            for (int i = 0; i < len; i++) {
                int k = i * lanes + l;
                if (!active[i]) {
                    out[k] = dN[k] + h[k];
                }
            }
        }
        return ok;
    }

    private boolean[] activeMask(int lane) {
        boolean[] active = new boolean[len];
        for (int c : block.coords(lane)) {
            active[c] = true;
        }
        return active;
    }

    /**
     * The pseudo-inverse through an SVD of the lane's full M (N operator applications), with M's
     * smallest singular value treated as zero like the active-block solve treats it: M is singular
     * by homogeneity at an exact solution and nearly so at a finite-accuracy one, where inverting
     * that value would add a component 1/σ_min times too large. Singular values below
     * N·ε·σ_max are dropped as well (the larger null spaces of non-differentiable points).
     */
    void solveFullBySvd(int lane, double[] rhs, double[] out, boolean transposed) {
        DMatrixRMaj k = new DMatrixRMaj(len, len);
        double[] unit = new double[len * lanes];
        double[] col = new double[len * lanes];
        for (int j = 0; j < len; j++) {
            unit[j * lanes + lane] = 1;
            op.apply(unit, col);
            unit[j * lanes + lane] = 0;
            for (int i = 0; i < len; i++) {
                k.data[transposed ? j * len + i : i * len + j] = col[i * lanes + lane];
            }
        }
        double[] b = new double[len];
        for (int i = 0; i < len; i++) {
            b[i] = rhs[i * lanes + lane];
        }
        double[] sol = truncatedPseudoInverse(k, b);
        for (int i = 0; i < len; i++) {
            out[i * lanes + lane] = sol[i];
        }
    }

    /** Σ over kept singular triples of v·(uᵀb)/σ; NaN when the SVD fails (reported, never used). */
    static double[] truncatedPseudoInverse(DMatrixRMaj k, double[] b) {
        int size = k.numRows;
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(size, size, true, true, false);
        double[] sol = new double[size];
        if (!svd.decompose(k.copy())) {
            java.util.Arrays.fill(sol, Double.NaN);
            return sol;
        }
        double[] sigma = svd.getSingularValues();
        DMatrixRMaj u = svd.getU(null, false);
        DMatrixRMaj v = svd.getV(null, false);
        int smallest = 0;
        double max = 0;
        for (int i = 0; i < sigma.length; i++) {
            smallest = sigma[i] < sigma[smallest] ? i : smallest;
            max = Math.max(max, sigma[i]);
        }
        double tol = size * Math.ulp(1.0) * max;
        for (int i = 0; i < sigma.length; i++) {
            if (i == smallest || !(sigma[i] > tol)) {
                continue;
            }
            double ub = 0;
            for (int r = 0; r < size; r++) {
                ub += u.get(r, i) * b[r];
            }
            double c = ub / sigma[i];
            for (int r = 0; r < size; r++) {
                sol[r] += c * v.get(r, i);
            }
        }
        return sol;
    }
}
