// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.io;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Splitting of lines into white-space separated tokens and strict number parsing shared by the
 * readers. Unlike {@link Double#parseDouble}, {@link #number} accepts only plain decimal numbers
 * (optionally with an {@code e}, {@code E}, {@code d} or {@code D} exponent), and, where a reader
 * asks for it, the words {@code inf}/{@code infinity}: never {@code NaN}, hexadecimal floats or
 * Java type suffixes.
 */
final class Tokens {
    private static final Pattern DECIMAL =
            Pattern.compile("[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eEdD][+-]?\\d+)?");
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d{1,9}");
    private static final String[] NONE = new String[0];

    private Tokens() {
    }

    /**
     * Whether {@code c} separates tokens: white space and every other ASCII control character. One
     * definition for splitting, for finding a line's first character and for trimming, so that a
     * line starting with a NUL or another control byte is seen the same way everywhere (it used to
     * be non-blank to one test and empty to another).
     */
    static boolean isBlank(char c) {
        return c <= ' ' || c == 0x7f || Character.isWhitespace(c);
    }

    /** The tokens of {@code s} separated by {@linkplain #isBlank blanks} (none for a blank line). */
    static String[] split(String s) {
        List<String> out = null;
        int k = 0;
        int len = s.length();
        while (k < len) {
            while (k < len && isBlank(s.charAt(k))) {
                k++;
            }
            int start = k;
            while (k < len && !isBlank(s.charAt(k))) {
                k++;
            }
            if (k > start) {
                if (out == null) {
                    out = new ArrayList<>(6);
                }
                out.add(s.substring(start, k));
            }
        }
        return out == null ? NONE : out.toArray(NONE);
    }

    /** {@code s} without leading and trailing {@linkplain #isBlank blanks}. */
    static String trim(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && isBlank(s.charAt(from))) {
            from++;
        }
        while (to > from && isBlank(s.charAt(to - 1))) {
            to--;
        }
        return s.substring(from, to);
    }

    /**
     * The value of a decimal number token, {@code NaN} when the token is not one. With
     * {@code allowInfinity}, {@code [+-]inf} and {@code [+-]infinity} (any case) give ±∞.
     * Overflowing values (1e400) come back infinite; callers that need finite data check.
     */
    static double number(String token, boolean allowInfinity) {
        if (DECIMAL.matcher(token).matches()) {
            return Double.parseDouble(token.replace('d', 'e').replace('D', 'e'));
        }
        if (allowInfinity) {
            String t = token.toLowerCase(Locale.ROOT);
            boolean negative = t.startsWith("-");
            if (t.startsWith("+") || negative) {
                t = t.substring(1);
            }
            if (t.equals("inf") || t.equals("infinity")) {
                return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            }
        }
        return Double.NaN;
    }

    /** Whether {@code token} is an integer that fits comfortably in an {@code int}. */
    static boolean isInteger(String token) {
        return INTEGER.matcher(token).matches();
    }
}
