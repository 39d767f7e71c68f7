// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.layer;

import io.convexlayers.solver.SolverSettings;

import java.util.OptionalInt;

/**
 * Per-call options of {@link ConvexLayer#forward(ForwardOptions, double[]...)}; anything left
 * unset falls back to the layer's own setting. Immutable.
 *
 * <ul>
 *   <li>{@code batchSize}: states the batch size B instead of inferring it from the arrays. Needed
 *       for a batch of one (an array of exactly one instance's size is otherwise read as
 *       unbatched); every array must then hold one instance (broadcast) or B instances.</li>
 *   <li>{@code settings}: solver settings for this call only.</li>
 *   <li>{@code warmStart}: whether this call starts from the layer's last solution.</li>
 * </ul>
 */
public final class ForwardOptions {
    private static final ForwardOptions DEFAULTS = new ForwardOptions(null, null, null);

    private final Integer batchSize;
    private final SolverSettings settings;
    private final Boolean warmStart;

    private ForwardOptions(Integer batchSize, SolverSettings settings, Boolean warmStart) {
        this.batchSize = batchSize;
        this.settings = settings;
        this.warmStart = warmStart;
    }

    /** Nothing overridden. */
    public static ForwardOptions defaults() {
        return DEFAULTS;
    }

    /** A stated batch size (validated by {@code forward}: it must be at least 1). */
    public static ForwardOptions batch(int batchSize) {
        return DEFAULTS.withBatchSize(batchSize);
    }

    public ForwardOptions withBatchSize(int b) {
        return new ForwardOptions(b, settings, warmStart);
    }

    public ForwardOptions withSettings(SolverSettings s) {
        return new ForwardOptions(batchSize, s, warmStart);
    }

    public ForwardOptions withWarmStart(boolean on) {
        return new ForwardOptions(batchSize, settings, on);
    }

    /** The stated batch size, or empty to infer it from the arrays. */
    public OptionalInt batchSize() {
        return batchSize == null ? OptionalInt.empty() : OptionalInt.of(batchSize);
    }

    /** The solver settings for this call, or {@code null} for the layer's. */
    public SolverSettings settings() {
        return settings;
    }

    /** Warm start for this call, or {@code null} for the layer's choice. */
    public Boolean warmStart() {
        return warmStart;
    }
}
