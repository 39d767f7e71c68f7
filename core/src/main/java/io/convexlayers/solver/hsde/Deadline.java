// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.hsde;

/**
 * Wall-clock deadlines on the {@link System#nanoTime()} clock, computed without overflow. A limit
 * of {@code seconds · 10⁹} nanoseconds added to a start time used to overflow {@code long} for
 * limits from about 9.2·10⁹ s on, which turned a huge limit into a deadline in the past (the solve
 * stopped at its first check). Limits that the clock cannot represent meaningfully (2⁶² ns, about
 * 146 years, or more) and non-positive or infinite ones mean "no limit"; deadlines are compared by
 * difference, as nanoTime's contract asks.
 */
public final class Deadline {
    /** No deadline. */
    public static final long NONE = Long.MAX_VALUE;
    /** Longer limits are no limit: half the clock's range keeps every difference exact. */
    private static final double LONGEST_NANOS = 0x1p62;

    private Deadline() {
    }

    /** The deadline {@code seconds} after {@code startNanos}; {@link #NONE} for 0, ∞ or beyond 2⁶² ns. */
    public static long after(long startNanos, double seconds) {
        double nanos = seconds * 1e9;
        if (!(nanos > 0) || !(nanos < LONGEST_NANOS)) {
            return NONE;
        }
        long deadline = startNanos + Math.round(nanos); // may wrap: compared by difference
        return deadline == NONE ? NONE - 1 : deadline;   // a real deadline never reads as none
    }

    /** Whether {@code nowNanos} is at or past {@code deadline}. */
    public static boolean passed(long deadline, long nowNanos) {
        return deadline != NONE && nowNanos - deadline >= 0;
    }

    /** Seconds from {@code nowNanos} to {@code deadline}: +∞ for {@link #NONE}, at least 0. */
    public static double secondsLeft(long deadline, long nowNanos) {
        if (deadline == NONE) {
            return Double.POSITIVE_INFINITY;
        }
        return Math.max(0, (deadline - nowNanos) * 1e-9);
    }
}
