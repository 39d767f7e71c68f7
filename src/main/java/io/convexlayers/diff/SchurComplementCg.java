package io.convexlayers.diff;

import io.convexlayers.backend.cpu.TileSparse;
import io.convexlayers.solver.SparsePattern;
import io.convexlayers.solver.linsys.TileMatrices;

/**
 * Solves the symmetric active KKT system of {@link SparseActiveBlock},
 * <pre>
 *   [ P     A_Sᵀ ] [u₁]   [v₁]        (inactive rows: −r·u_i = v_i, decoupled)
 *   [ A_S   0    ] [u₂] = [v₂]
 * </pre>
 * for a diagonal positive P without factoring anything: u₂ from the Schur complement
 * A_S·P⁻¹·A_Sᵀ·u₂ = A_S·P⁻¹·v₁ − v₂ by Jacobi-preconditioned conjugate gradients, all lanes in
 * lock-step with their own active rows and their own stopping, then u₁ = P⁻¹(v₁ − A_Sᵀu₂). Each
 * iteration costs one product with A and one with Aᵀ, where a factorization of the KKT matrix per
 * instance can fill in badly (the paper's sparse QP: a dense trailing block of order 1006). Where
 * A_S loses rank CG does not converge; the caller's refinement check then rejects the lane.
 */
final class SchurComplementCg {
    private static final double TOLERANCE = 1e-14;

    private final TileMatrices mats;
    private final int lanes;
    private final int n;
    private final int m;
    private final double[] pDiagonal;
    private final double[] activeRows;
    private final double decouple;
    private final double[] preconditioner;
    private final int maxIterations;

    /** Whether P is diagonal with positive entries in every lane (then this solver applies). */
    static boolean applies(TileMatrices mats) {
        SparsePattern p = mats.pPattern();
        if (p == null || p.nnz() != p.cols()) {
            return false;
        }
        for (int j = 0; j < p.cols(); j++) {
            if (p.colStart(j + 1) - p.colStart(j) != 1 || p.rowIndex(p.colStart(j)) != j) {
                return false;
            }
            for (int l = 0; l < mats.lanes(); l++) {
                if (!(mats.p(p.colStart(j), l) > 0)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * @param activeRows 1 on each lane's active rows, 0 elsewhere (m × lanes)
     * @param decouple   r of the inactive rows
     */
    SchurComplementCg(TileMatrices mats, double[] activeRows, double decouple) {
        this.mats = mats;
        this.lanes = mats.lanes();
        this.n = mats.n();
        this.m = mats.m();
        this.activeRows = activeRows;
        this.decouple = decouple;
        this.pDiagonal = new double[n * lanes];
        for (int j = 0; j < n; j++) {
            for (int l = 0; l < lanes; l++) {
                pDiagonal[j * lanes + l] = mats.p(j, l);
            }
        }
        // Jacobi: diag(A_S·P⁻¹·A_Sᵀ)_i = Σ_j A_ij² / P_jj on active rows, 1 elsewhere
        this.preconditioner = new double[m * lanes];
        SparsePattern a = mats.aPattern();
        for (int j = 0; j < n; j++) {
            for (int k = a.colStart(j); k < a.colStart(j + 1); k++) {
                int i = a.rowIndex(k);
                for (int l = 0; l < lanes; l++) {
                    double v = mats.a(k, l);
                    preconditioner[i * lanes + l] += v * v / pDiagonal[j * lanes + l];
                }
            }
        }
        for (int k = 0; k < preconditioner.length; k++) {
            preconditioner[k] = activeRows[k] == 1 && preconditioner[k] > 0 ? 1 / preconditioner[k] : 1;
        }
        // a lane not converged by then is rejected by the caller's check and goes to LSQR
        this.maxIterations = Math.max(200, Math.min(2 * m, 1000));
    }

    /** r ← K_sym⁻¹·r, r holding (v₁, v₂) batch-minor over n + m rows. */
    void solve(double[] r) {
        int nl = n * lanes;
        double[] w = new double[nl];
        for (int k = 0; k < nl; k++) {
            w[k] = r[k] / pDiagonal[k];
        }
        double[] b = new double[m * lanes];
        TileSparse.multiplyAdd(mats.aPattern(), mats.aValues(), mats.aShared(), lanes, w, 0, b, 0);
        for (int k = 0; k < b.length; k++) {
            b[k] = activeRows[k] * (b[k] - r[nl + k]);
        }
        double[] u2 = conjugateGradients(b);
        double[] atu = new double[nl];
        TileSparse.transposeMultiplyAdd(mats.aPattern(), mats.aValues(), mats.aShared(), lanes, u2, 0, atu, 0);
        for (int k = 0; k < nl; k++) {
            r[k] = (r[k] - atu[k]) / pDiagonal[k];
        }
        for (int k = 0; k < m * lanes; k++) {
            r[nl + k] = activeRows[k] == 1 ? u2[k] : -r[nl + k] / decouple;
        }
    }

    /** S·x = b per lane, S = A_S·P⁻¹·A_Sᵀ on the active rows (identity elsewhere, where b = 0). */
    private double[] conjugateGradients(double[] b) {
        int size = m * lanes;
        double[] x = new double[size];
        double[] res = b.clone();
        double[] z = new double[size];
        for (int k = 0; k < size; k++) {
            z[k] = preconditioner[k] * res[k];
        }
        double[] p = z.clone();
        double[] q = new double[size];
        double[] rz = laneDots(res, z);
        double[] bNorm = laneDots(b, b);
        boolean[] done = new boolean[lanes];
        for (int l = 0; l < lanes; l++) {
            done[l] = !(bNorm[l] > 0);
        }
        double[] xn = new double[n * lanes];
        for (int it = 0; it < maxIterations && !allDone(done); it++) {
            applySchur(p, q, xn);
            double[] pq = laneDots(p, q);
            double[] alpha = new double[lanes];
            for (int l = 0; l < lanes; l++) {
                alpha[l] = done[l] || !(pq[l] > 0) ? 0 : rz[l] / pq[l];
                done[l] |= !(pq[l] > 0);
            }
            for (int k = 0; k < size; k++) {
                int l = k % lanes;
                x[k] += alpha[l] * p[k];
                res[k] -= alpha[l] * q[k];
            }
            double[] rr = laneDots(res, res);
            for (int k = 0; k < size; k++) {
                z[k] = preconditioner[k] * res[k];
            }
            double[] rzNew = laneDots(res, z);
            for (int l = 0; l < lanes; l++) {
                done[l] |= rr[l] <= TOLERANCE * TOLERANCE * bNorm[l];
            }
            for (int k = 0; k < size; k++) {
                int l = k % lanes;
                if (!done[l]) {
                    p[k] = z[k] + rzNew[l] / rz[l] * p[k];
                }
            }
            rz = rzNew;
        }
        return x;
    }

    /** q = A_S·P⁻¹·A_Sᵀ·p (active rows only); {@code work} is n × lanes. */
    private void applySchur(double[] p, double[] q, double[] work) {
        double[] masked = new double[p.length];
        for (int k = 0; k < p.length; k++) {
            masked[k] = activeRows[k] * p[k];
        }
        java.util.Arrays.fill(work, 0);
        TileSparse.transposeMultiplyAdd(mats.aPattern(), mats.aValues(), mats.aShared(), lanes, masked, 0, work, 0);
        for (int k = 0; k < work.length; k++) {
            work[k] /= pDiagonal[k];
        }
        java.util.Arrays.fill(q, 0);
        TileSparse.multiplyAdd(mats.aPattern(), mats.aValues(), mats.aShared(), lanes, work, 0, q, 0);
        for (int k = 0; k < q.length; k++) {
            q[k] = activeRows[k] == 1 ? q[k] : p[k];
        }
    }

    private double[] laneDots(double[] a, double[] b) {
        double[] s = new double[lanes];
        for (int k = 0; k < a.length; k++) {
            s[k % lanes] += a[k] * b[k];
        }
        return s;
    }

    private static boolean allDone(boolean[] done) {
        for (boolean d : done) {
            if (!d) {
                return false;
            }
        }
        return true;
    }
}
