// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.solver.SolverSettings;
import io.convexlayers.testing.RandomQps;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChunkPlannerTest {

    @Test
    void wholeBatchWhenItFits() {
        ChunkPlanner.Plan p = ChunkPlanner.plan(4096, new ChunkPlanner.Footprint(1000, 10_000, 10), 1L << 30, 0);
        assertEquals(1, p.chunks());
        assertEquals(4096, p.chunkLanes());
    }

    @Test
    void equalChunksWhenItDoesNot() {
        // 0.8 * 1e6 - 0 = 800_000 bytes: 800 lanes fit; 2000 lanes -> 3 chunks of 667.
        ChunkPlanner.Plan p = ChunkPlanner.plan(2000, new ChunkPlanner.Footprint(1000, 0, 1), 1_000_000, 0);
        assertEquals(3, p.chunks());
        assertEquals(667, p.chunkLanes());
        assertEquals(0, p.first(0));
        assertEquals(1334, p.first(2));
        assertEquals(666, p.lanes(2, 2000));
        int covered = 0;
        for (int c = 0; c < p.chunks(); c++) {
            covered += p.lanes(c, 2000);
        }
        assertEquals(2000, covered);
    }

    @Test
    void sharedBytesComeFirstAndACapApplies() {
        ChunkPlanner.Plan p = ChunkPlanner.plan(100, new ChunkPlanner.Footprint(1000, 700_000, 1), 1_000_000, 0);
        assertEquals(100, p.chunkLanes() * p.chunks() >= 100 ? Math.min(100, p.chunkLanes() * p.chunks()) : -1);
        assertTrue(p.chunkLanes() <= 100);
        assertEquals(1, p.chunks());
        ChunkPlanner.Plan capped = ChunkPlanner.plan(100, new ChunkPlanner.Footprint(10, 0, 1), 1L << 30, 30);
        assertEquals(4, capped.chunks());
        assertEquals(25, capped.chunkLanes());
    }

    @Test
    void buffersStayIndexableWithInts() {
        ChunkPlanner.Plan p = ChunkPlanner.plan(100_000, new ChunkPlanner.Footprint(8, 0, 100_000), Long.MAX_VALUE / 2,
                0);
        assertTrue((long) p.chunkLanes() * 100_000 <= Integer.MAX_VALUE);
    }

    @Test
    void oneLaneThatDoesNotFitIsReported() {
        assertThrows(OutOfDeviceMemoryException.class,
                () -> ChunkPlanner.plan(10, new ChunkPlanner.Footprint(1_000_000, 0, 1), 1_000_000, 0));
        assertThrows(IllegalArgumentException.class,
                () -> ChunkPlanner.plan(0, new ChunkPlanner.Footprint(1, 0, 1), 1_000_000, 0));
    }

    @Test
    void footprintGrowsWithTheDenseFactor() {
        SolverSettings s = SolverSettings.defaults();
        ChunkPlanner.Footprint small = CudaBackend.footprint(RandomQps.batch(10, 20, 2, false, 1), s);
        ChunkPlanner.Footprint large = CudaBackend.footprint(RandomQps.batch(40, 20, 2, false, 1), s);
        assertTrue(large.perLaneBytes() > small.perLaneBytes() + 8L * (40 * 41 / 2 - 10 * 11 / 2));
        ChunkPlanner.Footprint shared = CudaBackend.footprint(RandomQps.batch(40, 20, 2, true, 1), s);
        assertTrue(shared.perLaneBytes() < large.perLaneBytes());
        assertTrue(shared.sharedBytes() >= 8L * 40 * 40);
    }
}
