// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver;

import io.convexlayers.InvalidProblemException;
import io.convexlayers.InvalidSettingsException;
import io.convexlayers.backend.Backends;
import io.convexlayers.backend.ConeSolver;
import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.testing.RandomQps;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The batch-minor {@link BatchSolution} (layout, per-instance views, the builder's checks), batch-minor
 * warm starts, and {@link ExecutionSettings}: validated by field, and never changing the answer.
 */
class BatchSolutionTest {
    private static final SolverSettings TIGHT = SolverSettings.defaults().withEps(1e-9).withAlgorithm(io.convexlayers.solver.Algorithm.FIRST_ORDER);

    @Test
    void theArraysAreBatchMinorAndGetCopiesOneInstanceOut() {
        BatchConeProgram batch = RandomQps.batch(6, 12, 5, false, 31);
        // tiles of 2: instance 4 shares its tile with a padding lane
        BatchSolution sol = Backends.cpu().solve(batch, TIGHT, ExecutionSettings.defaults().withTileLanes(2), null,
                null);
        assertEquals(5, sol.batch());
        assertEquals(6, sol.n());
        assertEquals(12, sol.m());
        double[] x = sol.x().rawData();
        double[] y = sol.y().rawData();
        assertEquals(6 * 5, x.length);
        for (int b = 0; b < 5; b++) {
            Solution one = sol.get(b);
            assertEquals(sol.status(b), one.status());
            assertEquals(sol.iterations(b), one.iterations());
            assertEquals(sol.objective(b), one.objective());
            assertEquals(sol.primalResidual(b), one.primalResidual());
            assertEquals(sol.scale(b), one.scale());
            for (int i = 0; i < 6; i++) {
                assertEquals(x[i * 5 + b], one.x()[i], "x entry " + i + " of instance " + b);
            }
            for (int i = 0; i < 12; i++) {
                assertEquals(y[i * 5 + b], one.y()[i]);
                assertEquals(sol.s().get(i, b), one.s()[i]);
            }
            one.x()[0] = 1e300; // a copy: the batch is untouched
            assertTrue(sol.x().get(0, b) != 1e300);
        }
        assertEquals(java.util.stream.IntStream.range(0, 5).mapToLong(sol::iterations).sum(), sol.totalIterations());
    }

    @Test
    void perInstanceSolutionsRoundTrip() {
        Solution a = ConeSolver.solve(RandomQps.single(4, 8, 1), TIGHT);
        Solution b = ConeSolver.solve(RandomQps.single(4, 8, 2), TIGHT);
        BatchSolution both = BatchSolution.of(List.of(a, b));
        assertArrayEquals(b.x(), both.get(1).x());
        assertArrayEquals(b.y(), both.get(1).y());
        assertArrayEquals(a.s(), both.get(0).s());
        assertEquals(b.iterations(), both.iterations(1));
        assertEquals(a.solveTimeSeconds(), both.solveTimeSeconds(0));
        assertThrows(InvalidProblemException.class,
                () -> BatchSolution.of(List.of(a, ConeSolver.solve(RandomQps.single(5, 8, 3), TIGHT))));
    }

    @Test
    void theBuilderRequiresEveryInstanceAndBuildsOnce() {
        BatchSolution.Builder builder = BatchSolution.builder(2, 1, 1);
        builder.record(0, SolverStatus.SOLVED, 0, 0, 1, 0, 0, 0, 0.1, 0, 0);
        IllegalStateException missing = assertThrows(IllegalStateException.class, builder::build);
        assertTrue(missing.getMessage().contains("instance 1"), missing.getMessage());
        builder.record(1, SolverStatus.FAILED, 0, 0, 1, 0, 0, 0, 0.1, 0, 0);
        builder.build();
        assertThrows(IllegalStateException.class, builder::build);
        assertThrows(IndexOutOfBoundsException.class,
                () -> BatchSolution.builder(1, 1, 1).record(1, SolverStatus.SOLVED, 0, 0, 1, 0, 0, 0, 0.1, 0, 0));
    }

    @Test
    void aCertificateLeavesNaNOnlyInItsOwnInstance() {
        BatchConeProgram good = RandomQps.batch(4, 8, 3, false, 7);
        double[][] h = new double[3][];
        double[][] a = new double[3][];
        for (int b = 0; b < 3; b++) {
            h[b] = good.b().instance(b);
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
        BatchSolution sol = ConeSolver.solveBatch(mixed, TIGHT);
        assertEquals(SolverStatus.INFEASIBLE, sol.status(1));
        for (int i = 0; i < 4; i++) {
            assertTrue(Double.isNaN(sol.x().get(i, 1)));
            assertTrue(Double.isFinite(sol.x().get(i, 0)) && Double.isFinite(sol.x().get(i, 2)));
        }
        assertArrayEquals(sol.get(1).certificate(), sol.y().instance(1));

        WarmStart warm = WarmStart.from(sol);
        assertTrue(warm.isWarm(0));
        assertFalse(warm.isWarm(1), "an instance without a solution starts cold");
        WarmStart.Lanes lanes = warm.lanes(0, 4, 3, 4, 8);
        assertArrayEquals(new boolean[] {true, false, true, false}, lanes.warm());
        assertEquals(sol.x().get(2, 2), lanes.x()[2 * 4 + 2]);
        assertEquals(0, lanes.x()[2 * 4 + 1], "a cold lane starts from zero");
        BatchSolution again = ConeSolver.solveBatch(mixed, TIGHT, warm);
        assertEquals(SolverStatus.INFEASIBLE, again.status(1));
        assertTrue(again.iterations(0) < sol.iterations(0));
    }

    @Test
    void warmStartsAreValidated() {
        WarmStart one = WarmStart.of(new double[] {1, 2}, new double[] {0}, new double[] {Double.NaN});
        InvalidProblemException wrongN = assertThrows(InvalidProblemException.class, () -> one.validate(1, 3, 1));
        assertTrue(wrongN.getMessage().contains("warmStart.x"), wrongN.getMessage());
        InvalidProblemException nan = assertThrows(InvalidProblemException.class, () -> one.validate(1, 2, 1));
        assertTrue(nan.getMessage().contains("warmStart.s"), nan.getMessage());
        assertThrows(InvalidProblemException.class, () -> one.validate(2, 2, 1));
        assertThrows(InvalidProblemException.class, () -> new WarmStart(BatchArray.batchMinor(1, 2, new double[2]),
                BatchArray.batchMinor(1, 1, new double[1]), BatchArray.batchMinor(1, 1, new double[1]), null));
    }

    @Test
    void executionSettingsAreValidatedByField() {
        assertEquals(new ExecutionSettings(0, 8), ExecutionSettings.defaults());
        InvalidSettingsException threads = assertThrows(InvalidSettingsException.class,
                () -> ExecutionSettings.defaults().withThreads(-1));
        assertTrue(threads.getMessage().contains("threads"), threads.getMessage());
        InvalidSettingsException lanes = assertThrows(InvalidSettingsException.class,
                () -> ExecutionSettings.defaults().withTileLanes(0));
        assertTrue(lanes.getMessage().contains("tileLanes"), lanes.getMessage());
    }

    @Test
    void executionDoesNotChangeTheAnswer() {
        BatchConeProgram batch = RandomQps.batch(8, 16, 7, false, 32);
        BatchSolution reference = ConeSolver.solveBatch(batch, TIGHT);
        for (ExecutionSettings e : List.of(new ExecutionSettings(1, 1), new ExecutionSettings(2, 3),
                new ExecutionSettings(0, 16))) {
            BatchSolution other = ConeSolver.solveBatch(batch, TIGHT, e, null);
            for (int b = 0; b < 7; b++) {
                assertEquals(reference.iterations(b), other.iterations(b), e + ", instance " + b);
                assertArrayEquals(reference.get(b).x(), other.get(b).x(), 1e-9, e + ", instance " + b);
            }
        }
    }
}
