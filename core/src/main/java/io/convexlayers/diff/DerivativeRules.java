// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import io.convexlayers.cone.ConeFaces;
import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.diff.residual.ResidualMapOperator;

/**
 * The rules that turn a derivative solve's numbers into an instance's {@link DerivativeInfo}: where the
 * solution map has a kink, and the first reason a result is not accurate. One copy, used by the CPU
 * tiles of {@link SolutionDerivative} and by the device pipeline (LSQR over the CUDA backend's vectors),
 * so that both flag the same instances.
 */
public final class DerivativeRules {
    private DerivativeRules() {
    }

    /**
     * The kink of the solution map at lane {@code l}'s point, as far as its cone blocks tell (slacks and
     * duals compared with {@link SolutionDerivative#KINK_TOLERANCE} relative to the lane's largest |s| or
     * |y|, at least 1): a block without strict complementarity (a nonnegative row with both its slack and
     * its dual at zero; a second-order or PSD block with s + y on the cone's boundary; an exponential or
     * power cone block with one side zero and the other on its cone's boundary: {@link ConeFaces}), or more
     * active conditions than variables (the zero rows that constrain x, the nonnegative rows with zero
     * slack, the codimension of each cone block's face), whose gradients are then linearly dependent
     * (primal degeneracy, e.g. an LP vertex with a redundant active constraint), degeneracy named first
     * where both hold; {@link DerivativeIssue#NONE} otherwise. A vacuous zero row (its row of A vanishing
     * in this instance, b_i = 0) constrains nothing and is not counted: the symmetry rows of a PSD argument
     * that is symmetric by construction (28 of them for λ_max of an 8 × 8 matrix in 4 variables, which
     * made every such gradient POOR).
     *
     * @param instance the lane's instance of {@code program}
     * @param y the duals and {@code s} the slacks, m × lanes batch-minor
     */
    public static DerivativeIssue kinkAt(BatchConeProgram program, int instance, double[] y, double[] s, int lanes,
                                         int l) {
        ConeDims cones = program.cones();
        int m = program.m(); // A's rows, not cones.rows(), which sums its arrays by a stream at every call
        double scale = 1;
        for (int i = 0; i < m; i++) {
            scale = Math.max(scale, Math.max(Math.abs(s[i * lanes + l]), Math.abs(y[i * lanes + l])));
        }
        double tol = SolutionDerivative.KINK_TOLERANCE * scale;
        int active = constrainingZeroRows(program, instance);
        boolean weaklyActive = false;
        int start = cones.nonnegStart();
        for (int i = start; i < start + cones.nonneg(); i++) {
            double si = s[i * lanes + l];
            weaklyActive |= Math.max(si, y[i * lanes + l]) <= tol;
            if (si <= tol) {
                active++;
            }
        }
        int row = cones.socStart();
        for (int size : cones.soc()) {
            active += ConeFaces.socCodimension(s, row * lanes + l, lanes, size, tol);
            weaklyActive |= !ConeFaces.socStrictlyComplementary(s, y, row * lanes + l, lanes, size, tol);
            row += size;
        }
        row = cones.psdStart();
        for (int k : cones.psd()) {
            ConeFaces.PsdFace face = ConeFaces.psdFace(s, y, row * lanes + l, lanes, k, tol);
            active += face.codimension();
            weaklyActive |= !face.strictlyComplementary();
            row += ConeDims.svecLength(k);
        }
        for (int e = 0; e < cones.exp() + cones.dualExp(); e++) {
            row = cones.expStart() + 3 * e;
            ConeFaces.Nonsymmetric kind = e < cones.exp() ? ConeFaces.Nonsymmetric.EXP
                    : ConeFaces.Nonsymmetric.DUAL_EXP;
            active += ConeFaces.codimension(kind, 0, s, row * lanes + l, lanes, tol);
            weaklyActive |= !ConeFaces.strictlyComplementary(kind, 0, s, y, row * lanes + l, lanes, tol);
        }
        double[] alphas = cones.power();
        for (int p = 0; p < alphas.length; p++) {
            row = cones.powerStart() + 3 * p;
            // α < 0 names the dual cone K_|α|* (ConeDims).
            ConeFaces.Nonsymmetric kind = alphas[p] > 0 ? ConeFaces.Nonsymmetric.POWER
                    : ConeFaces.Nonsymmetric.DUAL_POWER;
            double alpha = Math.abs(alphas[p]);
            active += ConeFaces.codimension(kind, alpha, s, row * lanes + l, lanes, tol);
            weaklyActive |= !ConeFaces.strictlyComplementary(kind, alpha, s, y, row * lanes + l, lanes, tol);
        }
        // Degeneracy is named first: it is a property of the solution set, which no refinement of the point
        // removes, while which duals of a degenerate vertex are zero depends on the solver (a first-order
        // solution of the paper's sparse QP has some, the interior point's none).
        if (active > program.n()) {
            return DerivativeIssue.KINK_DEGENERATE;
        }
        return weaklyActive ? DerivativeIssue.KINK_NO_STRICT_COMPLEMENTARITY : DerivativeIssue.NONE;
    }

    /**
     * The zero-cone rows (the first rows) of {@code instance} that constrain x: all but the vacuous
     * ones ({@link ResidualMapOperator#vacuousZeroRows}).
     */
    static int constrainingZeroRows(BatchConeProgram program, int instance) {
        int zero = program.cones().zero();
        if (zero == 0) {
            return 0; // (the test below would sweep all of A's pattern for no row)
        }
        double[] b = new double[zero];
        for (int i = 0; i < zero; i++) {
            b[i] = program.b().get(i, instance);
        }
        BatchArray values = program.aValues();
        boolean[] vacuous = ResidualMapOperator.vacuousZeroRows(program.aPattern(), zero, 1,
                (k, lane) -> values.get(k, instance), b);
        int count = zero;
        for (boolean v : vacuous) {
            count -= v ? 1 : 0;
        }
        return count;
    }

    /**
     * The first reason a lane's result is not accurate: a kink, a forward solution the solver called
     * inaccurate or whose estimated effect exceeds {@link DerivativeSettings#accurateError}, a poor
     * linear solve (the derivative's, or the estimate's LSQR); {@link DerivativeIssue#NONE} if none.
     *
     * @param solved   whether the linear solve met its tolerance (or was exact)
     * @param estimate the estimated relative error ({@link DerivativeInfo#estimatedError})
     */
    public static DerivativeIssue issue(DerivativeIssue kink, boolean inaccurateForward, boolean solved,
                                        double estimate, DerivativeSettings settings) {
        if (kink != DerivativeIssue.NONE) {
            return kink;
        }
        // An inaccurate forward solution also spoils the solve (its right-hand side leaves M's range in
        // proportion), so it is named first: tightening eps is the first remedy.
        if (inaccurateForward || estimate > settings.accurateError()) {
            return DerivativeIssue.INACCURATE_FORWARD;
        }
        // A NaN estimate is an LSQR step that did not converge: the solves, not the point, are at fault.
        return solved && !Double.isNaN(estimate) ? DerivativeIssue.NONE : DerivativeIssue.LINEAR_SOLVE_RESIDUAL;
    }

    /**
     * The estimated forward error of one lane from its LSQR step e, given ‖e‖/‖ẑ‖: +∞ when not finite,
     * NaN (unknown) when the step did not converge — a truncated e understates the error.
     */
    public static double forwardErrorByLsqr(double rel, boolean converged) {
        return !Double.isFinite(rel) ? Double.POSITIVE_INFINITY : converged ? rel : Double.NaN;
    }
}
