// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import io.convexlayers.diff.residual.ResidualMapOperator;
import io.convexlayers.batch.BatchOperator;
import io.convexlayers.batch.CpuBatchVectors;
import io.convexlayers.batch.Lsqr;
import io.convexlayers.batch.LsqrResult;

/**
 * How far each lane's returned solution ẑ = (x, y − s, 1) lies from the exact one, relative to ‖ẑ‖:
 * one Newton step on the residual map R with τ held at 1 (DESIGN §6).
 *
 * <p>A plain Newton step M⁻¹·R(ẑ) is useless here: R is positively homogeneous, so M·ẑ = R(ẑ) and the
 * step is ẑ itself (it goes to the trivial zero of R). With τ fixed, the step e solves M·e ≈ R(ẑ) with
 * e_τ = 0, and then M·(ẑ − e) = O(‖e‖²) (the second derivative of a homogeneous map vanishes along z):
 * the exact solution z* = ẑ − e is M's near-null vector scaled to τ = 1. Where an active block was
 * factored that vector is already at hand ({@link ActiveSetSolve#nullVector}, no solve); otherwise one
 * LSQR solve of M with its τ column removed gives e.
 */
final class ForwardError {
    private ForwardError() {
    }

    /**
     * ‖ẑ − v/v_τ‖/‖ẑ‖ for the lanes marked in {@code lanes}, from M's near-null vector v; a lane whose v
     * has no τ component (the null direction is a certificate's, not a solution's) gets +∞.
     *
     * @param z ẑ of the tile, batch-minor (n + m + 1 per lane)
     */
    static void fromNullVector(double[] nullVector, double[] z, int len, boolean[] lanes, double[] out) {
        int count = lanes.length;
        for (int l = 0; l < count; l++) {
            if (!lanes[l]) {
                continue;
            }
            double tau = nullVector[(len - 1) * count + l];
            double ee = 0;
            double zz = 0;
            for (int i = 0; i < len; i++) {
                int k = i * count + l;
                double d = z[k] - nullVector[k] / tau;
                ee += d * d;
                zz += z[k] * z[k];
            }
            double rel = Math.sqrt(ee / zz);
            out[l] = Double.isFinite(rel) ? rel : Double.POSITIVE_INFINITY;
        }
    }

    /**
     * ‖e‖/‖ẑ‖ with e the least-squares solution of M·e = R(ẑ) = M·ẑ, e_τ = 0, by LSQR, for the lanes
     * marked in {@code lanes}; a lane LSQR leaves non-finite gets +∞, and one where LSQR stopped without
     * converging gets NaN (unknown): LSQR's iterates grow in norm, so a truncated e would understate the
     * error (on a planted mixed-cone program with n = 150 at the iteration limit: 4e-5 against a true 6e-3).
     */
    static void byLsqr(ResidualMapOperator op, double[] z, Lsqr.Limits limits, boolean[] lanes, double[] out) {
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
        for (int l = 0; l < count; l++) {
            if (!lanes[l]) {
                continue;
            }
            double ee = 0;
            double zz = 0;
            for (int i = 0; i < len; i++) {
                int k = i * count + l;
                ee += e[k] * e[k];
                zz += z[k] * z[k];
            }
            out[l] = DerivativeRules.forwardErrorByLsqr(Math.sqrt(ee / zz), result.converged(l));
        }
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
