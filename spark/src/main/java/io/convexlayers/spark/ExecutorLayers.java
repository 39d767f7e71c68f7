// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.spark;

import io.convexlayers.layer.ConvexLayer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The layers built in this JVM, one per {@link SparkConvexLayer} (by its key): tasks of the same
 * executor share the compiled layer, which is thread-safe.
 */
final class ExecutorLayers {
    private static final Map<String, ConvexLayer> LAYERS = new ConcurrentHashMap<>();

    private ExecutorLayers() {
    }

    static ConvexLayer get(String key, LayerFactory factory) {
        return LAYERS.computeIfAbsent(key, unused -> factory.create());
    }

    static void release(String key) {
        LAYERS.remove(key);
    }
}
