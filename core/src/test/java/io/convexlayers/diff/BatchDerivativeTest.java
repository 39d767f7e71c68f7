// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.backend.ConeSolver;
import io.convexlayers.solver.SolverStatus;
import io.convexlayers.testing.RandomQps;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.convexlayers.diff.DerivativeFixtures.one;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Batched JVP/VJP equal per-instance ones (to LSQR accuracy: the 8-lane kernels round differently
 * from the one-lane loops); an instance without a solution gets zero gradients.
 */
class BatchDerivativeTest {

    @Test
    void batchedDerivativesEqualPerInstanceOnes() {
        BatchConeProgram batch = RandomQps.batch(5, 10, 11, false, 2);
        BatchSolution sols = ConeSolver.solveBatch(batch, DerivativeFixtures.TIGHT);
        Random rnd = new Random(5);
        double[][] gx = new double[11][];
        double[][] dbs = new double[11][];
        for (int b = 0; b < 11; b++) {
            gx[b] = DerivativeFixtures.gaussian(5, rnd);
            dbs[b] = DerivativeFixtures.gaussian(10, rnd);
        }
        DerivativeSettings settings = DerivativeSettings.defaults().withMode(DerivativeMode.LSQR);
        SolutionDerivative all = SolutionDerivative.at(batch, sols, settings);
        VjpResult vjp = all.vjp(BatchArray.perInstance(gx), null, null);
        JvpResult jvp = all.jvp(null, null, BatchArray.perInstance(dbs), null);
        for (int b = 0; b < 11; b++) {
            SolutionDerivative one = SolutionDerivative.at(batch.instance(b), sols.get(b), settings);
            VjpResult v1 = one.vjp(one(gx[b]), null, null);
            JvpResult j1 = one.jvp(null, null, BatchArray.shared(dbs[b], 1), null);
            assertArrayEquals(v1.dA().instance(0), vjp.dA().instance(b), 1e-7, "instance " + b);
            assertArrayEquals(v1.dP().instance(0), vjp.dP().instance(b), 1e-7, "instance " + b);
            assertArrayEquals(j1.dx().instance(0), jvp.dx().instance(b), 1e-7, "instance " + b);
        }
    }

    @Test
    void resultsAreBatchMinorAndIndependentOfTheExecution() {
        BatchConeProgram batch = RandomQps.batch(5, 10, 7, false, 4);
        BatchSolution sols = ConeSolver.solveBatch(batch, DerivativeFixtures.TIGHT);
        double[] g = DerivativeFixtures.gaussian(5, new Random(6));
        DerivativeSettings settings = DerivativeSettings.defaults();
        // one cotangent for every instance: a shared array is the same as its per-instance copies
        VjpResult shared = SolutionDerivative.at(batch, sols, settings).vjp(BatchArray.shared(g, 7), null, null);
        double[][] rows = new double[7][];
        java.util.Arrays.fill(rows, g);
        VjpResult tiled = SolutionDerivative.at(batch, sols, settings,
                        io.convexlayers.solver.ExecutionSettings.defaults().withTileLanes(3).withThreads(1))
                .vjp(BatchArray.perInstance(rows), null, null);
        assertEquals(7, shared.dA().batch());
        assertEquals(batch.aPattern().nnz(), shared.dA().length());
        for (int b = 0; b < 7; b++) {
            assertArrayEquals(shared.dA().instance(b), tiled.dA().instance(b), 1e-10, "instance " + b);
            assertArrayEquals(shared.dc().instance(b), tiled.dc().instance(b), 1e-10, "instance " + b);
            for (int i = 0; i < 5; i++) {
                assertEquals(shared.dc().rawData()[i * 7 + b], shared.dc().get(i, b), "batch-minor: i*B + b");
            }
        }
    }

    @Test
    void anInfeasibleInstanceGetsZeroGradientsAndTheOthersAreUnaffected() {
        BatchConeProgram good = RandomQps.batch(4, 8, 3, false, 7);
        double[][] h = new double[3][];
        for (int b = 0; b < 3; b++) {
            h[b] = good.b().instance(b);
        }
        double[][] a = new double[3][];
        for (int b = 0; b < 3; b++) {
            a[b] = good.aValues().instance(b);
        }
        var pat = good.aPattern();
        for (int j = 0; j < pat.cols(); j++) {
            a[1][pat.find(1, j)] = -a[1][pat.find(0, j)];
        }
        h[1][0] = -1;
        h[1][1] = -1;
        BatchConeProgram mixed = new BatchConeProgram(good.pPattern(), good.pValues(), pat, BatchArray.perInstance(a),
                BatchArray.perInstance(h), good.c(), good.cones());
        BatchSolution sols = ConeSolver.solveBatch(mixed, DerivativeFixtures.TIGHT);
        assertEquals(SolverStatus.INFEASIBLE, sols.status(1));
        double[][] gx = {{1, 2, 3, 4}, {1, 2, 3, 4}, {1, 2, 3, 4}};
        VjpResult vjp = SolutionDerivative.at(mixed, sols, DerivativeSettings.defaults())
                .vjp(BatchArray.perInstance(gx), null, null);
        assertEquals(DerivativeQuality.UNDEFINED, vjp.info()[1].quality());
        assertEquals(DerivativeMethod.NONE, vjp.info()[1].method());
        for (double v : vjp.dA().instance(1)) {
            assertEquals(0, v);
        }
        for (int b : new int[] {0, 2}) {
            assertEquals(DerivativeQuality.ACCURATE, vjp.info()[b].quality());
            VjpResult alone = SolutionDerivative.at(mixed.instance(b), sols.get(b), DerivativeSettings.defaults())
                    .vjp(one(gx[b]), null, null);
            assertArrayEquals(alone.dA().instance(0), vjp.dA().instance(b), 1e-7);
        }
    }

    @Test
    void anInaccurateForwardSolutionGivesAPoorButFiniteGradient() {
        BatchConeProgram batch = RandomQps.batch(6, 12, 2, false, 9);
        BatchSolution sols = ConeSolver.solveBatch(batch, io.convexlayers.solver.SolverSettings.defaults()
                .withMaxIters(20).withAlgorithm(io.convexlayers.solver.Algorithm.FIRST_ORDER));
        assertEquals(SolverStatus.SOLVED_INACCURATE, sols.status(0), "stopped at the iteration limit");
        double[][] gx = {{1, 0, 0, 0, 0, 0}, {0, 1, 0, 0, 0, 0}};
        VjpResult vjp = SolutionDerivative.at(batch, sols, DerivativeSettings.defaults())
                .vjp(BatchArray.perInstance(gx), null, null);
        for (int b = 0; b < 2; b++) {
            if (sols.status(b) == SolverStatus.SOLVED_INACCURATE) {
                assertEquals(DerivativeQuality.POOR, vjp.info()[b].quality(), "instance " + b);
            }
            for (double v : vjp.dA().instance(b)) {
                org.junit.jupiter.api.Assertions.assertTrue(Double.isFinite(v));
            }
        }
    }
}
