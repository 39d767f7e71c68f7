// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.io;

/**
 * The largest inputs the readers accept. A file that needs more gets a
 * {@link ProblemFormatException} naming the file, the line and the limit, before anything of
 * that size is allocated.
 *
 * <p>Two kinds of claims are bounded. A count of things that each take their own line or token
 * (entries, matrix orders, block sizes, objective coefficients) must fit in what is left of the
 * file, so a short file can never make a reader allocate much. A declared size that needs no data
 * of its own (the number of CBF variables or constraints, a cone's size, a PSD or SDPA block
 * order) could stand for a legitimately large problem, so it is bounded by {@link #MAX_SIZE}:
 * the reader allocates a few hundred bytes per declared variable or row, and 2²² of them keep the
 * worst case near 1 GB while leaving room for every problem this first-order solver can
 * realistically solve. Sizes are added up in {@code long} and checked, so no claim can overflow.
 */
public final class ReaderLimits {
    /** The most bytes of text a file may hold after decompression: 512 MiB. */
    public static final long MAX_TEXT_BYTES = 512L << 20;

    /** The most physical lines a file may have: 2²⁵ (33 554 432). */
    public static final int MAX_LINES = 1 << 25;

    /**
     * The most variables, and separately the most constraint rows, a CBF or SDPA file may declare,
     * counting each PSD matrix or block of order k as its k(k+1)/2 svec entries: 2²² (4 194 304).
     * The largest PSD order is therefore 2 895.
     */
    public static final int MAX_SIZE = 1 << 22;

    /** The largest PSD matrix or block order: the largest k with k(k+1)/2 ≤ {@link #MAX_SIZE}. */
    public static final int MAX_PSD_ORDER = 2895;

    private ReaderLimits() {
    }
}
