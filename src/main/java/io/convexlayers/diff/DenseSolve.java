package io.convexlayers.diff;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * Dense mode of the derivative for one tile: applies pinv(M) or pinv(Mᵀ) — the minimum-norm
 * least-squares solution LSQR converges to from zero — through the dense active block A = M_SS of
 * each lane ({@link ReducedJacobian}), formed from the sparse data and factored once
 * ({@link BorderedPseudoInverse}). With C = M_NS and ζ the unit null vector of A (Aζ = 0; at an exact
 * solution ζ ∝ z_S, at a finite-accuracy one only nearly):
 * <ul>
 *   <li>M·u = r: u_S = pinv(A)·r_S, u_N = r_N − C·u_S (every N row is met exactly), then u is
 *       projected off M's null vector (ζ, −Cζ);</li>
 *   <li>Mᵀ·g = d: with e = d_S − Cᵀd_N, the part f = ζᵀe of e that Aᵀ cannot produce is traded
 *       against g_N = d_N + h: minimizing (ζᵀCᵀh − f)² + ‖h‖² gives h = f/(1 + ‖Cζ‖²)·Cζ, then
 *       g_S = pinv(Aᵀ)·(e − Cᵀh).</li>
 * </ul>
 * C and Cᵀ are applied through M itself: M·(v_S, 0) = (A·v_S, C·v_S) and Mᵀ·(0, h) = (Cᵀh, h).
 * A lane whose A has a larger null space (a non-differentiable point) is solved with the SVD
 * pseudo-inverse of its full M.
 */
final class DenseSolve {
    private final ResidualMapOperator op;
    private final boolean[] valid;
    private final double[] y;
    private final double[] s;
    private final double[][] blocks;
    private final int[][] coords;
    private final int lanes;
    private final int len;

    /**
     * @param valid lanes with a solution (others are left at zero)
     * @param y     the tile's y and s (batch-minor), for the approximate null vectors
     */
    DenseSolve(ResidualMapOperator op, boolean[] valid, double[] y, double[] s) {
        this.op = op;
        this.valid = valid;
        this.y = y;
        this.s = s;
        this.lanes = op.lanes();
        this.len = op.rows();
        this.blocks = ReducedJacobian.coneBlocks(op.coneDerivative());
        this.coords = new int[lanes][];
        for (int l = 0; l < lanes; l++) {
            coords[l] = valid[l] ? ReducedJacobian.activeCoordinates(op, blocks, l) : new int[0];
        }
    }

    /** The largest active block of the tile (what a dense solve costs, cubed). */
    int maxActiveSize() {
        int max = 0;
        for (int[] c : coords) {
            max = Math.max(max, c.length);
        }
        return max;
    }

    /**
     * out = pinv(M)·rhs, or pinv(Mᵀ)·rhs when {@code transposed}; batch-minor. Returns per lane
     * whether the exact active-block solve applied (false for lanes solved by the SVD fallback).
     */
    boolean[] solve(double[] rhs, double[] out, boolean transposed) {
        BorderedPseudoInverse[] pinv = new BorderedPseudoInverse[lanes];
        double[] zeta = new double[len * lanes];
        for (int l = 0; l < lanes; l++) {
            if (valid[l]) {
                ReducedJacobian red = ReducedJacobian.form(op, blocks, l, y, s);
                pinv[l] = BorderedPseudoInverse.factor(red.matrix, red.nullVector);
                if (pinv[l] != null) {
                    scatter(pinv[l].rightNull(), coords[l], l, zeta);
                }
            }
        }
        double[] cZeta = new double[len * lanes];
        op.apply(zeta, cZeta); // (Aζ ≈ 0, Cζ)
        boolean[] fallback = transposed ? solveTransposed(rhs, out, pinv, cZeta) : solveForward(rhs, out, pinv, zeta,
                cZeta);
        boolean[] exact = new boolean[lanes];
        for (int l = 0; l < lanes; l++) {
            if (valid[l] && fallback[l]) {
                solveFullBySvd(l, rhs, out, transposed);
            }
            exact[l] = valid[l] && !fallback[l];
        }
        return exact;
    }

    private boolean[] solveForward(double[] rhs, double[] out, BorderedPseudoInverse[] pinv, double[] zeta,
                                   double[] cZeta) {
        boolean[] fallback = new boolean[lanes];
        java.util.Arrays.fill(out, 0);
        for (int l = 0; l < lanes; l++) {
            if (valid[l]) {
                double[] u = pinv[l] == null ? null : pinv[l].apply(gather(rhs, coords[l], l), false);
                fallback[l] = u == null;
                if (u != null) {
                    scatter(u, coords[l], l, out);
                }
            }
        }
        double[] work = new double[len * lanes];
        op.apply(out, work); // (A·u_S, C·u_S)
        for (int l = 0; l < lanes; l++) {
            if (!valid[l] || fallback[l]) {
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
        return fallback;
    }

    private boolean[] solveTransposed(double[] rhs, double[] out, BorderedPseudoInverse[] pinv, double[] cZeta) {
        boolean[] fallback = new boolean[lanes];
        double[] dN = rhs.clone();
        for (int l = 0; l < lanes; l++) {
            for (int c : coords[l]) {
                dN[c * lanes + l] = 0;
            }
        }
        double[] work = new double[len * lanes];
        op.applyTranspose(dN, work); // (Cᵀd_N, d_N)
        double[] e = new double[len * lanes];
        double[] h = new double[len * lanes];
        for (int l = 0; l < lanes; l++) {
            if (!valid[l] || pinv[l] == null) {
                fallback[l] = valid[l];
                continue;
            }
            boolean[] active = activeMask(l);
            double f = 0;
            double q = 0;
            double[] zetaS = pinv[l].rightNull();
            for (int k = 0; k < coords[l].length; k++) {
                int i = coords[l][k] * lanes + l;
                e[i] = rhs[i] - work[i];
                f += zetaS[k] * e[i];
            }
            for (int i = 0; i < len; i++) {
                if (!active[i]) {
                    double v = cZeta[i * lanes + l];
                    q += v * v;
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
        java.util.Arrays.fill(out, 0);
        for (int l = 0; l < lanes; l++) {
            if (!valid[l] || fallback[l]) {
                continue;
            }
            int[] c = coords[l];
            double[] b = new double[c.length];
            for (int k = 0; k < c.length; k++) {
                int i = c[k] * lanes + l;
                b[k] = e[i] - work[i];
            }
            double[] g = pinv[l].apply(b, true);
            if (g == null) {
                fallback[l] = true;
                continue;
            }
            boolean[] active = activeMask(l);
            for (int i = 0; i < len; i++) {
                int k = i * lanes + l;
                out[k] = active[i] ? 0 : dN[k] + h[k];
            }
            scatter(g, c, l, out);
        }
        return fallback;
    }

    private boolean[] activeMask(int lane) {
        boolean[] active = new boolean[len];
        for (int c : coords[lane]) {
            active[c] = true;
        }
        return active;
    }

    private double[] gather(double[] v, int[] c, int lane) {
        double[] out = new double[c.length];
        for (int k = 0; k < c.length; k++) {
            out[k] = v[c[k] * lanes + lane];
        }
        return out;
    }

    private void scatter(double[] src, int[] c, int lane, double[] dst) {
        for (int k = 0; k < c.length; k++) {
            dst[c[k] * lanes + lane] = src[k];
        }
    }

    /** The exact pseudo-inverse through an SVD of the lane's full M (N operator applications). */
    private void solveFullBySvd(int lane, double[] rhs, double[] out, boolean transposed) {
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
        DMatrixRMaj b = new DMatrixRMaj(len, 1, true, gather(rhs, identity(), lane));
        DMatrixRMaj sol = new DMatrixRMaj(len, 1);
        LinearSolverDense<DMatrixRMaj> pinv = LinearSolverFactory_DDRM.pseudoInverse(true);
        if (pinv.setA(k)) {
            pinv.solve(b, sol);
        } else {
            java.util.Arrays.fill(sol.data, Double.NaN); // reported as a non-finite residual
        }
        scatter(sol.data, identity(), lane, out);
    }

    private int[] identity() {
        int[] all = new int[len];
        for (int i = 0; i < len; i++) {
            all[i] = i;
        }
        return all;
    }
}
