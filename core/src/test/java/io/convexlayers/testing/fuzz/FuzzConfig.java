// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.testing.fuzz;

/**
 * How long a fuzzer runs, from system properties so that CI stays short and a local run can go
 * long: {@code -Dfuzz.inputs=N} (inputs per fuzzer), {@code -Dfuzz.seconds=S} (wall-clock cap per
 * fuzzer, whichever comes first), {@code -Dfuzz.seed=K} (the base seed; input i uses a seed
 * derived from K and i, so a finding is reproduced from the two numbers it is reported with).
 *
 * @param inputs           inputs to try
 * @param seconds          stop after this many seconds even if fewer inputs were tried
 * @param seed             base seed
 * @param perInputSeconds  an input taking longer is a hang (a failure)
 * @param allocationBudget an input allocating more bytes than this exhausts memory (a failure)
 */
public record FuzzConfig(long inputs, double seconds, long seed, double perInputSeconds, long allocationBudget) {
    /** Default seed: fixed, so that CI runs are reproducible. */
    public static final long DEFAULT_SEED = 20_261_204L;

    /**
     * The configuration from system properties with the given CI defaults. The per-input bound
     * ({@code fuzz.inputSeconds}, default 20 s) leaves room for a slow shared CI machine; the
     * allocation budget ({@code fuzz.allocationMiB}, default 1536 MiB) lies above the worst a
     * reader may allocate within its documented limits and far below what the unbounded readers
     * reached (6.4 GB).
     */
    public static FuzzConfig fromProperties(long defaultInputs, double defaultSeconds) {
        return new FuzzConfig(Long.getLong("fuzz.inputs", defaultInputs),
                Double.parseDouble(System.getProperty("fuzz.seconds", String.valueOf(defaultSeconds))),
                Long.getLong("fuzz.seed", DEFAULT_SEED),
                Double.parseDouble(System.getProperty("fuzz.inputSeconds", "20")),
                Long.getLong("fuzz.allocationMiB", 1536L) << 20);
    }

    /** The seed of input {@code i}: a SplitMix64 step, so neighbouring inputs are unrelated. */
    public long inputSeed(long i) {
        long z = seed + 0x9E3779B97F4A7C15L * (i + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
