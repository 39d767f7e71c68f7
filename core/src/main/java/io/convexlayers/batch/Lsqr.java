// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.batch;

import java.util.Arrays;

/**
 * LSQR (Paige &amp; Saunders, "LSQR: an algorithm for sparse linear equations and sparse least
 * squares", 1982) for a batch of independent problems min ‖K_l x_l − rhs_l‖² + λ²‖x_l‖², run in
 * lock-step over the lanes with per-lane stopping: a lane that has stopped keeps its x while the
 * others go on. Written against {@link BatchVectors} and {@link BatchOperator}, so every backend
 * runs the same code; only per-lane scalars live on the host.
 *
 * @param <V> the backend's vector handle
 */
public final class Lsqr<V> {
    /**
     * Stopping rules (validated by the user-facing settings that produce them).
     *
     * @param atol     relative tolerance on ‖Kᵀr‖/(‖K‖‖r‖) and on the error in K
     * @param btol     relative tolerance on ‖r‖/‖rhs‖ for compatible systems
     * @param conlim   stop when the condition estimate exceeds this
     * @param maxIters iteration limit per lane (0: 4·cols)
     * @param damp     Tikhonov damping λ
     */
    public record Limits(double atol, double btol, double conlim, int maxIters, double damp) {
    }

    private final BatchVectors<V> ops;
    private final BatchOperator<V> op;
    private final Limits settings;
    private final V u;
    private final V v;
    private final V w;
    private final V tmpRows;
    private final V tmpCols;

    /** Allocates the workspace for operator {@code op}. */
    public Lsqr(BatchVectors<V> ops, BatchOperator<V> op, Limits settings) {
        this.ops = ops;
        this.op = op;
        this.settings = settings;
        this.u = ops.newVector(op.rows());
        this.v = ops.newVector(op.cols());
        this.w = ops.newVector(op.cols());
        this.tmpRows = ops.newVector(op.rows());
        this.tmpCols = ops.newVector(op.cols());
    }

    /**
     * Solves for every lane. {@code rhs} is left unchanged; {@code x} (length cols) is overwritten
     * with the solution.
     */
    public LsqrResult solve(V rhs, V x) {
        int lanes = ops.lanes();
        int limit = settings.maxIters() > 0 ? settings.maxIters() : 4 * op.cols();
        double damp = settings.damp();
        double[] alpha = new double[lanes];
        double[] beta = new double[lanes];
        double[] bnorm = new double[lanes];
        double[] rhoBar = new double[lanes];
        double[] phiBar = new double[lanes];
        double[] anorm2 = new double[lanes];
        double[] ddnorm = new double[lanes];
        double[] res2 = new double[lanes];
        double[] rnorm = new double[lanes];
        double[] arnorm = new double[lanes];
        double[] xnorm = new double[lanes];
        int[] iters = new int[lanes];
        LsqrStop[] stop = new LsqrStop[lanes];
        double[] ones = new double[lanes];
        double[] coefA = new double[lanes];
        double[] coefB = new double[lanes];
        Arrays.fill(ones, 1);

        ops.zero(x);
        ops.copy(rhs, u);
        ops.norm2(u, beta);
        System.arraycopy(beta, 0, bnorm, 0, lanes);
        for (int l = 0; l < lanes; l++) {
            if (!(beta[l] > 0)) {
                stop[l] = Double.isFinite(beta[l]) ? LsqrStop.ZERO_RHS : LsqrStop.BREAKDOWN;
            }
            coefA[l] = beta[l] > 0 ? 1 / beta[l] : 0;
        }
        ops.scale(u, coefA);
        op.applyTranspose(u, v);
        ops.norm2(v, alpha);
        for (int l = 0; l < lanes; l++) {
            coefA[l] = alpha[l] > 0 ? 1 / alpha[l] : 0;
            if (stop[l] == null && !(alpha[l] > 0)) {
                // Kᵀrhs = 0: x = 0 is already a least-squares solution.
                stop[l] = Double.isFinite(alpha[l]) ? LsqrStop.LEAST_SQUARES : LsqrStop.BREAKDOWN;
            }
            rhoBar[l] = alpha[l];
            phiBar[l] = beta[l];
            rnorm[l] = beta[l];
            arnorm[l] = alpha[l] * beta[l];
        }
        ops.scale(v, coefA);
        ops.copy(v, w);

        double[] negAlpha = new double[lanes];
        double[] negBeta = new double[lanes];
        double[] stepX = new double[lanes];
        double[] stepW = new double[lanes];
        for (int it = 1; it <= limit && anyActive(stop); it++) {
            // Bidiagonalization: β u = K v − α u, α v = Kᵀu − β v.
            op.apply(v, tmpRows);
            for (int l = 0; l < lanes; l++) {
                negAlpha[l] = -alpha[l];
            }
            ops.axpby(ones, tmpRows, negAlpha, u);
            ops.norm2(u, beta);
            for (int l = 0; l < lanes; l++) {
                coefA[l] = beta[l] > 0 ? 1 / beta[l] : 0;
            }
            ops.scale(u, coefA);
            op.applyTranspose(u, tmpCols);
            for (int l = 0; l < lanes; l++) {
                negBeta[l] = -beta[l];
            }
            ops.axpby(ones, tmpCols, negBeta, v);
            ops.norm2(v, alpha);
            for (int l = 0; l < lanes; l++) {
                coefA[l] = alpha[l] > 0 ? 1 / alpha[l] : 0;
            }
            ops.scale(v, coefA);

            for (int l = 0; l < lanes; l++) {
                if (stop[l] != null) {
                    stepX[l] = 0;
                    stepW[l] = 1;
                    coefB[l] = 0;
                    continue;
                }
                anorm2[l] += alpha[l] * alpha[l] + beta[l] * beta[l] + damp * damp;
                // Eliminate the damping term, then the subdiagonal β by plane rotations.
                double rhoBarD = Math.hypot(rhoBar[l], damp);
                double c1 = rhoBarD > 0 ? rhoBar[l] / rhoBarD : 1;
                double s1 = rhoBarD > 0 ? damp / rhoBarD : 0;
                double psi = s1 * phiBar[l];
                phiBar[l] = c1 * phiBar[l];
                double rho = Math.hypot(rhoBarD, beta[l]);
                double c = rhoBarD / rho;
                double s = beta[l] / rho;
                double theta = s * alpha[l];
                rhoBar[l] = -c * alpha[l];
                double phi = c * phiBar[l];
                phiBar[l] = s * phiBar[l];
                stepX[l] = phi / rho;
                coefB[l] = -theta / rho;
                stepW[l] = 1;
                ddnorm[l] += 1 / (rho * rho); // ‖w‖ = 1 before scaling, so ‖w/ρ‖² = 1/ρ²
                res2[l] += psi * psi;
                rnorm[l] = Math.sqrt(phiBar[l] * phiBar[l] + res2[l]);
                arnorm[l] = alpha[l] * Math.abs(c * phiBar[l]);
                iters[l] = it;
            }
            // x += (φ/ρ) w; w = v − (θ/ρ) w — frozen lanes get zero steps and keep w.
            ops.axpby(stepX, w, ones, x);
            for (int l = 0; l < lanes; l++) {
                coefA[l] = stop[l] == null ? 1 : 0;
            }
            ops.axpby(coefA, v, fixFrozen(coefB, stop), w);
            ops.norm2(x, xnorm);
            for (int l = 0; l < lanes; l++) {
                if (stop[l] != null) {
                    continue;
                }
                double anorm = Math.sqrt(anorm2[l]);
                double acond = anorm * Math.sqrt(ddnorm[l]);
                double test1 = rnorm[l] / bnorm[l];
                double test2 = anorm > 0 && rnorm[l] > 0 ? arnorm[l] / (anorm * rnorm[l]) : 0;
                double rtol = settings.btol() + settings.atol() * anorm * xnorm[l] / bnorm[l];
                if (!Double.isFinite(rnorm[l]) || !Double.isFinite(xnorm[l])) {
                    stop[l] = LsqrStop.BREAKDOWN;
                } else if (test1 <= rtol) {
                    stop[l] = LsqrStop.RESIDUAL_SMALL;
                } else if (test2 <= settings.atol()) {
                    stop[l] = LsqrStop.LEAST_SQUARES;
                } else if (acond >= settings.conlim()) {
                    stop[l] = LsqrStop.ILL_CONDITIONED;
                }
            }
        }
        for (int l = 0; l < lanes; l++) {
            if (stop[l] == null) {
                stop[l] = LsqrStop.ITERATION_LIMIT;
            }
        }
        return new LsqrResult(iters, rnorm, arnorm, bnorm, stop);
    }

    /** Frozen lanes keep w: coefficient 1 on w (and 0 on v, set by the caller). */
    private static double[] fixFrozen(double[] coefB, LsqrStop[] stop) {
        for (int l = 0; l < stop.length; l++) {
            if (stop[l] != null) {
                coefB[l] = 1;
            }
        }
        return coefB;
    }

    private static boolean anyActive(LsqrStop[] stop) {
        for (LsqrStop s : stop) {
            if (s == null) {
                return true;
            }
        }
        return false;
    }
}
