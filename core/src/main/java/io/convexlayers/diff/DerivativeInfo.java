// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

/**
 * Per-instance diagnostics of a JVP or VJP.
 *
 * @param quality          whether the result can be trusted
 * @param iterations       LSQR iterations (0 for the factorizations)
 * @param relativeResidual ‖M·dz − r‖/‖r‖ of the linear solve (least-squares residual)
 * @param method           which solve produced it
 * @param estimatedError   estimated relative error ‖result − exact‖/‖result‖ of this instance's JVP or
 *                         VJP caused by the forward solution's inaccuracy (see
 *                         {@link SolutionDerivative}); NaN where none was estimated (no solution, or
 *                         the estimate's LSQR step did not converge)
 * @param issue            why the quality is not ACCURATE ({@link DerivativeIssue#NONE} when it is)
 * @param device           where the solve ran: the CPU, or the CUDA device of a layer on the CUDA backend
 *                         (which runs only {@link DerivativeMode#LSQR} there; other modes run on the CPU,
 *                         announced once in the log)
 * @param refinementSteps  Newton steps that moved this instance's solution closer to the exact one before
 *                         the derivative was taken there ({@link DerivativeSettings#refine}); 0 where the
 *                         returned solution was used as it is. {@code estimatedError} is that of the
 *                         point the derivative was taken at.
 */
public record DerivativeInfo(DerivativeQuality quality, int iterations, double relativeResidual,
                             DerivativeMethod method, double estimatedError, DerivativeIssue issue,
                             DerivativeDevice device, int refinementSteps) {

    /** Checks that the reason agrees with the quality: NONE exactly when ACCURATE, NO_SOLUTION when UNDEFINED. */
    public DerivativeInfo {
        if (quality == null || method == null || issue == null || device == null) {
            throw new IllegalArgumentException("quality, method, issue and device must not be null");
        }
        if (refinementSteps < 0) {
            throw new IllegalArgumentException("refinementSteps must be >= 0, got " + refinementSteps);
        }
        boolean consistent = switch (quality) {
            case ACCURATE -> issue == DerivativeIssue.NONE;
            case UNDEFINED -> issue == DerivativeIssue.NO_SOLUTION;
            case POOR -> issue != DerivativeIssue.NONE && issue != DerivativeIssue.NO_SOLUTION;
        };
        if (!consistent) {
            throw new IllegalArgumentException("issue " + issue + " does not fit quality " + quality);
        }
    }

    /** Diagnostics at the returned solution (no refinement). */
    public DerivativeInfo(DerivativeQuality quality, int iterations, double relativeResidual,
                          DerivativeMethod method, double estimatedError, DerivativeIssue issue,
                          DerivativeDevice device) {
        this(quality, iterations, relativeResidual, method, estimatedError, issue, device, 0);
    }

    /** Diagnostics of a solve on the CPU at the returned solution. */
    public DerivativeInfo(DerivativeQuality quality, int iterations, double relativeResidual,
                          DerivativeMethod method, double estimatedError, DerivativeIssue issue) {
        this(quality, iterations, relativeResidual, method, estimatedError, issue, DerivativeDevice.CPU);
    }

    /**
     * Diagnostics without an error estimate (NaN) or a stated reason: the reason is read off the
     * quality (POOR gets {@link DerivativeIssue#UNSPECIFIED}).
     */
    public DerivativeInfo(DerivativeQuality quality, int iterations, double relativeResidual,
                          DerivativeMethod method) {
        this(quality, iterations, relativeResidual, method, Double.NaN, switch (quality) {
            case ACCURATE -> DerivativeIssue.NONE;
            case UNDEFINED -> DerivativeIssue.NO_SOLUTION;
            case POOR -> DerivativeIssue.UNSPECIFIED;
        });
    }

    /** Diagnostics without a recorded method ({@link DerivativeMethod#NONE}), error estimate or reason. */
    public DerivativeInfo(DerivativeQuality quality, int iterations, double relativeResidual) {
        this(quality, iterations, relativeResidual, DerivativeMethod.NONE);
    }
}
