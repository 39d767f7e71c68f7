// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.hsde;

import io.convexlayers.solver.Solution;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;


/**
 * The termination tests of DESIGN §4 on one lane's unscaled residual statistics: optimality
 * (primal, dual and gap residuals within ε_abs + ε_rel·scale), primal infeasibility
 * (bᵀy &lt; 0 and ‖Aᵀy‖ ≤ ε_infeas·min(−bᵀy, ‖A‖max·‖y‖∞)) and unboundedness (cᵀx &lt; 0 and
 * ‖Ax + s‖, ‖Px‖ ≤ ε_infeas·min(−cᵀx, ‖[A; P]‖max·‖x‖∞)); and the choice of an inaccurate status at a
 * limit. Public so that the interior-point method ({@code solver.ipm}) decides its statuses by the same
 * tests.
 *
 * <p>A certificate is judged twice: against its objective (the direction's residual per unit of
 * cost decrease) and against the matrix (a backward error: the direction is an exact ray of data
 * within relative distance ε_infeas of A). The first alone depends on the scale of c: NETLIB DFL001
 * (‖c‖₂ = 3.6·10⁸, max|A| = 2) passed it at iteration 30 with a direction whose own residual was 5% of
 * ‖Ax‖, a bounded LP declared unbounded. The second alone would let a direction that barely lowers
 * the objective pass.
 */
public final class Termination {
    private Termination() {
    }

    /** The status when one of the tests passes, or null to keep iterating. */
    public static SolverStatus check(double[] st, int o, SolverSettings s) {
        if (brokeDown(st, o)) {
            return SolverStatus.FAILED;
        }
        if (st[o + ResidualStats.TAU] > 0 && optimalityRatio(st, o, s) <= 1) {
            return SolverStatus.SOLVED;
        }
        if (infeasibilityRatio(st, o, s) <= 1) {
            return SolverStatus.INFEASIBLE;
        }
        if (unboundednessRatio(st, o, s) <= 1) {
            return SolverStatus.UNBOUNDED;
        }
        return null;
    }

    /**
     * A certificate within this factor of its tolerance (‖Aᵀy‖ ≤ 10⁻⁴·(−bᵀy) at the default 10⁻⁷) is
     * reported at a limit as an inaccurate certificate; a looser one is no verdict.
     */
    public static final double LOOSE_CERTIFICATE = 1e3;

    /**
     * At an iteration or time limit: in the embedding a solvable instance drives κ → 0 with τ > 0,
     * an infeasible or unbounded one τ → 0 with κ > 0; so τ ≥ κ means "solved, inaccurately", and
     * otherwise the certificate with the better ratio decides, provided it holds to
     * {@link #LOOSE_CERTIFICATE} times its tolerance. κ exceeds τ for a while in many solvable
     * instances (an interior-point method's early iterations: CVXQP1_L cut by a time limit at
     * iteration 7 was reported infeasible); without a loose certificate the iterate is reported as
     * the best point found, SOLVED_INACCURATE, and its residuals say how good it is.
     */
    public static SolverStatus atLimit(double[] st, int o, SolverSettings s) {
        if (brokeDown(st, o)) {
            return SolverStatus.FAILED;
        }
        double tau = st[o + ResidualStats.TAU];
        double kappa = st[o + ResidualStats.KAPPA];
        if (tau > 0 && tau >= kappa) {
            return SolverStatus.SOLVED_INACCURATE;
        }
        double inf = infeasibilityRatio(st, o, s);
        double unb = unboundednessRatio(st, o, s);
        if (inf <= LOOSE_CERTIFICATE && inf <= unb) {
            return SolverStatus.INFEASIBLE_INACCURATE;
        }
        if (unb <= LOOSE_CERTIFICATE) {
            return SolverStatus.UNBOUNDED_INACCURATE;
        }
        return tau > 0 ? SolverStatus.SOLVED_INACCURATE : SolverStatus.FAILED;
    }

    /**
     * True when the iterate itself is no longer finite. Solution measures divide by τ and are
     * legitimately infinite while τ = 0 (the certificate case), so they count only when τ > 0.
     */
    static boolean brokeDown(double[] st, int o) {
        for (int k = ResidualStats.TAU; k < ResidualStats.WIDTH; k++) {
            if (!Double.isFinite(st[o + k])) {
                return true;
            }
        }
        if (st[o + ResidualStats.TAU] > 0) {
            for (int k = 0; k < ResidualStats.TAU; k++) {
                if (Double.isNaN(st[o + k])) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Largest of the three optimality residuals relative to their tolerances (≤ 1: converged). */
    public static double optimalityRatio(double[] st, int o, SolverSettings s) {
        double p = st[o + ResidualStats.PRIMAL_RES]
                / (s.epsAbs() + s.epsRel() * st[o + ResidualStats.PRIMAL_SCALE]);
        double d = st[o + ResidualStats.DUAL_RES]
                / (s.epsAbs() + s.epsRel() * st[o + ResidualStats.DUAL_SCALE]);
        double g = st[o + ResidualStats.GAP] / (s.epsAbs() + s.epsRel() * st[o + ResidualStats.GAP_SCALE]);
        return Math.max(p, Math.max(d, g));
    }

    static double infeasibilityRatio(double[] st, int o, SolverSettings s) {
        double bty = st[o + ResidualStats.CERT_BTY];
        if (!(bty < 0)) {
            return Double.POSITIVE_INFINITY;
        }
        double aty = st[o + ResidualStats.CERT_ATY];
        // 0/0 (a zero direction) is NaN, and Math.max keeps NaN: no certificate.
        return Math.max(aty / (-bty * s.epsInfeas()), aty / (st[o + ResidualStats.CERT_Y_SCALE] * s.epsInfeas()));
    }

    static double unboundednessRatio(double[] st, int o, SolverSettings s) {
        double ctx = st[o + ResidualStats.CERT_CTX];
        if (!(ctx < 0)) {
            return Double.POSITIVE_INFINITY;
        }
        double r = Math.max(st[o + ResidualStats.CERT_AXS], st[o + ResidualStats.CERT_PX]);
        return Math.max(r / (-ctx * s.epsInfeas()), r / (st[o + ResidualStats.CERT_X_SCALE] * s.epsInfeas()));
    }
}
