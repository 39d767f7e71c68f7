// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import io.convexlayers.data.BatchArray;

/**
 * The forward derivative (dx, dy, ds) of every instance's solution for one data perturbation, in
 * the batch-minor layout of the solution it differentiates (entry i of instance b at
 * {@code i * batch + b}; {@link BatchArray#instance(int)} copies one instance out).
 *
 * @param dx   n × batch (zeros for instances without a solution)
 * @param dy   m × batch
 * @param ds   m × batch
 * @param info per-instance diagnostics
 */
public record JvpResult(BatchArray dx, BatchArray dy, BatchArray ds, DerivativeInfo[] info) {
}
