// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the command line says about its input: names, escaping, warnings, non-convexity. */
class InputMessagesTest {
    @TempDir
    Path dir;

    /** min x + y with x ≤ −1 by a negative UP bound and no lower bound (so x ∈ (−∞, −1]), y ∈ [0, 1]. */
    private static final String NEGATIVE_UP = String.join("\n", "NAME NEGUP", "ROWS", " N obj", " G c1",
            "COLUMNS", " x obj -1 c1 1", " y obj 1 c1 1", "RHS", " rhs c1 -5", "BOUNDS", " UP b x -1",
            " UP b y 1", "ENDATA", "");

    @Test
    void aDirectoryGivenAsTheFileIsNamed() throws IOException {
        Path d = Files.createDirectory(dir.resolve("problems.mps"));
        CliRun r = CliRun.of("solve", d.toString());
        assertEquals(ExitCodes.NO_INPUT, r.code());
        assertTrue(r.err().contains(d.toString()), r.err());
        assertTrue(r.err().contains("directory"), r.err());
    }

    @Test
    void aMissingFileIsNamedWithControlCharactersEscaped() {
        CliRun r = CliRun.of("solve", dir.resolve("evil\u001b]0;pwned\u0007.mps").toString());
        assertEquals(ExitCodes.NO_INPUT, r.code());
        assertTrue(r.err().contains("evil\\x1b]0;pwned\\x07.mps"), r.err());
        assertTrue(r.err().contains("no such file"), r.err());
        assertFalse(CliRun.hasControl(r.err()), r.err());
    }

    @Test
    void controlBytesFromABinaryFileAreEscaped() throws IOException {
        byte[] bytes = new byte[300];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i % 32 == '\n' || i % 32 == '\r' ? 'x' : i % 32); // control bytes, one line
        }
        for (String name : new String[] {"bin.mps", "bin.cbf", "bin.dat-s"}) {
            Path f = dir.resolve(name);
            Files.write(f, bytes);
            CliRun r = CliRun.of("solve", f.toString());
            assertEquals(ExitCodes.DATA_ERROR, r.code(), name + ": " + r.err());
            assertTrue(r.err().contains(name + ":"), r.err());
            assertFalse(CliRun.hasControl(r.err()), "raw control bytes echoed: " + r.err());
            // MPS and CBF quote the offending line (escaped); SDPA names the token, and control
            // bytes separate tokens, so its token holds none
            assertTrue(name.endsWith(".dat-s") ? r.err().contains("found 'x'") : r.err().contains("\\x"), r.err());
        }
    }

    @Test
    void theNegativeUpBoundWarningIsShownInEveryOutput() throws IOException {
        // the README promised it; no output showed it
        Path f = dir.resolve("negup.mps");
        Files.writeString(f, NEGATIVE_UP);
        String warning = "column x: negative UP bound -1.0 without a lower bound; lower bound set to -infinity";
        CliRun text = CliRun.of("solve", f.toString());
        assertEquals(ExitCodes.SOLVED, text.code(), text.err());
        assertTrue(text.out().contains("warning     " + warning), text.out());
        CliRun verbose = CliRun.of("solve", f.toString(), "--verbose");
        assertTrue(verbose.err().contains("convexlayers: warning: " + warning), verbose.err());
        CliRun json = CliRun.of("solve", f.toString(), "--json");
        assertEquals(1, json.out().lines().count(), json.out());
        assertTrue(json.out().contains("\"warnings\": [\"" + warning + "\"]"), json.out());
        CliRun plain = CliRun.of("solve", CliRun.problem("netlib/afiro.mps"), "--json");
        assertTrue(plain.out().contains("\"warnings\": []"), plain.out());
        assertFalse(CliRun.of("solve", CliRun.problem("netlib/afiro.mps")).out().contains("warning"));
    }

    @Test
    void aNonConvexQuadraticObjectiveIsMalformedInputWithACertificate() throws IOException {
        // ended as "failed" with objective NaN before
        Path f = dir.resolve("nonconvex.qps");
        Files.writeString(f, String.join("\n", "NAME NC", "ROWS", " N obj", " L c1", "COLUMNS", " x obj 1 c1 1",
                " y obj 1 c1 1", "RHS", " rhs c1 4", "QUADOBJ", " x x 2", " y y -3", "ENDATA", ""));
        CliRun r = CliRun.of("solve", f.toString());
        assertEquals(ExitCodes.DATA_ERROR, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("nonconvex.qps:10:"), r.err());
        assertTrue(r.err().contains("negative curvature"), r.err());
        assertTrue(r.err().contains("y = "), r.err());
        assertTrue(r.err().contains("x'Px/x'x = -3.000"), r.err());
    }
}
