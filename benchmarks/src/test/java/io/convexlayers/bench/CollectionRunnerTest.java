// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.bench;

import io.convexlayers.solver.SolverSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The collection runner's verdicts and summary (issue #14's table): a problem solved to its reference
 * succeeds, one whose reference is off by more than 1e-4 relative fails though SOLVED, an unreadable file
 * fails as READ_ERROR, and the summary counts them and takes the shifted geometric mean with failures at
 * the time limit.
 */
class CollectionRunnerTest {
    /** min x₁ + 2x₂ s.t. x₁ + x₂ ≥ 1, x ≥ 0: optimum 1 at x = (1, 0). */
    private static final String TINY_LP = """
            NAME          TINY
            ROWS
             N  COST
             G  LIM1
            COLUMNS
                X1        COST         1.0   LIM1         1.0
                X2        COST         2.0   LIM1         1.0
            RHS
                RHS       LIM1         1.0
            ENDATA
            """;

    @Test
    void successIsSolvedAndWithin1e4OfTheReference(@TempDir Path folder) throws IOException {
        Files.writeString(folder.resolve("tiny.mps"), TINY_LP);
        Files.writeString(folder.resolve("broken.mps"), "NAME BROKEN\nROWS\n N COST\nCOLUMNS\n X1 NOWHERE 1.0\nENDATA\n");
        Files.writeString(folder.resolve("reference.csv"), String.join("\n",
                "name,file,objective_ref",
                "right,tiny.mps,1.0",
                "close,tiny.mps,1.00005",
                "wrong,tiny.mps,1.001",
                "broken,broken.mps,0.0", ""));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        double limit = 5;
        List<CollectionRunner.Outcome> outcomes = CollectionRunner.run(folder,
                SolverSettings.defaults().withEps(1e-8).withTimeLimit(limit), limit, null,
                CollectionRunner.Repeats.NONE, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertEquals(4, outcomes.size());
        assertTrue(outcomes.get(0).success(), outcomes.get(0)::toString);
        assertEquals(1.0, outcomes.get(0).objective(), 1e-7);
        assertTrue(outcomes.get(1).success(), "5e-5 relative is within the rule: " + outcomes.get(1));
        assertEquals("SOLVED", outcomes.get(2).status());
        assertFalse(outcomes.get(2).success(), "1e-3 relative is outside the rule: " + outcomes.get(2));
        assertEquals("READ_ERROR", outcomes.get(3).status());
        assertFalse(outcomes.get(3).success());

        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("problems: 4, status SOLVED: 3, success (SOLVED and objective within 1e-4 "
                + "relative, within the time limit): 2 (50.0%)"), printed);
        // Shifted geometric mean, shift 10 s: two successes at their times, two failures at the limit.
        double expected = Math.exp((Math.log(outcomes.get(0).seconds() + 10) + Math.log(outcomes.get(1).seconds() + 10)
                + 2 * Math.log(limit + 10)) / 4) - 10;
        assertTrue(printed.contains(String.format(java.util.Locale.ROOT,
                "limit): %.3f s;", expected)), expected + " in\n" + printed);
        assertTrue(printed.contains("| right | SOLVED |"), printed);
    }
}
