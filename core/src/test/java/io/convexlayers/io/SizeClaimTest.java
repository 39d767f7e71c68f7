// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.io;

import io.convexlayers.InvalidProblemException;
import io.convexlayers.data.ConeDims;
import io.convexlayers.testing.AllocationMeter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Readers trust no size claim: a short file that declares a huge problem is refused with the file,
 * the line and the limit, after allocating little (it used to run for a minute and die with
 * OutOfMemoryError, or overflow int and throw NegativeArraySizeException).
 */
class SizeClaimTest {
    /** Far more than a refused claim needs, far less than any claim in these files would take. */
    private static final long SMALL_ALLOCATION = 16L << 20;

    @TempDir
    Path dir;

    private static String lines(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    /** Reads the file, expecting a refusal at {@code line} mentioning {@code limitName}, cheaply. */
    private ProblemFormatException refused(String name, String text, int line, String limitName) throws IOException {
        Path p = ProblemFiles.write(dir, name, text);
        AllocationMeter.Measured m = AllocationMeter.measure(() -> ProblemReader.read(p));
        ProblemFormatException e = assertInstanceOf(ProblemFormatException.class, m.thrown(),
                "expected a format error, got " + m.thrown());
        assertEquals(name, e.file());
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.getMessage().contains(limitName), e.getMessage());
        assertTrue(m.bytes() < SMALL_ALLOCATION, "allocated " + m.bytes() + " bytes for a refused claim");
        return e;
    }

    @Test
    void cbfVariableCountBeyondTheLimit() throws IOException {
        // the 60-byte file: 2·10⁸ free variables (68 s, 6.4 GB, OutOfMemoryError before)
        ProblemFormatException e = refused("vars.cbf", lines("VER", "3", "OBJSENSE", "MIN", "VAR",
                "200000000 1", "F 200000000"), 6, "MAX_SIZE");
        assertTrue(e.expected().contains(String.valueOf(ReaderLimits.MAX_SIZE)), e.getMessage());
        assertEquals("200000000", e.found());
    }

    @Test
    void cbfConstraintCountBeyondTheLimit() throws IOException {
        refused("cons.cbf", lines("VER", "3", "OBJSENSE", "MIN", "VAR", "1 1", "F 1", "CON", "100000000 1",
                "L+ 100000000"), 9, "MAX_SIZE");
    }

    @Test
    void cbfPsdOrderWhoseSvecLengthOverflowsInt() throws IOException {
        // 46 341·46 342 overflows int: NegativeArraySizeException / AIOOBE in PsdCone.unpack before
        refused("psd.cbf", lines("VER", "3", "OBJSENSE", "MIN", "PSDVAR", "1", "46341"), 7, "MAX_PSD_ORDER");
        refused("psdcon.cbf", lines("VER", "3", "OBJSENSE", "MIN", "VAR", "1 1", "F 1", "PSDCON", "1", "70000"),
                10, "MAX_PSD_ORDER");
    }

    @Test
    void cbfPsdOrderThatWouldNeedGigabytes() throws IOException {
        // order 30 000 fits an int but asked for 3.6 GB
        refused("big.cbf", lines("VER", "3", "OBJSENSE", "MIN", "PSDVAR", "1", "30000"), 7, "MAX_PSD_ORDER");
    }

    @Test
    void cbfManyMatricesAddingUpBeyondTheLimit() throws IOException {
        StringBuilder text = new StringBuilder(lines("VER", "3", "OBJSENSE", "MIN", "PSDVAR", "600"));
        for (int k = 0; k < 600; k++) {
            text.append("2000\n"); // 2 001 000 svec entries each: the third crosses 2²²
        }
        refused("many.cbf", text.toString(), 9, "MAX_SIZE");
    }

    @Test
    void cbfCountsBeyondTheLinesLeft() throws IOException {
        ProblemFormatException e = refused("count.cbf", lines("VER", "3", "OBJSENSE", "MIN", "PSDVAR", "999999999",
                "2"), 6, "lines left");
        assertTrue(e.expected().contains("at most 1 matrix orders"), e.getMessage());
        refused("cones.cbf", lines("VER", "3", "OBJSENSE", "MIN", "VAR", "3 999999999", "F 3"), 6, "lines left");
        refused("pow.cbf", lines("VER", "3", "OBJSENSE", "MIN", "POWCONES", "1 999999999", "999999999", "1"), 7,
                "lines left");
    }

    @Test
    void sdpaBlockCountBeyondTheLimit() throws IOException {
        // the header claiming 10⁹ blocks
        refused("blocks.dat-s", lines("1", "999999999", "2", "1.0"), 2, "MAX_SIZE");
    }

    @Test
    void sdpaVariableCountBeyondTheLimit() throws IOException {
        refused("m.dat-s", lines("999999999", "1", "2", "1.0"), 1, "MAX_SIZE");
    }

    @Test
    void sdpaVariableCountWithinTheLimitButNotInTheFile() throws IOException {
        // 4 million objective coefficients announced, one present: the file ends, nothing is allocated
        Path p = ProblemFiles.write(dir, "short.dat-s", lines("4000000", "1", "2", "1.0"));
        AllocationMeter.Measured m = AllocationMeter.measure(() -> ProblemReader.read(p));
        ProblemFormatException e = assertInstanceOf(ProblemFormatException.class, m.thrown());
        assertTrue(e.expected().contains("file ends early"), e.getMessage());
        assertTrue(m.bytes() < SMALL_ALLOCATION, "allocated " + m.bytes());
    }

    @Test
    void sdpaBlockOrdersBeyondTheLimit() throws IOException {
        refused("order.dat-s", lines("1", "1", "46341", "1.0"), 3, "MAX_PSD_ORDER");
        refused("diag.dat-s", lines("1", "1", "-99999999", "1.0"), 3, "MAX_SIZE");
        refused("sum.dat-s", lines("1", "3", "2000 2000 2000", "1.0"), 3, "MAX_SIZE");
    }

    @Test
    void coneDimsRefuseSvecLengthsBeyondAnInt() {
        assertEquals(46341L * 46342 / 2, ConeDims.svecLength(46341)); // overflowed to a negative before
        assertEquals(2147450880, ConeDims.svecLength(ConeDims.MAX_PSD_ORDER));
        InvalidProblemException e = assertThrows(InvalidProblemException.class,
                () -> ConeDims.svecLength(ConeDims.MAX_PSD_ORDER + 1));
        assertTrue(e.getMessage().contains("order 65536"), e.getMessage());
        assertThrows(InvalidProblemException.class, () -> ConeDims.builder().psd(70000).build());
        assertThrows(InvalidProblemException.class, () -> ConeDims.builder().psd(40000, 40000, 40000).build());
        assertThrows(InvalidProblemException.class,
                () -> ConeDims.builder().nonneg(Integer.MAX_VALUE).soc(Integer.MAX_VALUE).build());
    }

    @Test
    void limitsAreConsistent() {
        int k = ReaderLimits.MAX_PSD_ORDER;
        assertTrue((long) k * (k + 1) / 2 <= ReaderLimits.MAX_SIZE);
        assertTrue((long) (k + 1) * (k + 2) / 2 > ReaderLimits.MAX_SIZE);
    }
}
