// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.hsde;

import io.convexlayers.batch.LaneLoops;

/**
 * Layout of the per-lane residual statistics returned by {@link HsdeKernels#residuals}; every
 * quantity refers to the unscaled program. Solution measures use (x, y, s) = iterate / τ;
 * certificate measures use the unnormalized directions (x̂, ŷ, ŝ) mapped back without τ.
 */
public final class ResidualStats {
    /** ‖Ax + s − b‖∞. */
    public static final int PRIMAL_RES = 0;
    /** max(‖Ax‖∞, ‖s‖∞, ‖b‖∞). */
    public static final int PRIMAL_SCALE = 1;
    /** ‖Px + Aᵀy + c‖∞. */
    public static final int DUAL_RES = 2;
    /** max(‖Px‖∞, ‖Aᵀy‖∞, ‖c‖∞). */
    public static final int DUAL_SCALE = 3;
    /** |xᵀPx + cᵀx + bᵀy|. */
    public static final int GAP = 4;
    /** max(|xᵀPx|, |cᵀx|, |bᵀy|). */
    public static final int GAP_SCALE = 5;
    /** ½xᵀPx + cᵀx. */
    public static final int PRIMAL_OBJ = 6;
    /** −½xᵀPx − bᵀy. */
    public static final int DUAL_OBJ = 7;
    /** τ. */
    public static final int TAU = 8;
    /** κ. */
    public static final int KAPPA = 9;
    /** bᵀy of the direction y = Dŷ/σ (negative for an infeasibility certificate). */
    public static final int CERT_BTY = 10;
    /** ‖Aᵀy‖∞ of the same direction. */
    public static final int CERT_ATY = 11;
    /** cᵀx of the direction x = Ex̂/σ (negative for an unboundedness certificate). */
    public static final int CERT_CTX = 12;
    /** ‖Ax + s‖∞ of the directions x = Ex̂/σ, s = D⁻¹ŝ/σ. */
    public static final int CERT_AXS = 13;
    /** ‖Px‖∞ of the direction x. */
    public static final int CERT_PX = 14;
    /**
     * ‖[A; P]‖max·‖x‖∞ of the direction x: how large Ax + s and Px could be without cancellation. An
     * unboundedness certificate must be small against it as well as against −cᵀx, so that a large ‖c‖
     * cannot pass a direction that is far from a ray of A (see {@link Termination}).
     */
    public static final int CERT_X_SCALE = 15;
    /** ‖A‖max·‖y‖∞ of the direction y: the same for Aᵀy of an infeasibility certificate. */
    public static final int CERT_Y_SCALE = 16;
    /** Number of statistics per lane. */
    public static final int WIDTH = 17;

    private ResidualStats() {
    }

    /**
     * The scalars a solution reports for one lane's statistics at {@code o}: for a solution its primal and
     * dual residuals, gap and objectives; for an infeasibility certificate ‖Aᵀy‖/(−bᵀy) as its residual
     * and +∞ objectives; for an unboundedness certificate max(‖Ax + s‖, ‖Px‖)/(−cᵀx) and −∞ objectives
     * (the dual residual and gap of a certificate are NaN).
     */
    public record Reported(double primal, double dual, double gap, double objective, double dualObjective) {
        /** The scalars of {@code status} from the statistics {@code st} at {@code o}. */
        public static Reported of(io.convexlayers.solver.SolverStatus status, double[] st, int o) {
            return switch (status) {
                case INFEASIBLE, INFEASIBLE_INACCURATE -> new Reported(st[o + CERT_ATY] / -st[o + CERT_BTY],
                        Double.NaN, Double.NaN, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
                case UNBOUNDED, UNBOUNDED_INACCURATE -> new Reported(
                        Math.max(st[o + CERT_AXS], st[o + CERT_PX]) / -st[o + CERT_CTX], Double.NaN, Double.NaN,
                        Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY);
                default -> new Reported(st[o + PRIMAL_RES], st[o + DUAL_RES], st[o + GAP], st[o + PRIMAL_OBJ],
                        st[o + DUAL_OBJ]);
            };
        }
    }

    /**
     * The largest absolute matrix entries of each lane, for {@link #CERT_X_SCALE} and {@link #CERT_Y_SCALE}:
     * out[l] = ‖A_l‖max and out[lanes + l] = max(‖A_l‖max, ‖P_l‖max), from unscaled values batch-minor over
     * {@code valueLanes} lanes (one value lane: every lane shares it; otherwise as many as lanes).
     * {@code pValues} may be null. Returns {@code out} (of 2·lanes entries).
     */
    public static double[] matrixMagnitudes(double[] aValues, double[] pValues, int valueLanes, int lanes,
                                            double[] out) {
        java.util.Arrays.fill(out, 0, 2 * lanes, 0);
        LaneLoops.maxAbs(aValues, aValues.length / valueLanes, valueLanes, out);
        System.arraycopy(out, 0, out, lanes, valueLanes);
        if (pValues != null) {
            double[] pMax = new double[valueLanes];
            LaneLoops.maxAbs(pValues, pValues.length / valueLanes, valueLanes, pMax);
            for (int l = 0; l < valueLanes; l++) {
                out[lanes + l] = Math.max(out[lanes + l], pMax[l]);
            }
        }
        for (int l = valueLanes; l < lanes; l++) {
            out[l] = out[0];
            out[lanes + l] = out[lanes];
        }
        return out;
    }

    /**
     * The solution statistics (residuals, their scales, objectives and gap on the unscaled data; τ = 1,
     * certificate entries zero) of the points (x, y, s) of instances {@code instances} of the batch, given
     * as a tile: lane l is instance {@code instances[l]}, batch-minor over {@code instances.length} lanes.
     * One row of {@link #WIDTH} per lane, what the solver reports for a solution; for polishers outside
     * this package.
     */
    public static double[] ofPoints(io.convexlayers.data.BatchConeProgram batch, int[] instances, double[] x,
                                    double[] y, double[] s) {
        return new TileData(batch, instances).statistics(x, y, s);
    }
}
