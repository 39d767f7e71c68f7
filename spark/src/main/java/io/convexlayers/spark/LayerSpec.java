// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.spark;

import java.io.Serializable;

/**
 * What the executors need, broadcast once: the factory, the key of its cached layer, where each
 * parameter comes from (a column index of the input rows, or a constant), where the upstream
 * gradients are, and the batch size.
 *
 * @param key              identifies the layer in {@link ExecutorLayers}
 * @param factory          builds the layer
 * @param parameterColumns per parameter (layer order): the input column index, or -1 for a constant
 * @param constants        per parameter: the constant's values, or null for a column
 * @param upstreamColumns  per output: the column index of ∂L/∂output, or -1 (none); null when no
 *                         gradients are asked for
 * @param batchSize        rows solved together
 */
record LayerSpec(String key, LayerFactory factory, int[] parameterColumns, double[][] constants,
                 int[] upstreamColumns, int batchSize) implements Serializable {
    boolean gradients() {
        return upstreamColumns != null;
    }
}
