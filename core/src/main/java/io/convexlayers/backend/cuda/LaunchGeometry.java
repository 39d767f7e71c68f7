// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

/**
 * The launch shape of a kernel that walks {@code threads} work items with a grid-stride loop: blocks
 * of a multiple of the warp size (at most {@link #MAX_BLOCK}), small enough that even a modest launch
 * spreads over every multiprocessor, and at most {@link #MAX_GRID} blocks (the loop covers the rest).
 *
 * @param blocks          grid size (x)
 * @param threadsPerBlock block size (x)
 */
record LaunchGeometry(int blocks, int threadsPerBlock) {
    static final int WARP = 32;
    static final int MAX_BLOCK = 256;
    static final int MAX_GRID = 65_535;

    /** Geometry for {@code threads} work items on a device with {@code multiprocessors} SMs. */
    static LaunchGeometry of(long threads, int multiprocessors) {
        if (threads < 1) {
            throw new IllegalArgumentException("a launch needs at least one work item, got " + threads);
        }
        int sms = Math.max(1, multiprocessors);
        // Aim for at least two blocks per SM before growing blocks beyond a warp.
        long perBlock = (threads + 2L * sms - 1) / (2L * sms);
        int block = (int) Math.min(MAX_BLOCK, Math.max(WARP, roundUp(perBlock, WARP)));
        long blocks = (threads + block - 1) / block;
        return new LaunchGeometry((int) Math.min(blocks, MAX_GRID), block);
    }

    /** Work items a launch covers in one pass of its grid-stride loop. */
    long threadsInGrid() {
        return (long) blocks * threadsPerBlock;
    }

    private static long roundUp(long v, int to) {
        return (v + to - 1) / to * to;
    }
}
