// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.io;

import io.convexlayers.ConvexLayersException;

/**
 * A problem file that cannot be read as what it claims to be: a truncated file, an unknown section
 * or keyword, a value that is not a number, a count that does not match the entries that follow, a
 * reference to an undeclared row, column, variable or constraint, a duplicate entry, or a feature a
 * continuous conic solver cannot represent (integer variables, unsupported cones).
 *
 * <p>The message has the form {@code file:line: expected WHAT, found WHAT}; the parts are also
 * available one by one. Line numbers are 1-based physical lines of the file (comment and blank
 * lines count); a problem found at the end of the file is reported at the line after the last one,
 * and a problem that concerns the file as a whole (its name or format) at line 0.
 */
public class ProblemFormatException extends ConvexLayersException {
    private final String file;
    private final int line;
    private final String expected;
    private final String found;

    /**
     * @param file     the file name (not the full path) the problem was found in
     * @param line     1-based line number, 0 for the whole file
     * @param expected what the reader expected at this point, e.g. {@code "a number in field 4"}
     * @param found    what it found instead, e.g. {@code "'abc'"} or {@code "end of file"}
     */
    public ProblemFormatException(String file, int line, String expected, String found) {
        // Escaped in the message, so a file name or content with control bytes cannot reach a
        // terminal raw; the accessors keep the parts as given.
        super(LineSource.printable(file + ":" + line + ": expected " + expected + ", found " + found));
        this.file = file;
        this.line = line;
        this.expected = expected;
        this.found = found;
    }

    /** The name of the file that failed to read. */
    public String file() {
        return file;
    }

    /** The 1-based line the problem was found on; 0 when it concerns the whole file. */
    public int line() {
        return line;
    }

    /** What the reader expected at that point. */
    public String expected() {
        return expected;
    }

    /** What the reader found instead. */
    public String found() {
        return found;
    }
}
