// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import io.convexlayers.testing.RandomQps;
import io.convexlayers.testing.RetainedHeap;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tiled interior point's workspaces live for one solve: solve after solve on the shared worker
 * threads, the heap that survives a collection stays flat. (Workspaces once sat in a
 * {@code ThreadLocal} made per solve; the pool threads' maps kept every dead one's value, a few
 * megabytes per solve here, until they happened to purge it.)
 */
class WorkspaceLifetimeTest {
    private static final int SOLVES = 40;

    @Test
    void repeatedTiledSolvesLeaveNoWorkspacesBehind() throws InterruptedException {
        // 16 instances, two tiles of 8 lanes on two workers; n = 80 makes each tile's workspace ~2 MB.
        BatchConeProgram batch = RandomQps.batch(80, 160, 16, true, 11);
        SolverSettings settings = SolverSettings.defaults().withEps(1e-6).withAlgorithm(Algorithm.INTERIOR_POINT);
        ExecutionSettings twoWorkers = ExecutionSettings.defaults().withThreads(2);
        assertTrue(InteriorPointSolver.tiles(new IpmLayout(batch, InteriorPointSolver.newtonSystem(batch)),
                batch.batch(), 8), "the batch runs in lock-step tiles");
        BatchSolution first = InteriorPointSolver.solve(batch, settings, twoWorkers, null);
        long before = RetainedHeap.bytes();
        for (int k = 0; k < SOLVES; k++) {
            BatchSolution again = InteriorPointSolver.solve(batch, settings, twoWorkers, null);
            assertEquals(SolverStatus.SOLVED, again.status(k % batch.batch()));
        }
        long growth = RetainedHeap.bytes() - before;
        long perSolve = growth / SOLVES;
        // One tile workspace is ~2 MB: a solve that left its two behind would add ~4 MB each time.
        assertTrue(perSolve < 200_000, "the heap kept " + perSolve + " bytes per solve (" + growth + " in all)");
        assertEquals(SolverStatus.SOLVED, first.status(0));
    }
}
