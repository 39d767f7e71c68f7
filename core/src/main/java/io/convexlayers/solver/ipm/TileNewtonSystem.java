// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

import io.convexlayers.solver.LinearSystemKind;
import io.convexlayers.solver.linsys.LinearSystem;
import io.convexlayers.solver.linsys.LinearSystemFactory;

/**
 * The interior-point Newton system K·(x, z) = (r₁, r₂), K = [[P, Aᵀ], [A, −H]], of every lane of a
 * tile at once (H = w² on nonnegative rows, 0 on zero-cone rows). It is factored through the reduced
 * matrix P + δI + Aᵀ·H_δ⁻¹·A, with H_δ = H on nonnegative rows and {@link #EQUALITY_REG} on zero-cone
 * rows, by the first-order solver's per-lane dense Cholesky (one vectorized loop over the lanes), and
 * each lane is refined against its exact K as {@link NewtonSystem} refines one instance. A lane whose
 * refined solve stays worse than {@link ReducedKkt#FALLBACK_TOL} is reported, so that the caller can
 * give it to the single-instance method, which switches to the full system where the reduction
 * fails; every other lane goes on.
 */
final class TileNewtonSystem {
    /**
     * H_δ on zero-cone rows: the regularization −δI of the quasi-definite system's equality block,
     * eliminated first; refinement against the exact K removes it.
     */
    static final double EQUALITY_REG = NewtonSystem.STATIC_REG;

    private final ScaledTile data;
    private final int lanes;
    private final int n;
    private final int m;
    private final int zero;
    private final int ineqEnd;
    private final LinearSystem system;
    private final double[] rhoY;
    private final double[] h;
    private final double[] buf;
    private final double[] resX;
    private final double[] resZ;
    private final double[] dx;
    private final double[] dz;
    private final double[] tmpN;
    private final double[] tmpM;
    private final double[] rhsNorm;
    private final double[] norm;
    private final boolean[] refining;

    TileNewtonSystem(ScaledTile data) {
        this.data = data;
        IpmLayout layout = data.layout;
        lanes = data.lanes;
        n = layout.n;
        m = layout.m;
        zero = layout.zero;
        ineqEnd = layout.zero + layout.nonneg;
        system = LinearSystemFactory.create(LinearSystemKind.DENSE, data.mats);
        rhoY = new double[m * lanes];
        h = new double[m * lanes];
        buf = new double[(n + m) * lanes];
        resX = new double[n * lanes];
        resZ = new double[m * lanes];
        dx = new double[n * lanes];
        dz = new double[m * lanes];
        tmpN = new double[n * lanes];
        tmpM = new double[m * lanes];
        rhsNorm = new double[lanes];
        norm = new double[lanes];
        refining = new boolean[lanes];
    }

    /**
     * Assembles and factors every lane's reduced matrix for the scaling {@code w} (m × lanes; used on
     * nonnegative rows, where every lane's entries must be positive and finite).
     */
    void factor(double[] w) {
        for (int t = 0; t < zero * lanes; t++) {
            rhoY[t] = EQUALITY_REG;
            h[t] = 0;
        }
        for (int t = zero * lanes; t < ineqEnd * lanes; t++) {
            double wt = w[t];
            rhoY[t] = wt * wt;
            h[t] = rhoY[t];
        }
        system.factor(NewtonSystem.STATIC_REG, rhoY);
    }

    /**
     * Solves K·(x, z) = (r1, r2) for every lane with iterative refinement (x: n × lanes, z: m × lanes,
     * overwritten) and leaves in {@code rel} each lane's final residual relative to 1 + ‖(r1, r2)‖∞.
     * Refinement follows {@link NewtonSystem}'s rule lane by lane; lanes not {@code live} are solved
     * but neither refined nor judged.
     */
    void solve(double[] r1, double[] r2, double[] x, double[] z, boolean[] live, double[] rel) {
        maxAbs(r1, n, rhsNorm, true);
        maxAbs(r2, m, rhsNorm, false);
        factoredSolve(r1, r2, x, z);
        residual(r1, r2, x, z);
        boolean any = false;
        for (int l = 0; l < lanes; l++) {
            rel[l] = norm[l] / (1 + rhsNorm[l]);
            refining[l] = live[l] && rel[l] > NewtonSystem.REFINE_TOL;
            any |= refining[l];
        }
        for (int it = 0; it < NewtonSystem.MAX_REFINEMENT && any; it++) {
            factoredSolve(resX, resZ, dx, dz);
            addCorrection(x, z, 1);
            residual(r1, r2, x, z);
            any = false;
            boolean undo = false;
            for (int l = 0; l < lanes; l++) {
                if (!refining[l]) {
                    continue;
                }
                double next = norm[l] / (1 + rhsNorm[l]);
                if (!(next < rel[l])) {
                    undo = true; // refinement stopped helping: keep the better point
                    continue;
                }
                boolean slow = next > 0.5 * rel[l];
                rel[l] = next;
                refining[l] = !slow && next > NewtonSystem.REFINE_TOL;
                any |= refining[l];
            }
            if (undo) {
                undoWorse(x, z, rel);
            }
        }
    }

    /** Takes back the last correction on refining lanes whose residual did not fall, and stops them. */
    private void undoWorse(double[] x, double[] z, double[] rel) {
        for (int l = 0; l < lanes; l++) {
            if (refining[l] && !(norm[l] / (1 + rhsNorm[l]) < rel[l])) {
                for (int j = 0; j < n; j++) {
                    x[j * lanes + l] -= dx[j * lanes + l];
                }
                for (int i = 0; i < m; i++) {
                    z[i * lanes + l] -= dz[i * lanes + l];
                }
                refining[l] = false;
            }
        }
    }

    private void addCorrection(double[] x, double[] z, double sign) {
        for (int j = 0; j < n; j++) {
            int o = j * lanes;
            for (int l = 0; l < lanes; l++) {
                if (refining[l]) {
                    x[o + l] += sign * dx[o + l];
                }
            }
        }
        for (int i = 0; i < m; i++) {
            int o = i * lanes;
            for (int l = 0; l < lanes; l++) {
                if (refining[l]) {
                    z[o + l] += sign * dz[o + l];
                }
            }
        }
    }

    /** One solve with the factored, regularized matrices. */
    private void factoredSolve(double[] r1, double[] r2, double[] x, double[] z) {
        int nl = n * lanes;
        int ml = m * lanes;
        System.arraycopy(r1, 0, buf, 0, nl);
        System.arraycopy(r2, 0, buf, nl, ml);
        system.solve(buf);
        System.arraycopy(buf, 0, x, 0, nl);
        System.arraycopy(buf, nl, z, 0, ml);
    }

    /** resX, resZ = (r1, r2) − K·(x, z) with the exact K; {@link #norm} gets each lane's ∞-norm. */
    private void residual(double[] r1, double[] r2, double[] x, double[] z) {
        data.multiplyP(x, resX);
        data.multiplyAt(z, tmpN);
        for (int t = 0; t < n * lanes; t++) {
            resX[t] = r1[t] - resX[t] - tmpN[t];
        }
        data.multiplyA(x, resZ);
        for (int t = 0; t < m * lanes; t++) {
            resZ[t] = r2[t] - resZ[t] + h[t] * z[t];
        }
        maxAbs(resX, n, norm, true);
        maxAbs(resZ, m, norm, false);
    }

    /** out[l] = max(out[l] unless {@code reset}, max_i |v[i·lanes + l]|) over {@code len} entries. */
    private void maxAbs(double[] v, int len, double[] out, boolean reset) {
        if (reset) {
            java.util.Arrays.fill(out, 0);
        }
        for (int i = 0; i < len; i++) {
            int o = i * lanes;
            for (int l = 0; l < lanes; l++) {
                out[l] = Math.max(out[l], Math.abs(v[o + l]));
            }
        }
    }
}
