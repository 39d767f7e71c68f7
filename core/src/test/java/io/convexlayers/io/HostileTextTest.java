// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Text that is not what a reader expects: control bytes, binary data, a directory instead of a file. */
class HostileTextTest {
    @TempDir
    Path dir;

    private static boolean hasControl(String s) {
        return s.chars().anyMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT);
    }

    private ProblemFormatException fails(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        ProblemFormatException e = assertThrows(ProblemFormatException.class, () -> ProblemReader.read(p));
        assertEquals(name, e.file());
        assertFalse(hasControl(e.getMessage()), "raw control characters in: " + e.getMessage());
        return e;
    }

    @Test
    void mpsLineStartingWithNulOrAnotherControlByte() throws IOException {
        // ArrayIndexOutOfBoundsException in MpsReader.fitsFixedLayout before. Control bytes are blanks
        // to every part of the reader alike: a line of them is blank, and one before a header makes it
        // an (unexpected) data line.
        for (String start : new String[] {"\0", "\u0001", "\u001b", "\u007f", "\0\0\0"}) {
            Path blank = dir.resolve("blank.mps");
            Files.writeString(blank, "NAME T\n" + start + "\nROWS\n N obj\nCOLUMNS\n x obj 1\nENDATA\n");
            assertEquals(1, ProblemReader.read(blank).program().n());
            ProblemFormatException e = fails("ctl.mps", ("NAME T\n" + start + "ROWS\n N obj\nCOLUMNS\n x obj 1\n"
                    + "ENDATA\n").getBytes(StandardCharsets.UTF_8));
            assertEquals(2, e.line(), e.getMessage());
            assertTrue(e.found().contains("\\x"), e.getMessage());
        }
        ProblemFormatException e = fails("hdr.mps", "\u0002ROWS\n N obj\nENDATA\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(1, e.line());
        assertTrue(e.found().contains("\\x02ROWS"), e.getMessage());
    }

    @Test
    void controlBytesInsideTokensAreEscapedInMessages() throws IOException {
        ProblemFormatException e = fails("tok.mps", "NAME T\nROWS\n N obj\nCOLUMNS\n x obj 1\u0007\u009b2\nENDATA\n"
                .getBytes(StandardCharsets.UTF_8));
        assertTrue(e.found().contains("\\x9b2") || e.found().contains("\\x07"), e.getMessage());
        ProblemFormatException bidi = fails("bidi.cbf", "VER\n3\u202e\n".getBytes(StandardCharsets.UTF_8));
        assertTrue(bidi.getMessage().contains("\\u202e"), bidi.getMessage());
    }

    @Test
    void binaryFilesGiveAFormatErrorWithEscapedContent() throws IOException {
        byte[] binary = new byte[512];
        new java.util.Random(5).nextBytes(binary);
        for (String name : new String[] {"bin.mps", "bin.cbf", "bin.dat-s"}) {
            fails(name, binary);
        }
    }

    @Test
    void aDirectoryGivenAsTheFileIsNamed() throws IOException {
        Path d = Files.createDirectory(dir.resolve("looks-like.mps"));
        FileSystemException e = assertThrows(FileSystemException.class, () -> ProblemReader.read(d));
        assertTrue(e.getMessage().contains(d.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("directory"), e.getMessage());
    }

    @Test
    void printableEscapesOnlyWhatATerminalWouldInterpret() {
        assertEquals("a\\x00b\\x1b[31m\\x7f", LineSource.printable("a\0b\u001b[31m\u007f"));
        assertEquals("x\\u202ey", LineSource.printable("x\u202ey"));
        assertEquals("Grüße 😀", LineSource.printable("Grüße 😀"));
        assertEquals("\\ud800", LineSource.printable("\ud800"));
    }

    @Test
    void lineEndsOfEveryKindAndAFinalLineWithoutOne() {
        LineSource s = LineSource.of("t", "a\r\nb\rc\n\nd".getBytes(StandardCharsets.UTF_8));
        assertEquals(5, s.size());
        assertEquals("a", s.line(0));
        assertEquals("b", s.line(1));
        assertEquals("c", s.line(2));
        assertEquals("", s.line(3));
        assertEquals("d", s.line(4));
        assertEquals(0, LineSource.of("t", new byte[0]).size());
        assertEquals(1, LineSource.of("t", "x\n".getBytes(StandardCharsets.UTF_8)).size());
    }
}
