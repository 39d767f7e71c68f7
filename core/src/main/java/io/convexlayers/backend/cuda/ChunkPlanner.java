// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

/**
 * How a batch is cut into chunks that fit on the device: as few chunks as possible, of equal size,
 * each using at most {@link #USABLE_FRACTION} of the free memory after the shared data, and small
 * enough that no single buffer exceeds 2³¹ − 1 elements (the kernels index with 32-bit ints).
 */
final class ChunkPlanner {
    /** Fraction of the free device memory a solve may take. */
    static final double USABLE_FRACTION = 0.8;

    /**
     * @param chunkLanes lanes of every chunk but possibly the last
     * @param chunks     number of chunks
     */
    record Plan(int chunkLanes, int chunks) {
        /** First instance of chunk {@code c}. */
        int first(int c) {
            return c * chunkLanes;
        }

        /** Lanes of chunk {@code c} in a batch of {@code total}. */
        int lanes(int c, int total) {
            return Math.min(chunkLanes, total - first(c));
        }
    }

    /**
     * Device memory a chunk needs.
     *
     * @param perLaneBytes          bytes per lane
     * @param sharedBytes           bytes independent of the number of lanes
     * @param maxElementsPerLane    the largest single buffer's elements per lane
     */
    record Footprint(long perLaneBytes, long sharedBytes, long maxElementsPerLane) {
    }

    private ChunkPlanner() {
    }

    /**
     * Plans a batch of {@code total} instances.
     *
     * @param maxLanes an upper bound on lanes per chunk (e.g. from settings), or 0 for none
     * @throws OutOfDeviceMemoryException when not even one lane fits
     */
    static Plan plan(int total, Footprint f, long freeBytes, int maxLanes) {
        if (total < 1) {
            throw new IllegalArgumentException("batch must hold at least one instance, got " + total);
        }
        long budget = (long) (freeBytes * USABLE_FRACTION) - f.sharedBytes();
        long fit = f.perLaneBytes() > 0 ? budget / f.perLaneBytes() : Long.MAX_VALUE;
        if (fit < 1) {
            throw new OutOfDeviceMemoryException(f.sharedBytes() + f.perLaneBytes(), freeBytes);
        }
        long byIndex = Integer.MAX_VALUE / Math.max(1, f.maxElementsPerLane());
        long lanes = Math.min(total, Math.min(fit, byIndex));
        if (maxLanes > 0) {
            lanes = Math.min(lanes, maxLanes);
        }
        lanes = Math.max(1, lanes);
        int chunks = (int) ((total + lanes - 1) / lanes);
        int balanced = (total + chunks - 1) / chunks;
        return new Plan(balanced, chunks);
    }
}
