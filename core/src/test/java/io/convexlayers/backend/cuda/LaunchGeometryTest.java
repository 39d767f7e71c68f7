// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LaunchGeometryTest {

    @Test
    void blocksAreWarpMultiplesWithinLimitsAndCoverTheWorkOrStride() {
        for (int sms : new int[] {1, 40, 132}) {
            for (long threads : new long[] {1, 31, 32, 33, 255, 257, 1000, 4095, 4097, 123_457, 1L << 24, 1L << 31}) {
                LaunchGeometry g = LaunchGeometry.of(threads, sms);
                assertEquals(0, g.threadsPerBlock() % LaunchGeometry.WARP, g.toString());
                assertTrue(g.threadsPerBlock() >= 32 && g.threadsPerBlock() <= LaunchGeometry.MAX_BLOCK, g.toString());
                assertTrue(g.blocks() >= 1 && g.blocks() <= LaunchGeometry.MAX_GRID, g.toString());
                // Either one pass covers every item, or the grid is at its cap and the loop strides.
                assertTrue(g.threadsInGrid() >= threads || g.blocks() == LaunchGeometry.MAX_GRID, g.toString());
                // No block is entirely idle.
                assertTrue((long) (g.blocks() - 1) * g.threadsPerBlock() < threads, g + " for " + threads);
            }
        }
    }

    @Test
    void smallLaunchesSpreadOverTheMultiprocessors() {
        LaunchGeometry g = LaunchGeometry.of(4096, 132);
        assertEquals(32, g.threadsPerBlock());
        assertEquals(128, g.blocks());
        assertEquals(new LaunchGeometry(1, 32), LaunchGeometry.of(1, 132));
        assertEquals(256, LaunchGeometry.of(10_000_000, 132).threadsPerBlock());
    }

    @Test
    void emptyLaunchIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> LaunchGeometry.of(0, 8));
    }
}
