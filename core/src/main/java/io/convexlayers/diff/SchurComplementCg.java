// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import io.convexlayers.batch.TileSparse;
import io.convexlayers.data.SparsePattern;
import io.convexlayers.solver.linsys.LockstepPcg;
import io.convexlayers.solver.linsys.TileMatrices;

/**
 * Solves the symmetric active KKT system of {@link SparseActiveBlock},
 * <pre>
 *   [ P     A_Sᵀ ] [u₁]   [v₁]        (inactive rows: −r·u_i = v_i, decoupled)
 *   [ A_S   0    ] [u₂] = [v₂]
 * </pre>
 * for a diagonal positive P without factoring anything: u₂ from the Schur complement
 * A_S·P⁻¹·A_Sᵀ·u₂ = A_S·P⁻¹·v₁ − v₂ by the solver's Jacobi-preconditioned conjugate gradients
 * ({@code LockstepPcg}), all lanes in lock-step with their own active rows and their own stopping, then u₁ = P⁻¹(v₁ − A_Sᵀu₂). Each
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
    private final LockstepPcg pcg;
    private final double[] masked;
    private final double[] work;

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
        this.pcg = new LockstepPcg(m, lanes);
        this.masked = new double[m * lanes];
        this.work = new double[n * lanes];
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
        double[] x = new double[m * lanes];
        double[] threshold = new double[lanes];
        for (int k = 0; k < b.length; k++) {
            threshold[k % lanes] += b[k] * b[k];
        }
        for (int l = 0; l < lanes; l++) {
            threshold[l] *= TOLERANCE * TOLERANCE;
        }
        pcg.solve(this::applySchur, preconditioner, b, x, threshold, maxIterations);
        return x;
    }

    /** q = A_S·P⁻¹·A_Sᵀ·p on the active rows, q = p elsewhere. */
    private void applySchur(double[] p, double[] q) {
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
}
