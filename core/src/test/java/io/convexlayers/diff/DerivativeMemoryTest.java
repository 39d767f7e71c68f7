// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import io.convexlayers.backend.Backends;
import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.testing.RandomQps;
import io.convexlayers.testing.RetainedHeap;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A derivative leaves nothing behind on the worker threads: backward pass after backward pass (a new
 * {@link SolutionDerivative} each time, as a layer makes one per forward call), the heap that survives a
 * collection stays flat. (Each derivative once held its tiles' copies of A and P in a {@code ThreadLocal}
 * of its own, which the pool threads kept after the derivative was gone.)
 */
class DerivativeMemoryTest {
    private static final int PASSES = 30;

    @Test
    void repeatedBackwardPassesLeaveNothingOnTheWorkers() throws InterruptedException {
        // Per-instance matrices, so that the tiles copy A and P: n = 80, 160 rows, 8 lanes is ~1 MB a copy.
        BatchConeProgram batch = RandomQps.batch(80, 160, 16, false, 5);
        ExecutionSettings twoWorkers = ExecutionSettings.defaults().withThreads(2);
        BatchSolution solution = Backends.cpu().solve(batch,
                SolverSettings.defaults().withEps(1e-8).withAlgorithm(Algorithm.INTERIOR_POINT), twoWorkers, null, null);
        double[] gx = new double[batch.n() * batch.batch()];
        Random rnd = new Random(3);
        for (int k = 0; k < gx.length; k++) {
            gx[k] = rnd.nextGaussian();
        }
        BatchArray g = BatchArray.batchMinor(batch.n(), batch.batch(), gx);
        DerivativeSettings settings = DerivativeSettings.defaults();
        VjpResult first = SolutionDerivative.at(batch, solution, settings, twoWorkers).vjp(g, null, null);
        long before = RetainedHeap.bytes();
        for (int k = 0; k < PASSES; k++) {
            VjpResult again = SolutionDerivative.at(batch, solution, settings, twoWorkers).vjp(g, null, null);
            assertEquals(first.dc().get(0, k % batch.batch()), again.dc().get(0, k % batch.batch()));
        }
        long perPass = (RetainedHeap.bytes() - before) / PASSES;
        assertTrue(perPass < 200_000, "the heap kept " + perPass + " bytes per backward pass");
    }
}
