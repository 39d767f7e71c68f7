// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.testing.fuzz;

import java.util.Random;

/**
 * What a fuzzer exercises: builds one input from a seeded random source and runs the code under
 * test on it. Returning normally means the input ended in a solution or a status (the returned
 * label says which, for the summary); throwing a typed {@code ConvexLayersException} is the other
 * acceptable end. Anything else thrown is a finding.
 */
public interface FuzzTarget {
    /** Builds one input from {@code random}; it is what a finding reports and saves. */
    byte[] input(Random random);

    /** Runs the code under test on {@code input}; returns a short label of the outcome. */
    String run(byte[] input) throws Exception;

    /** The input in readable form for a report (the bytes as text by default). */
    default String describe(byte[] input) {
        return new String(input, java.nio.charset.StandardCharsets.UTF_8);
    }
}
