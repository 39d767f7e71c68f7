// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cli;

import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * Strict parsing of numeric command-line values, each checked against its range with an error that
 * names the flag. Java's own parsers are too lenient for a command line: {@code Double.parseDouble}
 * takes {@code NaN}, {@code Infinity}, hexadecimal and a trailing {@code d}, and narrowing a
 * {@code long} to an {@code int} silently wrapped {@code --max-iters 4294967297} to 1.
 */
final class CliNumbers {
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?");
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");

    private CliNumbers() {
    }

    /** A finite number &gt; 0. */
    static double positive(String flag, String text) {
        double v = decimal(flag, text);
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new UsageException(flag + " must be a positive finite number, got " + quote(text));
        }
        return v;
    }

    /** A number ≥ 0; values too large for a double are +∞, which callers give a meaning. */
    static double nonNegative(String flag, String text) {
        double v = decimal(flag, text);
        if (v < 0) {
            throw new UsageException(flag + " must be >= 0, got " + quote(text));
        }
        return v;
    }

    /** An integer in [lo, hi], compared exactly however many digits it has. */
    static int integer(String flag, String text, int lo, int hi) {
        if (!INTEGER.matcher(text).matches()) {
            throw new UsageException(flag + " expects an integer from " + lo + " to " + hi + ", got " + quote(text));
        }
        BigInteger v = new BigInteger(text.startsWith("+") ? text.substring(1) : text);
        if (v.compareTo(BigInteger.valueOf(lo)) < 0 || v.compareTo(BigInteger.valueOf(hi)) > 0) {
            throw new UsageException(flag + " must be an integer from " + lo + " to " + hi + ", got " + quote(text));
        }
        return v.intValue();
    }

    private static double decimal(String flag, String text) {
        if (!DECIMAL.matcher(text).matches()) {
            throw new UsageException(flag + " expects a number, got " + quote(text));
        }
        return Double.parseDouble(text);
    }

    /** The argument as given, shortened when long (escaping happens where messages are printed). */
    private static String quote(String text) {
        return "'" + (text.length() > 40 ? text.substring(0, 37) + "..." : text) + "'";
    }
}
