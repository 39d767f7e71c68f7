// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.solver.SolverSettings;
import io.convexlayers.testing.RandomQps;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The host's time in device calls is counted by kind, and a snapshot's difference reads them back. */
class HostTimesTest {

    @Test
    void aSolveCountsItsLaunchesGraphLaunchesAndTransfers() {
        EmulatedDevice dev = new EmulatedDevice(1L << 30);
        CudaBackend backend = new CudaBackend(dev, 0);
        HostTimes before = dev.hostTimes();
        long launchesBefore = dev.launches();
        long t0 = System.nanoTime();
        backend.solve(RandomQps.batch(6, 12, 3, false, 9), SolverSettings.defaults().withAlgorithm(io.convexlayers.solver.Algorithm.FIRST_ORDER), null, null);
        long wall = System.nanoTime() - t0;
        HostTimes after = dev.hostTimes();
        long graphs = after.graphs - before.graphs;
        long eager = after.launches - before.launches;
        assertEquals(dev.graphLaunches(), graphs, "every graph launch is counted");
        assertTrue(graphs > 10 && eager > 10, graphs + " graph launches, " + eager + " launched on their own");
        // Device.launches() counts kernels, also those inside graphs; HostTimes counts host calls.
        assertTrue(dev.launches() - launchesBefore > eager + graphs);
        assertTrue(after.downloads > before.downloads && after.uploads > before.uploads);
        String line = after.since(before, wall);
        assertTrue(line.contains(eager + " kernel launches") && line.contains(graphs + " graph launches"), line);
    }
}
