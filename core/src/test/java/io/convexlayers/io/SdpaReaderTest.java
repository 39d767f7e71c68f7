// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.io;

import io.convexlayers.data.ConeProgram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SdpaReaderTest {
    @TempDir
    Path dir;

    /** The example of SDPLIB_FORMAT.txt: min 10x1 + 20x2 s.t. F1x1 + F2x2 − F0 ⪰ 0, two 2×2 blocks. */
    private static final String SAMPLE = String.join("\n",
            "\"A sample problem.",
            "2 =mdim",
            "2 =nblocks",
            "{2, 2}",
            "10.0 20.0",
            "0 1 1 1 1.0",
            "0 1 2 2 2.0",
            "0 2 1 1 3.0",
            "0 2 2 2 4.0",
            "1 1 1 1 1.0",
            "1 1 2 2 1.0",
            "2 1 2 2 1.0",
            "2 2 1 1 5.0",
            "2 2 1 2 2.0",
            "2 2 2 2 6.0",
            "");

    @Test
    void sampleProblemOfTheFormatNotes() throws IOException {
        FileProblem fp = ProblemReader.read(ProblemFiles.write(dir, "sample.dat-s", SAMPLE));
        ConeProgram p = fp.program();
        assertEquals("sdpa", fp.format());
        assertEquals("sample", fp.name());
        assertEquals(2, p.n());
        assertArrayEquals(new int[] {2, 2}, p.cones().psd());
        assertEquals(2, fp.constraintCount());
        assertArrayEquals(new double[] {10, 20}, p.c());
        // x = (1, 2): block 1 = [[0, 0], [0, 1]], block 2 = [[7, 4], [4, 8]]
        double[] x = {1, 2};
        double[] s = ProblemFiles.slack(p, x);
        double[] expected = {0, 0, 1, 7, 4 * Math.sqrt(2), 8};
        assertArrayEquals(expected, s, 1e-14);
        assertTrue(ProblemFiles.feasible(p, x, 1e-12));
        assertFalse(ProblemFiles.feasible(p, new double[] {0.99, 2}, 1e-12));
        assertEquals(50, fp.fileObjective(p.objective(x)));
        assertFalse(fp.maximize());
    }

    @Test
    void diagonalBlocksPunctuationCommentsAndEntriesInEitherTriangle() throws IOException {
        // min x1 + x2 s.t. diag(x1 − 1, x2 − 2, x1 + x2 − 4) ≥ 0 and [[x1, 3], [3, x2]] ⪰ 0
        // (block 2 given by its lower-triangle entry (2, 1))
        String text = String.join("\n",
                "* comment",
                "\"another comment",
                "2",
                "2",
                "(-3, 2)",
                "1.0",
                "1.0",
                "0 1 1 1 1", "0 1 2 2 2", "0 1 3 3 4",
                "1 1 1 1 1", "1 1 3 3 1", "2 1 2 2 1", "2 1 3 3 1",
                "0 2 2 1 -3",
                "1 2 1 1 1", "2 2 2 2 1",
                "");
        FileProblem fp = ProblemReader.read(ProblemFiles.write(dir, "diag.dat-s", text));
        ConeProgram p = fp.program();
        assertEquals(3, p.cones().nonneg());
        assertArrayEquals(new int[] {2}, p.cones().psd());
        assertArrayEquals(new double[] {1, 1}, p.c());
        assertArrayEquals(new double[] {1, 0, 0, 2, 3 * Math.sqrt(2), 2},
                ProblemFiles.slack(p, new double[] {2, 2}), 1e-15);
        assertTrue(ProblemFiles.feasible(p, new double[] {3, 3}, 1e-12));
        assertFalse(ProblemFiles.feasible(p, new double[] {2, 2}, 1e-12)); // x1·x2 < 9
        assertFalse(ProblemFiles.feasible(p, new double[] {0.9, 20}, 1e-12)); // only x1 < 1
        assertFalse(ProblemFiles.feasible(p, new double[] {20, 1.9}, 1e-12)); // only x2 < 2
    }
}
