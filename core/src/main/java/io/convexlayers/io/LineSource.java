// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.io;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The lines of a problem file with their 1-based line numbers, and a cursor over them. Reads plain
 * or gzip-compressed files (recognized by their magic bytes, whatever the name); LF, CRLF and CR
 * line ends are all accepted and removed. Creates the {@link ProblemFormatException}s of the
 * readers, so that every error carries the file name and the line.
 *
 * <p>The text is kept as one byte array plus the start of every line and decoded (UTF-8) line by
 * line on demand: a file of many short lines then costs a few bytes per line instead of a
 * {@code String} object each. Its size is bounded by {@link ReaderLimits#MAX_TEXT_BYTES} and
 * {@link ReaderLimits#MAX_LINES}, checked while reading, so a gzip bomb stops at the limit.
 */
final class LineSource {
    private final String fileName;
    private final byte[] text;
    /** Line i is {@code text[starts[i], ends[i])}. */
    private final int[] starts;
    private final int[] ends;
    private final int count;
    /** Index of the line the cursor is on; -1 before the first {@link #advance}. */
    private int index = -1;
    /** The decoded line at {@link #index}, kept so that a reader's repeated looks decode it once. */
    private String currentLine;

    private LineSource(String fileName, byte[] text, int[] starts, int[] ends, int count) {
        this.fileName = fileName;
        this.text = text;
        this.starts = starts;
        this.ends = ends;
        this.count = count;
    }

    /** Reads the whole file (decompressing it when it is gzip data). */
    static LineSource open(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            // Without this, the JDK's message ("Is a directory") would not say which path was meant.
            throw new FileSystemException(path.toString(), null, "is a directory, not a problem file");
        }
        try (InputStream raw = Files.newInputStream(path)) {
            return read(nameOf(path), raw);
        }
    }

    /**
     * Reads text from a stream (decompressing it when it starts with the gzip magic bytes). The
     * stream is not closed.
     *
     * @param fileName the name errors report
     */
    static LineSource read(String fileName, InputStream in) throws IOException {
        InputStream raw = new BufferedInputStream(in);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        byte[] text;
        if (b0 == 0x1f && b1 == 0x8b) {
            try {
                text = bounded(fileName, new GZIPInputStream(raw, 1 << 16));
            } catch (EOFException | ZipException e) {
                throw new ProblemFormatException(fileName, 0, "complete gzip data",
                        "truncated or corrupt compressed data (" + e.getMessage() + ")");
            }
        } else {
            text = bounded(fileName, raw);
        }
        return split(fileName, text);
    }

    /** A source over text already in memory (tests and callers that hold the content). */
    static LineSource of(String fileName, byte[] text) {
        if (text.length > ReaderLimits.MAX_TEXT_BYTES) {
            throw tooLong(fileName, 0);
        }
        return split(fileName, text);
    }

    private static byte[] bounded(String fileName, InputStream in) throws IOException {
        // One byte more than the limit tells a file of exactly the limit from a longer one.
        byte[] text = in.readNBytes((int) ReaderLimits.MAX_TEXT_BYTES + 1);
        if (text.length > ReaderLimits.MAX_TEXT_BYTES) {
            throw tooLong(fileName, 0);
        }
        return text;
    }

    private static ProblemFormatException tooLong(String fileName, int line) {
        return new ProblemFormatException(fileName, line, "at most " + ReaderLimits.MAX_TEXT_BYTES
                + " bytes of text (ReaderLimits.MAX_TEXT_BYTES)", "a longer file");
    }

    private static LineSource split(String fileName, byte[] text) {
        int[] starts = new int[64];
        int[] ends = new int[64];
        int count = 0;
        int start = 0;
        int k = 0;
        while (k <= text.length) {
            boolean end = k == text.length;
            if (end || text[k] == '\n' || text[k] == '\r') {
                if (end && start == k) {
                    break; // a final line end does not start another line
                }
                if (count == ReaderLimits.MAX_LINES) {
                    throw new ProblemFormatException(fileName, count + 1, "at most " + ReaderLimits.MAX_LINES
                            + " lines (ReaderLimits.MAX_LINES)", "more lines");
                }
                if (count == starts.length) {
                    int grown = (int) Math.min((long) count * 2, ReaderLimits.MAX_LINES);
                    starts = Arrays.copyOf(starts, grown);
                    ends = Arrays.copyOf(ends, grown);
                }
                starts[count] = start;
                ends[count] = k;
                count++;
                if (!end && text[k] == '\r' && k + 1 < text.length && text[k + 1] == '\n') {
                    k++;
                }
                start = k + 1;
            }
            k++;
        }
        return new LineSource(fileName, text, starts, ends, count);
    }

    private static String nameOf(Path path) {
        return path.getFileName() == null ? path.toString() : path.getFileName().toString();
    }

    /** The file name used in error messages. */
    String fileName() {
        return fileName;
    }

    /** Number of physical lines. */
    int size() {
        return count;
    }

    /** The physical line with 0-based index {@code i}. */
    String line(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException(i);
        }
        return new String(text, starts[i], ends[i] - starts[i], StandardCharsets.UTF_8);
    }

    /**
     * Moves to the next line that is neither blank nor a comment (a line whose first non-blank
     * character is one of {@code commentChars}); returns false at the end of the file.
     */
    boolean advance(String commentChars) {
        while (++index < count) {
            String s = line(index);
            int k = firstNonBlank(s);
            if (k >= 0 && commentChars.indexOf(s.charAt(k)) < 0) {
                currentLine = s;
                return true;
            }
        }
        index = count;
        currentLine = null;
        return false;
    }

    /** Whether the cursor has run past the last line. */
    boolean atEnd() {
        return index >= count;
    }

    /** The line the cursor is on. */
    String current() {
        return currentLine != null ? currentLine : line(index);
    }

    /** 1-based number of the current line; the line after the last one at the end of the file. */
    int lineNumber() {
        return Math.min(index, count) + 1;
    }

    /** Physical lines after the current one: an upper bound on the entries still to come. */
    int linesLeft() {
        return count - Math.min(index + 1, count);
    }

    /** Bytes after the current line: an upper bound on the tokens still to come (at least two bytes each). */
    long bytesLeft() {
        int next = Math.min(index + 1, count);
        return next >= count ? 0 : text.length - starts[next];
    }

    /** Index of the first non-blank character of {@code s}, or -1 when it is blank. */
    static int firstNonBlank(String s) {
        for (int k = 0; k < s.length(); k++) {
            if (!Tokens.isBlank(s.charAt(k))) {
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
        return error(expected, atEnd() ? "end of file" : quote(current().strip()));
    }

    /**
     * An error for a count that cannot fit in the rest of the file: each of the {@code what} needs
     * a line of its own, and only {@link #linesLeft()} lines remain.
     */
    ProblemFormatException countBeyondFile(String what, long claimed) {
        return error("at most " + linesLeft() + " " + what + " (one per line, and the file has "
                + linesLeft() + " lines left)", "a count of " + claimed);
    }

    /** An error for a declared size beyond a limit of {@link ReaderLimits}. */
    ProblemFormatException beyondLimit(String what, long claimed, long limit, String limitName) {
        return error(what + " of at most " + limit + " (ReaderLimits." + limitName + ")", String.valueOf(claimed));
    }

    /**
     * {@code 'text'}, shortened when long, with control and format characters escaped
     * (<code>&#92;x00</code>, <code>&#92;u202e</code>) so that a binary file cannot write raw control bytes to a
     * terminal through an error message.
     */
    static String quote(String text) {
        String t = text.length() > 60 ? text.substring(0, 57) + "..." : text;
        return "'" + printable(t) + "'";
    }

    /** {@code s} with control and invisible format characters escaped. */
    static String printable(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean escape = Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                    || Character.isSurrogate(c) && !validPair(s, i);
            if (escape && out == null) {
                out = new StringBuilder(s.length() + 8).append(s, 0, i);
            }
            if (out != null) {
                if (escape) {
                    String hex = Integer.toHexString(c);
                    out.append(c < 0x100 ? "\\x" : "\\u").append("0".repeat((c < 0x100 ? 2 : 4) - hex.length()))
                            .append(hex);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? s : out.toString();
    }

    private static boolean validPair(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
