// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff.kernels;

import io.convexlayers.batch.BatchOperator;
import io.convexlayers.batch.BatchVectors;
import io.convexlayers.batch.Lsqr;
import io.convexlayers.batch.LsqrResult;
import io.convexlayers.diff.DerivativeDevice;
import io.convexlayers.diff.DerivativeInfo;
import io.convexlayers.diff.DerivativeIssue;
import io.convexlayers.diff.DerivativeMethod;
import io.convexlayers.diff.DerivativeQuality;
import io.convexlayers.diff.DerivativeRules;
import io.convexlayers.diff.DerivativeSettings;
import io.convexlayers.diff.LsqrSettings;

import java.util.Arrays;

/**
 * The adjoint derivative by LSQR, written once over {@link DerivativeKernels}: dL/dx (and dL/dy) in,
 * Mᵀr = dz solved by the generic {@link Lsqr} on the backend's vectors, the residual check and the
 * forward-error estimate (one LSQR step on M with τ fixed, as {@code diff.ForwardError} does on the
 * CPU), each instance judged by {@link DerivativeRules}, and dθ out through the kernels' adjoint
 * parameter map. Only per-lane scalars and the final dθ cross to the host.
 */
public final class KernelVjp {
    /**
     * dθ (θ-length × batch, batch-minor) and each instance's diagnostics.
     */
    public record Result(double[] dTheta, DerivativeInfo[] info) {
    }

    private KernelVjp() {
    }

    /**
     * @param valid      instances with a solution
     * @param inaccurate instances the solver called solved-inaccurate
     * @param kink       each instance's kink ({@link DerivativeRules#kinkAt})
     * @param device     where the kernels run, recorded in the diagnostics
     */
    public static <V> Result run(DerivativeKernels<V> k, DerivativeSettings settings, double[] dx, double[] dy,
                                 boolean[] valid, boolean[] inaccurate, DerivativeIssue[] kink,
                                 DerivativeDevice device) {
        BatchVectors<V> vec = k.vectors();
        int lanes = vec.lanes();
        int len = k.n() + k.m() + 1;
        LsqrSettings ls = settings.lsqr();
        Lsqr.Limits limits = new Lsqr.Limits(ls.atol(), ls.btol(), ls.conlim(), ls.maxIters(), ls.damp());
        BatchOperator<V> m = k.residualMap(false);
        BatchOperator<V> mT = m.transposed();
        double[] ones = new double[lanes];
        double[] minusOnes = new double[lanes];
        Arrays.fill(ones, 1);
        Arrays.fill(minusOnes, -1);

        V rhs = vec.newVector(len);
        k.vjpRightHandSide(dx, dy, rhs);
        V r = vec.newVector(len);
        LsqrResult solve = new Lsqr<>(vec, mT, limits).solve(rhs, r);

        // ‖Mᵀr − rhs‖/‖rhs‖ per lane, as the CPU tiles check.
        V check = vec.newVector(len);
        mT.apply(r, check);
        vec.axpby(minusOnes, rhs, ones, check);
        double[] rr = new double[lanes];
        double[] bb = new double[lanes];
        vec.norm2(check, rr);
        vec.norm2(rhs, bb);

        // Forward error: e solves M·e ≈ M·ẑ with e_τ = 0; the estimate is ‖e‖/‖ẑ‖.
        V z = check; // reused: the residual is read
        k.point(z);
        V mz = rhs; // reused: the right-hand side's norm is read
        m.apply(z, mz);
        V e = vec.newVector(len);
        LsqrResult step = new Lsqr<>(vec, k.residualMap(true), limits).solve(mz, e);
        double[] ee = new double[lanes];
        double[] zz = new double[lanes];
        vec.norm2(e, ee);
        vec.norm2(z, zz);

        DerivativeInfo[] info = new DerivativeInfo[lanes];
        boolean[] bad = new boolean[lanes];
        for (int l = 0; l < lanes; l++) {
            if (!valid[l]) {
                info[l] = new DerivativeInfo(DerivativeQuality.UNDEFINED, 0, 0, DerivativeMethod.NONE, Double.NaN,
                        DerivativeIssue.NO_SOLUTION, device);
                continue;
            }
            double rel = bb[l] > 0 ? rr[l] / bb[l] : 0;
            boolean finite = Double.isFinite(rel);
            double estimate = DerivativeRules.forwardErrorByLsqr(ee[l] / zz[l], step.converged(l));
            DerivativeIssue issue = DerivativeRules.issue(kink[l], inaccurate[l],
                    finite && rel <= settings.poorResidual(), estimate, settings);
            DerivativeQuality q = issue == DerivativeIssue.NONE ? DerivativeQuality.ACCURATE : DerivativeQuality.POOR;
            info[l] = new DerivativeInfo(q, solve.iterations()[l], finite ? rel : Double.POSITIVE_INFINITY,
                    DerivativeMethod.LSQR, estimate, issue, device);
            bad[l] = !finite; // never hand NaN on
        }
        k.zeroLanes(r, bad);
        return new Result(k.parameterGradient(r), info);
    }
}
