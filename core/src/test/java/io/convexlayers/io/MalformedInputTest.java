// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.io;

import io.convexlayers.ConvexLayersException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every malformed file gives a ProblemFormatException with the file, the line and what was expected. */
class MalformedInputTest {
    @TempDir
    Path dir;

    private ProblemFormatException fails(String name, String text, int line, String expectedFragment)
            throws IOException {
        Path p = ProblemFiles.write(dir, name, text);
        ProblemFormatException e = assertThrows(ProblemFormatException.class, () -> ProblemReader.read(p));
        assertInstanceOf(ConvexLayersException.class, e);
        assertEquals(name, e.file());
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.expected().contains(expectedFragment), e.getMessage());
        assertTrue(e.getMessage().startsWith(name + ":" + line + ": expected "), e.getMessage());
        assertTrue(e.getMessage().contains(e.expected()) && e.getMessage().contains(e.found()), e.getMessage());
        return e;
    }

    private static String lines(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    private static final String[] MPS = {
            "NAME BAD",     // 1
            "ROWS",         // 2
            " N obj",       // 3
            " L c1",        // 4
            "COLUMNS",      // 5
            " x obj 1 c1 1", // 6
            " y obj 2 c1 1", // 7
            "RHS",          // 8
            " rhs c1 4",    // 9
            "BOUNDS",       // 10
            " UP bnd x 3",  // 11
            "ENDATA"};      // 12

    /** The MPS above with line {@code number} (1-based) replaced by {@code replacement} lines. */
    private static String mps(int number, String... replacement) {
        String[] out = new String[MPS.length - 1 + replacement.length];
        System.arraycopy(MPS, 0, out, 0, number - 1);
        System.arraycopy(replacement, 0, out, number - 1, replacement.length);
        System.arraycopy(MPS, number, out, number - 1 + replacement.length, MPS.length - number);
        return lines(out);
    }

    @Test
    void mpsTheBaseFileIsValid() throws IOException {
        FileProblem fp = ProblemReader.read(ProblemFiles.write(dir, "ok.mps", lines(MPS)));
        assertEquals(2, fp.program().n());
    }

    @Test
    void mpsTruncatedFileLacksEndata() throws IOException {
        String text = lines(Arrays.copyOf(MPS, 7));
        ProblemFormatException e = fails("cut.mps", text, 8, "ENDATA");
        assertEquals("end of file", e.found());
    }

    @Test
    void mpsUnknownSection() throws IOException {
        ProblemFormatException e = fails("sos.mps", mps(10, "SOS", " S1 SOS s1 1", "BOUNDS"), 10, "MPS section");
        assertTrue(e.found().contains("SOS"));
    }

    @Test
    void mpsNonNumericValue() throws IOException {
        ProblemFormatException e = fails("nan.mps", mps(7, " y obj 2 c1 abc"), 7, "a number");
        assertTrue(e.found().contains("abc"));
        fails("nan2.mps", mps(9, " rhs c1 NaN"), 9, "a number");
        fails("nan3.mps", mps(11, " UP bnd x 0x1p3"), 11, "a number");
    }

    @Test
    void mpsUndeclaredRowsAndColumns() throws IOException {
        fails("row.mps", mps(7, " y obj 2 c2 1"), 7, "a row declared in ROWS");
        fails("rhsrow.mps", mps(9, " rhs c9 4"), 9, "a row declared in ROWS");
        fails("col.mps", mps(11, " UP bnd z 3"), 11, "a column declared in COLUMNS");
    }

    @Test
    void mpsIntegerVariablesAreRejected() throws IOException {
        ProblemFormatException e = fails("int.mps", mps(6, "    MARKER                 'MARKER'                 'INTORG'",
                " x obj 1 c1 1", "    MARKER                 'MARKER'                 'INTEND'"), 6, "continuous");
        assertTrue(e.found().contains("INTORG"));
        fails("bv.mps", mps(11, " BV bnd x"), 11, "continuous");
        fails("li.mps", mps(11, " LI bnd x 2"), 11, "continuous");
        fails("ui.mps", mps(11, " UI bnd x 2"), 11, "continuous");
    }

    @Test
    void mpsDuplicatesAndBadRecords() throws IOException {
        fails("dupcol.mps", mps(7, " y obj 2 c1 1", " y c1 3"), 8, "one coefficient per column and row");
        fails("duprow.mps", mps(4, " L c1", " G c1"), 5, "a new row name");
        fails("duprhs.mps", mps(9, " rhs c1 4", " rhs c1 5"), 10, "one RHS value per row");
        fails("type.mps", mps(4, " X c1"), 4, "a row type N, E, L or G");
        fails("bound.mps", mps(11, " XX bnd x 3"), 11, "a bound type");
        fails("fields.mps", mps(6, " x obj 1 c1"), 6, "one or two (row name, value) pairs");
        fails("twice.mps", mps(10, "RHS", "BOUNDS"), 10, "each section once");
        fails("order.mps", lines("NAME X", "COLUMNS", " x obj 1", "ROWS", " N obj", "ENDATA"), 2,
                "a ROWS section before COLUMNS");
        fails("data.mps", lines("   x obj 1", "ENDATA"), 1, "a section header");
        fails("sense.mps", lines("NAME X", "OBJSENSE", "ROWS", " N obj", "COLUMNS", " x obj 1", "ENDATA"), 3,
                "MAX or MIN");
        fails("sense2.mps", lines("NAME X", "OBJSENSE UP", "ROWS", " N obj", "COLUMNS", " x obj 1", "ENDATA"), 2,
                "MAX, MAXIMIZE, MIN or MINIMIZE");
        fails("quad.qps", mps(12, "QUADOBJ", " x y 1", " y x 1", "ENDATA"), 14, "one QUADOBJ entry");
    }

    @Test
    void mpsForcedFixedLayoutReportsMisplacedFields() throws IOException {
        Path p = ProblemFiles.write(dir, "free.mps", lines(MPS));
        ProblemFormatException e = assertThrows(ProblemFormatException.class,
                () -> ProblemReader.readMps(p, MpsLayout.FIXED));
        assertEquals(3, e.line());
        assertTrue(e.expected().contains("fixed MPS columns"), e.getMessage());
    }

    @Test
    void truncatedGzipData() throws IOException {
        Path p = ProblemFiles.write(dir, "whole.mps.gz", lines(MPS));
        byte[] bytes = Files.readAllBytes(p);
        Path cut = dir.resolve("cut.mps.gz");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 12));
        ProblemFormatException e = assertThrows(ProblemFormatException.class, () -> ProblemReader.read(cut));
        assertEquals("cut.mps.gz", e.file());
        assertTrue(e.expected().contains("gzip"), e.getMessage());
    }

    // ------------------------------------------------------------------ CBF

    private static final String CBF_HEAD = lines("VER", "3", "OBJSENSE", "MIN"); // lines 1-4

    @Test
    void cbfTruncatedSection() throws IOException {
        String text = CBF_HEAD + lines("VAR", "2 1", "F 2", "CON", "1 1", "L+ 1", "ACOORD", "3", "0 0 1", "0 1 1");
        ProblemFormatException e = fails("cut.cbf", text, 15, "entry 3 of the 3 declared in ACOORD");
        assertEquals("end of file", e.found());
    }

    @Test
    void cbfCountsThatDoNotMatch() throws IOException {
        fails("var.cbf", CBF_HEAD + lines("VAR", "3 1", "F 2"), 5, "VAR cone sizes adding up to the declared 3");
        fails("con.cbf", CBF_HEAD + lines("VAR", "1 1", "F 1", "CON", "2 2", "L+ 1", "L= 2"), 8,
                "CON cone sizes adding up to the declared 2");
        fails("acoord.cbf", CBF_HEAD + lines("VAR", "2 1", "F 2", "CON", "1 1", "L+ 1", "ACOORD", "1",
                "0 0 1", "0 1 1"), 14, "CBF keyword");
        fails("pow.cbf", CBF_HEAD + lines("POWCONES", "1 3", "2", "1.0", "1.0", "VAR", "3 1", "@0:POW 3"), 5,
                "POWCONES parameter counts adding up to the declared 3");
        fails("fields.cbf", CBF_HEAD + lines("VAR", "2", "F 2"), 6, "2 fields");
    }

    @Test
    void cbfIntegerVariablesAreRejected() throws IOException {
        ProblemFormatException e = fails("int.cbf", CBF_HEAD + lines("VAR", "2 1", "F 2", "INT", "1", "0"), 8,
                "continuous");
        assertTrue(e.found().contains("1 integer"));
    }

    @Test
    void cbfUnknownAndMisplacedKeywords() throws IOException {
        fails("kw.cbf", CBF_HEAD + lines("VAR", "1 1", "F 1", "CHANGE"), 8, "CBF keyword");
        fails("first.cbf", lines("OBJSENSE", "MIN", "VER", "3"), 1, "VER as the first keyword");
        fails("ver.cbf", lines("VER", "4", "OBJSENSE", "MIN"), 2, "CBF version 1, 2 or 3");
        fails("nosense.cbf", lines("VER", "3", "VAR", "1 1", "F 1"), 6, "an OBJSENSE section");
        fails("novar.cbf", CBF_HEAD, 5, "a VAR section");
        fails("again.cbf", CBF_HEAD + lines("VAR", "1 1", "F 1", "VAR", "1 1", "F 1"), 8, "each keyword once");
        fails("late.cbf", CBF_HEAD + lines("VAR", "1 1", "F 1", "OBJACOORD", "1", "0 1", "CON", "1 1", "L+ 1"),
                11, "structure keywords");
        fails("cone.cbf", CBF_HEAD + lines("VAR", "1 1", "K 1"), 7, "a cone F, L+");
    }

    @Test
    void cbfBadValuesAndReferences() throws IOException {
        String base = CBF_HEAD + lines("VAR", "2 1", "F 2", "CON", "1 1", "L+ 1"); // through line 10
        ProblemFormatException e = fails("num.cbf", base + lines("BCOORD", "1", "0 1.0x"), 13, "a number");
        assertTrue(e.found().contains("1.0x"));
        fails("var.cbf", base + lines("ACOORD", "1", "0 2 1.0"), 13, "a scalar variable index in 0..1");
        fails("con.cbf", base + lines("ACOORD", "1", "1 0 1.0"), 13, "a constraint index in 0..0");
        fails("dup.cbf", base + lines("ACOORD", "2", "0 0 1.0", "0 0 2.0"), 14, "each coordinate once");
        fails("psd.cbf", base + lines("OBJFCOORD", "1", "0 0 0 1.0"), 13, "a matrix variable index");
        fails("entry.cbf", CBF_HEAD + lines("PSDVAR", "1", "2", "OBJFCOORD", "1", "0 2 0 1.0"), 10,
                "a matrix row index in 0..1");
        fails("powsize.cbf", CBF_HEAD + lines("POWCONES", "1 3", "3", "1", "1", "1", "VAR", "4 1", "@0:POW 4"), 13,
                "a 3-dimensional power cone with 2 parameters");
        fails("powref.cbf", CBF_HEAD + lines("VAR", "3 1", "@0:POW 3"), 7, "a power cone index declared in POWCONES");
        fails("exp.cbf", CBF_HEAD + lines("VAR", "4 1", "EXP 4"), 7, "an exponential cone (EXP) of size 3");
    }

    // ------------------------------------------------------------------ SDPA

    @Test
    void sdpaTruncatedAndWrongCounts() throws IOException {
        ProblemFormatException e = fails("cut.dat-s", lines("2", "2", "{2, 2}"), 4, "2 objective coefficients c");
        assertEquals("end of file", e.found());
        fails("c.dat-s", lines("2", "2", "{2, 2}", "1 2 3", "0 1 1 1 1"), 4, "2 objective coefficients c");
        fails("blocks.dat-s", lines("2", "3", "{2, 2}", "1 2", "0 1 1 1 1"), 4, "3 block sizes");
        fails("fields.dat-s", lines("1", "1", "2", "1", "0 1 1 1"), 5, "5 fields");
    }

    @Test
    void sdpaBadValuesAndReferences() throws IOException {
        String head = lines("2", "2", "{2, -2}", "1 2"); // lines 1-4
        fails("blk.dat-s", head + lines("1 3 1 1 1.0"), 5, "a block number in 1..2");
        fails("mat.dat-s", head + lines("3 1 1 1 1.0"), 5, "a matrix number in 0..2");
        fails("ij.dat-s", head + lines("1 1 3 1 1.0"), 5, "a row index i in block 1 in 1..2");
        ProblemFormatException e = fails("num.dat-s", head + lines("1 1 1 1 one"), 5, "a number");
        assertTrue(e.found().contains("one"));
        fails("diag.dat-s", head + lines("1 2 1 2 1.0"), 5, "a diagonal entry");
        fails("dup.dat-s", head + lines("1 1 1 2 1.0", "1 1 2 1 1.0"), 6, "each matrix entry once");
        fails("size.dat-s", lines("1", "1", "0", "1"), 3, "a nonzero integer block size");
        fails("m.dat-s", lines("two", "1", "2", "1"), 1, "the number of variables m");
    }

    // ------------------------------------------------------------------ names and formats

    @Test
    void unknownExtensionOrFormat() throws IOException {
        Path p = ProblemFiles.write(dir, "problem.txt", lines(MPS));
        ProblemFormatException e = assertThrows(ProblemFormatException.class, () -> ProblemReader.read(p));
        assertEquals(0, e.line());
        assertTrue(e.expected().contains(".mps, .qps, .cbf or .dat-s"), e.getMessage());
        e = assertThrows(ProblemFormatException.class, () -> ProblemReader.read(p, "lp"));
        assertEquals(0, e.line());
        assertTrue(e.expected().contains("mps, qps, cbf or sdpa"), e.getMessage());
        assertEquals("mps", ProblemReader.read(p, "MPS").format());
        assertEquals("sdpa", ProblemReader.formatOf(Path.of("x.DAT-S.gz")));
    }
}
