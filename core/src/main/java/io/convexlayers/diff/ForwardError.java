// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import io.convexlayers.diff.residual.ResidualMapOperator;
import io.convexlayers.batch.BatchOperator;
import io.convexlayers.batch.CpuBatchVectors;
import io.convexlayers.batch.Lsqr;
import io.convexlayers.batch.LsqrResult;

/**
 * Where the exact solution lies, seen from each lane's returned ẑ = (x, y − s, 1), and how far it is
 * relative to ‖ẑ‖: one Newton step on the residual map R with τ held at 1 (DESIGN §6).
 *
 * <p>A plain Newton step M⁻¹·R(ẑ) is useless here: R is positively homogeneous, so M·ẑ = R(ẑ) and the
 * step is ẑ itself (it goes to the trivial zero of R). With τ fixed, the step e solves M·e ≈ R(ẑ) with
 * e_τ = 0, and then M·(ẑ − e) = O(‖e‖²) (the second derivative of a homogeneous map vanishes along z):
 * the exact solution z* = ẑ − e is M's near-null vector scaled to τ = 1. Where an active block was
 * factored that vector is already at hand ({@link ActiveSetSolve#nullVector}, no solve); otherwise one
 * LSQR solve of M with its τ column removed gives e. The distance estimates the derivative's error
 * ({@link DerivativeInfo#estimatedError}); the point itself is the refinement's next iterate
 * ({@link SolutionRefinement}).
 */
final class ForwardError {
    private ForwardError() {
    }

    /**
     * Per lane, z* (batch-minor, n + m + 1 per lane, τ = 1) and ‖ẑ − z*‖/‖ẑ‖. Lanes in {@code byBlock}
     * read z* off M's near-null vector v as v/v_τ (a v without τ component — a certificate's direction,
     * not a solution's — gives +∞); lanes in {@code byLsqr} take z* = ẑ − e from {@link #lsqrStep}, and
     * a lane where LSQR stopped without converging gets NaN (unknown): LSQR's iterates grow in norm, so a
     * truncated e would understate the error (on a planted mixed-cone program with n = 150 at the
     * iteration limit: 4e-5 against a true 6e-3). Unmarked lanes are left at zero.
     *
     * @param nullVector M's near-null vectors, or null when no lane is in {@code byBlock}
     */
    static ExactPoints exactPoints(ResidualMapOperator op, double[] z, double[] nullVector, boolean[] byBlock,
                                   boolean[] byLsqr, Lsqr.Limits limits) {
        int count = byBlock.length;
        int len = op.rows();
        double[] zStar = new double[len * count];
        double[] error = new double[count];
        boolean anyLsqr = false;
        for (int l = 0; l < count; l++) {
            anyLsqr |= byLsqr[l];
            if (!byBlock[l]) {
                continue;
            }
            double tau = nullVector[(len - 1) * count + l];
            for (int i = 0; i < len; i++) {
                zStar[i * count + l] = nullVector[i * count + l] / tau;
            }
            double rel = distance(z, zStar, len, count, l);
            error[l] = Double.isFinite(rel) ? rel : Double.POSITIVE_INFINITY;
        }
        if (anyLsqr) {
            LsqrStep step = lsqrStep(op, z, limits, byLsqr);
            for (int l = 0; l < count; l++) {
                if (!byLsqr[l]) {
                    continue;
                }
                for (int i = 0; i < len; i++) {
                    int k = i * count + l;
                    zStar[k] = z[k] - step.e[k];
                }
                error[l] = DerivativeRules.forwardErrorByLsqr(distance(z, zStar, len, count, l), step.converged[l]);
            }
        }
        return new ExactPoints(zStar, error);
    }

    /** z* per lane and its relative distance from ẑ (see {@link #exactPoints}). */
    record ExactPoints(double[] zStar, double[] error) {
    }

    /** ‖u − v‖/‖u‖ in lane l. */
    private static double distance(double[] u, double[] v, int len, int count, int l) {
        double dd = 0;
        double uu = 0;
        for (int i = 0; i < len; i++) {
            int k = i * count + l;
            double d = u[k] - v[k];
            dd += d * d;
            uu += u[k] * u[k];
        }
        return Math.sqrt(dd / uu);
    }

    /** The Newton step e (zero in unmarked lanes) and whether LSQR converged per lane. */
    record LsqrStep(double[] e, boolean[] converged) {
    }

    /** e, the least-squares solution of M·e = R(ẑ) = M·ẑ with e_τ = 0, for the lanes marked in {@code lanes}. */
    static LsqrStep lsqrStep(ResidualMapOperator op, double[] z, Lsqr.Limits limits, boolean[] lanes) {
        int count = lanes.length;
        int len = op.rows();
        double[] rhs = new double[len * count];
        op.apply(z, rhs);
        for (int l = 0; l < count; l++) {
            for (int i = 0; i < len && !lanes[l]; i++) {
                rhs[i * count + l] = 0; // lanes estimated otherwise take no part
            }
        }
        double[] e = new double[len * count];
        LsqrResult result = new Lsqr<>(new CpuBatchVectors(count), new FixedTau(op), limits).solve(rhs, e);
        boolean[] converged = new boolean[count];
        for (int l = 0; l < count; l++) {
            converged[l] = lanes[l] && result.converged(l);
        }
        return new LsqrStep(e, converged);
    }

    /** M restricted to the columns of x and y − s (τ's column zero), so a least-squares step keeps τ. */
    private static final class FixedTau implements BatchOperator<double[]> {
        private final ResidualMapOperator op;
        private final double[] masked;

        FixedTau(ResidualMapOperator op) {
            this.op = op;
            this.masked = new double[op.rows() * op.lanes()];
        }

        @Override
        public int rows() {
            return op.rows();
        }

        @Override
        public int cols() {
            return op.cols();
        }

        @Override
        public void apply(double[] in, double[] out) {
            System.arraycopy(in, 0, masked, 0, masked.length);
            java.util.Arrays.fill(masked, (op.rows() - 1) * op.lanes(), masked.length, 0);
            op.apply(masked, out);
        }

        @Override
        public void applyTranspose(double[] in, double[] out) {
            op.applyTranspose(in, out);
            java.util.Arrays.fill(out, (op.rows() - 1) * op.lanes(), out.length, 0);
        }
    }
}
