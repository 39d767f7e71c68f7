// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.testing.RandomQps;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replaying the solver's iteration as a graph ({@link Device#replayable}) on the emulated device, whose
 * graphs are the recorded operation lists run through the kernels' twins: a solve with graphs equals a
 * solve without them bit for bit, a changed body is captured anew, a body that needs the host runs
 * eagerly, and a device that cannot build graphs falls back to launching one by one.
 */
class LaunchGraphTest {
    private static final SolverSettings SETTINGS = SolverSettings.defaults().withEps(1e-7)
            .withAlgorithm(io.convexlayers.solver.Algorithm.FIRST_ORDER);

    private static BatchSolution solve(EmulatedDevice dev, BatchConeProgram batch, boolean graphs) {
        dev.useGraphs(graphs);
        return new CudaBackend(dev, 0).solve(batch, SETTINGS, null, null);
    }

    private static void assertIdentical(BatchSolution a, BatchSolution b) {
        for (int l = 0; l < a.batch(); l++) {
            assertEquals(a.status(l), b.status(l));
            assertEquals(a.iterations(l), b.iterations(l));
            assertArrayEquals(a.get(l).x(), b.get(l).x(), 0);
            assertArrayEquals(a.get(l).y(), b.get(l).y(), 0);
            assertArrayEquals(a.get(l).s(), b.get(l).s(), 0);
        }
    }

    @Test
    void aSolveWithGraphsEqualsOneWithoutBitForBit() {
        // The graph path: per-lane QPs would otherwise run fused (FusedIterationsTest compares the two).
        System.setProperty(FusedIterations.PROPERTY, "false");
        try {
            graphsEqualEagerLaunches();
        } finally {
            System.clearProperty(FusedIterations.PROPERTY);
        }
    }

    private static void graphsEqualEagerLaunches() {
        for (boolean shared : new boolean[] {false, true}) {
            BatchConeProgram batch = RandomQps.batch(8, 16, 5, shared, 31);
            EmulatedDevice eager = new EmulatedDevice(1L << 30);
            EmulatedDevice graphs = new EmulatedDevice(1L << 30);
            BatchSolution a = solve(eager, batch, false);
            BatchSolution b = solve(graphs, batch, true);
            assertIdentical(a, b);
            assertEquals(0, eager.graphLaunches());
            // Nine of every ten iterations are plain; a capture happens once and after each scale change.
            int iterations = 0;
            for (int l = 0; l < batch.batch(); l++) {
                iterations = Math.max(iterations, b.iterations(l));
            }
            assertTrue(graphs.graphLaunches() >= iterations * 8 / 10 - 1, graphs.graphLaunches() + " of " + iterations);
            assertTrue(graphs.graphCaptures() >= 1 && graphs.graphCaptures() < graphs.graphLaunches() / 4,
                    graphs.graphCaptures() + " captures");
            // Counted as launches of their kernels, so the cost model and tests see the same work.
            assertTrue(graphs.launches() > 10L * graphs.graphLaunches());
        }
    }

    @Test
    void aChangedBodyIsCapturedAgainAndAHostTransferRunsEagerly() {
        EmulatedDevice dev = new EmulatedDevice(1L << 20);
        DeviceBuffer x = dev.allocDoubles(4);
        dev.upload(new double[] {1, 2, 3, 4}, 0, x.ptr(), 4);
        double[] scale = {2};
        try (LaunchGraph slot = new LaunchGraph(dev)) {
            Runnable body = () -> dev.launch(CudaKernel.LANE_SCALE, 4, 4, 1, x, dev.allocDoubles(1));
            DeviceBuffer factor = dev.allocDoubles(1);
            dev.upload(scale, 0, factor.ptr(), 1);
            Runnable fixed = () -> dev.launch(CudaKernel.LANE_SCALE, 4, 4, 1, x, factor);
            dev.replayable(slot, fixed);
            dev.replayable(slot, fixed);
            assertEquals(1, slot.captures());
            assertEquals(2, slot.replays());
            double[] got = new double[4];
            dev.download(x.ptr(), got, 0, 4);
            assertArrayEquals(new double[] {4, 8, 12, 16}, got, 0);
            // A different buffer is a different body: captured anew.
            dev.replayable(slot, body);
            assertEquals(2, slot.captures());
        }
        try (LaunchGraph slot = new LaunchGraph(dev)) {
            DeviceBuffer y = dev.allocDoubles(1);
            double[] one = {5};
            Runnable needsHost = () -> {
                dev.upload(one, 0, y.ptr(), 1);
                dev.launch(CudaKernel.FILL, 4, 4, x, 7.0);
            };
            dev.replayable(slot, needsHost);
            dev.replayable(slot, needsHost);
            assertTrue(slot.unsafe());
            assertEquals(0, slot.captures());
            double[] got = new double[4];
            dev.download(x.ptr(), got, 0, 4);
            assertArrayEquals(new double[] {7, 7, 7, 7}, got, 0);
        }
    }

    @Test
    void aDeviceWithoutGraphsLaunchesOneByOneWithTheSameResults() {
        BatchConeProgram batch = RandomQps.batch(6, 12, 3, false, 32);
        EmulatedDevice failing = new EmulatedDevice(1L << 30, true);
        BatchSolution b = solve(failing, batch, true);
        assertFalse(failing.graphsEnabled(), "the failure turns graphs off for the device");
        assertEquals(0, failing.graphLaunches());
        assertIdentical(solve(new EmulatedDevice(1L << 30), batch, false), b);
    }
}
