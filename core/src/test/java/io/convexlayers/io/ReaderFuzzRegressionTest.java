// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.io;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Inputs the reader fuzzers once found, kept in {@code src/test/resources/fuzz/regressions/} under
 * a name that says what they do and which seed and input number produced them. Each must now end
 * promptly in a status or a typed error.
 */
class ReaderFuzzRegressionTest {
    private static byte[] regression(String name) throws IOException, URISyntaxException {
        return Files.readAllBytes(Path.of(ReaderFuzzRegressionTest.class.getResource("/fuzz/regressions/" + name).toURI()));
    }

    /**
     * demb782.cbf with one b entry set to ±1e308: the iterate overflowed to infinity, and the
     * exponential-cone projection's root search looped forever on it, ignoring the time limit.
     * Now the projection marks the iterate NaN and the solve ends as failed.
     */
    @Test
    void exponentialConeWithAnOverflowingConstantEndsInsteadOfHanging() throws Exception {
        for (String name : new String[] {"cbf-exp-b1e308-seed20261204-input1380.cbf",
                "cbf-exp-bminus1e308-seed20261204-input2237.cbf"}) {
            byte[] input = regression(name);
            String outcome = assertTimeoutPreemptively(Duration.ofSeconds(20),
                    () -> ReaderFuzzTest.readAndSolve("cbf", input), name);
            assertEquals("failed", outcome, name);
        }
    }
}
