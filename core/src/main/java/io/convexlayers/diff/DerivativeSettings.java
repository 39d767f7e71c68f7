// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import io.convexlayers.InvalidSettingsException;

/**
 * Settings of the solution-map derivative: how M is solved and when a result counts as poor. How the
 * work is spread over the CPU is not set here but by the {@link io.convexlayers.solver.ExecutionSettings}
 * given to {@link SolutionDerivative#at}, the same value the forward solve used.
 *
 * @param mode            how M is solved (default AUTO: see {@link DerivativeMode#AUTO})
 * @param lsqr            LSQR tolerances and limits (default {@link LsqrSettings#defaults()})
 * @param denseThreshold  largest active block (n + 1 + the rows whose dual-cone projection is not
 *                        locally zero) solved densely in AUTO mode (default 600: one LU of that
 *                        order, ≈ 144 Mflop or 15–20 ms per instance at the 8–10 Gflop/s measured here;
 *                        LSQR did not converge within 4·N iterations on random QPs with n = 50 and
 *                        100, where M's condition number beyond its null space is ~1e6, while the
 *                        dense active block gave exact gradients for all 1000 of n = 50, m = 100
 *                        at 0.07× the forward time)
 * @param poorResidual    relative residual ‖M·dz − r‖/‖r‖ above which a result is flagged poor (default 1e-6)
 * @param accurateError   largest estimated relative error of a result ({@link DerivativeInfo#estimatedError})
 *                        still flagged accurate (default 1e-6); above it the result is POOR with
 *                        {@link DerivativeIssue#INACCURATE_FORWARD}
 * @param refine          before differentiating, move each instance whose estimated forward error is
 *                        above 1e-9 to the exact solution by Newton
 *                        steps on the residual map (at most 3, each
 *                        kept only where it lowers the residual), so that the derivative is taken at
 *                        the exact solution, not the returned one (default true; see
 *                        {@link DerivativeInfo#refinementSteps})
 */
public record DerivativeSettings(DerivativeMode mode, LsqrSettings lsqr, int denseThreshold, double poorResidual,
                                 double accurateError, boolean refine) {

    /** The default largest estimated relative error of an accurate result. */
    public static final double DEFAULT_ACCURATE_ERROR = 1e-6;

    public DerivativeSettings {
        if (mode == null || lsqr == null) {
            throw new InvalidSettingsException("derivative.mode/lsqr", null, "must not be null");
        }
        if (denseThreshold < 0) {
            throw new InvalidSettingsException("derivative.denseThreshold", denseThreshold, "must be >= 0");
        }
        if (!(poorResidual > 0)) {
            throw new InvalidSettingsException("derivative.poorResidual", poorResidual, "must be > 0");
        }
        if (!(accurateError > 0)) {
            throw new InvalidSettingsException("derivative.accurateError", accurateError, "must be > 0");
        }
    }

    /** Settings with the default {@code accurateError} (1e-6) and refinement on. */
    public DerivativeSettings(DerivativeMode mode, LsqrSettings lsqr, int denseThreshold, double poorResidual) {
        this(mode, lsqr, denseThreshold, poorResidual, DEFAULT_ACCURATE_ERROR, true);
    }

    /** Settings with refinement on. */
    public DerivativeSettings(DerivativeMode mode, LsqrSettings lsqr, int denseThreshold, double poorResidual,
                              double accurateError) {
        this(mode, lsqr, denseThreshold, poorResidual, accurateError, true);
    }

    /** The documented defaults. */
    public static DerivativeSettings defaults() {
        return new DerivativeSettings(DerivativeMode.AUTO, LsqrSettings.defaults(), 600, 1e-6, DEFAULT_ACCURATE_ERROR, true);
    }

    public DerivativeSettings withMode(DerivativeMode m) {
        return new DerivativeSettings(m, lsqr, denseThreshold, poorResidual, accurateError, refine);
    }

    public DerivativeSettings withLsqr(LsqrSettings l) {
        return new DerivativeSettings(mode, l, denseThreshold, poorResidual, accurateError, refine);
    }

    /** These settings with another {@code accurateError} (validated like the constructor's). */
    public DerivativeSettings withAccurateError(double error) {
        return new DerivativeSettings(mode, lsqr, denseThreshold, poorResidual, error, refine);
    }

    /** These settings with refinement on or off. */
    public DerivativeSettings withRefine(boolean on) {
        return new DerivativeSettings(mode, lsqr, denseThreshold, poorResidual, accurateError, on);
    }
}
