// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

/**
 * Per-instance diagnostics of a JVP or VJP.
 *
 * @param quality          whether the result can be trusted
 * @param iterations       LSQR iterations (0 for the factorizations)
 * @param relativeResidual ‖M·dz − r‖/‖r‖ of the linear solve (least-squares residual)
 * @param method           which solve produced it
 */
public record DerivativeInfo(DerivativeQuality quality, int iterations, double relativeResidual,
                             DerivativeMethod method) {

    /** Diagnostics without a recorded method ({@link DerivativeMethod#NONE}). */
    public DerivativeInfo(DerivativeQuality quality, int iterations, double relativeResidual) {
        this(quality, iterations, relativeResidual, DerivativeMethod.NONE);
    }
}
