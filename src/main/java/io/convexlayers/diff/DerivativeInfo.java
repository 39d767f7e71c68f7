// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

/**
 * Per-instance diagnostics of a JVP or VJP.
 *
 * @param quality          whether the result can be trusted
 * @param iterations       LSQR iterations (0 in dense mode)
 * @param relativeResidual ‖M·dz − r‖/‖r‖ of the linear solve (least-squares residual)
 */
public record DerivativeInfo(DerivativeQuality quality, int iterations, double relativeResidual) {
}
