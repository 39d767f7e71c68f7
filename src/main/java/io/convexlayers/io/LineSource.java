package io.convexlayers.io;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The lines of a problem file with their 1-based line numbers, and a cursor over them. Reads plain
 * or gzip-compressed files (recognized by their magic bytes, whatever the name); LF, CRLF and CR
 * line ends are all accepted and removed. Creates the {@link ProblemFormatException}s of the
 * readers, so that every error carries the file name and the line.
 */
final class LineSource {
    private final String fileName;
    private final List<String> lines;
    /** Index of the line the cursor is on; -1 before the first {@link #advance}. */
    private int index = -1;

    LineSource(String fileName, List<String> lines) {
        this.fileName = fileName;
        this.lines = lines;
    }

    /** Reads the whole file (decompressing it when it is gzip data). */
    static LineSource open(Path path) throws IOException {
        String name = path.getFileName() == null ? path.toString() : path.getFileName().toString();
        List<String> lines = new ArrayList<>();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(path))) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            boolean gzip = b0 == 0x1f && b1 == 0x8b;
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                    gzip ? new GZIPInputStream(raw, 1 << 16) : raw, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(line);
                }
            } catch (EOFException | ZipException e) {
                throw new ProblemFormatException(name, lines.size() + 1, "complete gzip data",
                        "truncated or corrupt compressed data (" + e.getMessage() + ")");
            }
        }
        return new LineSource(name, lines);
    }

    /** The file name used in error messages. */
    String fileName() {
        return fileName;
    }

    /** Number of physical lines. */
    int size() {
        return lines.size();
    }

    /** The physical line with 0-based index {@code i}. */
    String line(int i) {
        return lines.get(i);
    }

    /**
     * Moves to the next line that is neither blank nor a comment (a line whose first non-blank
     * character is one of {@code commentChars}); returns false at the end of the file.
     */
    boolean advance(String commentChars) {
        while (++index < lines.size()) {
            String s = lines.get(index);
            int k = firstNonBlank(s);
            if (k >= 0 && commentChars.indexOf(s.charAt(k)) < 0) {
                return true;
            }
        }
        index = lines.size();
        return false;
    }

    /** Whether the cursor has run past the last line. */
    boolean atEnd() {
        return index >= lines.size();
    }

    /** The line the cursor is on. */
    String current() {
        return lines.get(index);
    }

    /** 1-based number of the current line; the line after the last one at the end of the file. */
    int lineNumber() {
        return Math.min(index, lines.size()) + 1;
    }

    /** Index of the first non-blank character of {@code s}, or -1 when it is blank. */
    static int firstNonBlank(String s) {
        for (int k = 0; k < s.length(); k++) {
            if (!Character.isWhitespace(s.charAt(k))) {
                return k;
            }
        }
        return -1;
    }

    /** An error at the current line. */
    ProblemFormatException error(String expected, String found) {
        return new ProblemFormatException(fileName, lineNumber(), expected, found);
    }

    /** An error at the given 1-based line. */
    ProblemFormatException errorAt(int line, String expected, String found) {
        return new ProblemFormatException(fileName, line, expected, found);
    }

    /** An error at the current line that reports the end of the file or the line's content. */
    ProblemFormatException unexpected(String expected) {
        return error(expected, atEnd() ? "end of file" : quote(current().trim()));
    }

    /** {@code 'text'}, shortened when long. */
    static String quote(String text) {
        String t = text.length() > 60 ? text.substring(0, 57) + "..." : text;
        return "'" + t + "'";
    }
}
