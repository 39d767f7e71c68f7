package io.convexlayers.io;

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
    private static final Pattern BLANKS = Pattern.compile("\\s+");
    private static final String[] NONE = new String[0];

    private Tokens() {
    }

    /** The white-space separated tokens of {@code s} (none for a blank line). */
    static String[] split(String s) {
        String t = s.trim();
        return t.isEmpty() ? NONE : BLANKS.split(t);
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
