// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.spark;

import io.convexlayers.layer.ConvexLayer;

import java.io.Serializable;

/**
 * Builds the layer on each machine: the problem, its compilation and the backend are made where the
 * solving happens instead of being serialized. Called once per JVM (driver and each executor) for a
 * {@link SparkConvexLayer}; the factory itself travels to the executors once, in a broadcast. A
 * lambda or a small class works, as long as what it captures is serializable.
 *
 * <p>The backend is chosen here: {@code Backends.auto()} uses an executor's GPU where it has one,
 * and {@code ExecutionSettings.defaults().withThreads(1)} suits executors that run one task per
 * core.
 */
@FunctionalInterface
public interface LayerFactory extends Serializable {
    /** A new layer; every call must describe the same problem. */
    ConvexLayer create();
}
