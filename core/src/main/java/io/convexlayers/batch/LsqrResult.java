// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.batch;

/**
 * Per-lane outcome of an {@link Lsqr} solve.
 *
 * @param iterations    iterations each lane ran
 * @param residualNorm  estimate of ‖K x − rhs‖ (including the damping term)
 * @param normalResidual estimate of ‖Kᵀ(K x − rhs)‖
 * @param rhsNorm       ‖rhs‖
 * @param stop          why each lane stopped
 */
public record LsqrResult(int[] iterations, double[] residualNorm, double[] normalResidual, double[] rhsNorm,
                         LsqrStop[] stop) {

    /** True when lane {@code l} met its tolerances. */
    public boolean converged(int l) {
        return stop[l].converged();
    }
}
