// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import io.convexlayers.data.BatchArray;

/**
 * The adjoint derivative: gradients of a scalar loss with respect to the program data of every
 * instance, given the loss's gradients with respect to (x, y, s). Batch-minor like the program's
 * per-instance data (entry k of instance b at {@code k * batch + b}), so that the transposed
 * parameter map takes it as it is; {@link BatchArray#instance(int)} copies one instance out.
 *
 * @param dP   nnz(P) × batch, on P's upper-triangular pattern (an off-diagonal entry collects both
 *             symmetric positions); null when the program has no P
 * @param dA   nnz(A) × batch, on A's pattern
 * @param db   m × batch
 * @param dc   n × batch
 * @param info per-instance diagnostics (zero gradients for instances without a solution)
 */
public record VjpResult(BatchArray dP, BatchArray dA, BatchArray db, BatchArray dc, DerivativeInfo[] info) {
}
