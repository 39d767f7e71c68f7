// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convexlayers.backend.Backends;
import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.CscMatrix;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.LinearSystemKind;
import io.convexlayers.solver.Polishing;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import io.convexlayers.solver.WarmStart;
import io.convexlayers.testing.RandomQps;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Lane compaction on the CPU ({@link ExecutionSettings#compactLanes()}): a tile whose running lanes
 * fit in a narrower power of two continues them in a narrower tile. Every instance's status,
 * iteration count and (x, y, s) must be bit for bit those of the run without compaction and, where
 * lanes do not share a scale, those of one-lane tiles to rounding; and the lane-iterations computed
 * must come close to the instances' own iterations. With the scalar loops: SIMD 8-lane tiles narrow
 * less (see {@link SimdSolveTest}), with the same results.
 */
class LaneCompactionTest {
    // Unpolished: the comparisons with one-lane tiles are of the iterations (a polished point moves by
    // more than their rounding).
    private static final SolverSettings TIGHT = SolverSettings.defaults().withEps(1e-8)
            .withAlgorithm(Algorithm.FIRST_ORDER).withPolishing(Polishing.OFF);
    private static final ExecutionSettings ON = new ExecutionSettings(1, 8, true);
    private static final ExecutionSettings OFF = new ExecutionSettings(1, 8, false);
    private static final ExecutionSettings ONE_LANE = new ExecutionSettings(1, 1, false);

    @org.junit.jupiter.api.BeforeEach
    void scalarLoops() {
        io.convexlayers.batch.LaneSimd.setEnabled(false);
    }

    @org.junit.jupiter.api.AfterEach
    void restoreLoops() {
        io.convexlayers.batch.LaneSimd.setEnabled(true);
    }

    @Test
    void perLaneQpsCostTheirOwnIterationsWithUnchangedResults() {
        checkAgainstOneLaneTiles(varyingBatch(16, false, 11), TIGHT);
    }

    @Test
    void perLaneSocpsCostTheirOwnIterationsWithUnchangedResults() {
        checkAgainstOneLaneTiles(varyingBatch(16, true, 12), TIGHT);
    }

    @Test
    void sparseFactorsAndConjugateGradientsCompactExactly() {
        BatchConeProgram batch = varyingBatch(13, true, 13);
        for (LinearSystemKind kind : List.of(LinearSystemKind.SPARSE, LinearSystemKind.CG, LinearSystemKind.DENSE)) {
            SolverSettings s = TIGHT.withEps(1e-6).withLinearSystem(kind);
            BatchSolution on = Backends.cpu().solve(batch, s, ON, null, null);
            BatchSolution off = Backends.cpu().solve(batch, s, OFF, null, null);
            assertSameBits(off, on, kind.toString());
            assertLessWork(on, off, kind.toString());
        }
    }

    @Test
    void sharedMatricesKeepTheirJointScale() {
        // One factorization for the tile: its lanes adapt the scale together, so compare with the
        // same tiles uncompacted (finished lanes never entered the joint decision).
        BatchConeProgram batch = RandomQps.batch(12, 30, 16, true, 14);
        BatchSolution on = Backends.cpu().solve(batch, TIGHT, ON, null, null);
        BatchSolution off = Backends.cpu().solve(batch, TIGHT, OFF, null, null);
        assertSameBits(off, on, "shared");
        assertLessWork(on, off, "shared");
    }

    @Test
    void polishingAndWarmStartsAreUnchangedByCompaction() {
        BatchConeProgram batch = varyingBatch(12, false, 15);
        SolverSettings polish = SolverSettings.defaults().withEps(1e-6).withAlgorithm(Algorithm.FIRST_ORDER)
                .withPolish(true);
        BatchSolution cold = Backends.cpu().solve(batch, polish, OFF, null, null);
        assertSameBits(cold, Backends.cpu().solve(batch, polish, ON, null, null), "polished");
        WarmStart warm = WarmStart.from(cold);
        BatchSolution warmOff = Backends.cpu().solve(batch, TIGHT, OFF, warm, null);
        BatchSolution warmOn = Backends.cpu().solve(batch, TIGHT, ON, warm, null);
        assertSameBits(warmOff, warmOn, "warm");
        // Warm lanes mostly finish at the first check, before there is anything to compact.
        assertTrue(warmOn.laneIterations() <= warmOff.laneIterations());
    }

    @Test
    void withoutCompactionEveryLaneRunsAsLongAsItsTile() {
        BatchConeProgram batch = varyingBatch(11, false, 16);
        BatchSolution off = Backends.cpu().solve(batch, TIGHT, OFF, null, null);
        // Tiles of 8: [0, 8) and [8, 11) padded to 8 lanes.
        long expected = 8L * (maxIterations(off, 0, 8) + maxIterations(off, 8, 11));
        assertEquals(expected, off.laneIterations());
        BatchSolution on = Backends.cpu().solve(batch, TIGHT, ON, null, null);
        assertSameBits(off, on, "padded");
        assertTrue(on.laneIterations() < expected, on.laneIterations() + " vs " + expected);
    }

    @Test
    void theListenerFollowsTheFirstInstanceThroughCompactions() {
        BatchConeProgram batch = varyingBatch(8, false, 17);
        List<Integer> checks = new ArrayList<>();
        BatchSolution on = Backends.cpu().solve(batch, TIGHT, ON, null,
                (iteration, primal, dual, gap, objective, scale, seconds) -> checks.add(iteration));
        assertEquals(on.iterations(0), checks.get(checks.size() - 1).intValue());
        assertEquals(on.iterations(0) / TIGHT.checkInterval(), checks.size());
    }

    /** On vs off bit for bit, one-lane tiles to rounding, and lane-iterations within 1.15× the sum. */
    private static void checkAgainstOneLaneTiles(BatchConeProgram batch, SolverSettings s) {
        BatchSolution on = Backends.cpu().solve(batch, s, ON, null, null);
        BatchSolution off = Backends.cpu().solve(batch, s, OFF, null, null);
        BatchSolution single = Backends.cpu().solve(batch, s, ONE_LANE, null, null);
        assertSameBits(off, on, "compaction");
        for (int b = 0; b < batch.batch(); b++) {
            assertEquals(single.status(b), on.status(b), "status of " + b);
            assertEquals(single.iterations(b), on.iterations(b), "iterations of " + b);
            assertClose(single.x().instance(b), on.x().instance(b), "x of " + b);
            assertClose(single.y().instance(b), on.y().instance(b), "y of " + b);
            assertClose(single.s().instance(b), on.s().instance(b), "s of " + b);
        }
        assertEquals(single.totalIterations(), single.laneIterations(), "one-lane tiles waste nothing");
        int most = maxIterations(on);
        int least = Integer.MAX_VALUE;
        for (int b = 0; b < batch.batch(); b++) {
            least = Math.min(least, on.iterations(b));
        }
        assertTrue(most >= 2 * least, "iterations should vary: " + least + " .. " + most);
        assertTrue(off.laneIterations() > 1.3 * off.totalIterations(), "uncompacted " + off.laneIterations()
                + " vs " + off.totalIterations());
        assertCompacted(on, "compacted");
    }

    private static void assertLessWork(BatchSolution on, BatchSolution off, String what) {
        assertTrue(on.laneIterations() >= on.totalIterations(), what);
        assertTrue(on.laneIterations() < off.laneIterations(), what + ": " + on.laneIterations() + " vs "
                + off.laneIterations());
    }

    private static void assertCompacted(BatchSolution on, String what) {
        assertTrue(on.laneIterations() >= on.totalIterations(), what);
        assertTrue(on.laneIterations() <= 1.15 * on.totalIterations(),
                what + ": lane-iterations " + on.laneIterations() + " vs instance iterations " + on.totalIterations());
    }

    private static int maxIterations(BatchSolution sol) {
        return maxIterations(sol, 0, sol.batch());
    }

    private static int maxIterations(BatchSolution sol, int from, int to) {
        int most = 0;
        for (int b = from; b < to; b++) {
            most = Math.max(most, sol.iterations(b));
        }
        return most;
    }

    static void assertSameBits(BatchSolution expected, BatchSolution actual, String what) {
        assertEquals(expected.batch(), actual.batch());
        for (int b = 0; b < expected.batch(); b++) {
            String at = what + ", instance " + b;
            assertEquals(expected.status(b), actual.status(b), at);
            assertEquals(expected.iterations(b), actual.iterations(b), at);
            assertEquals(expected.polish(b), actual.polish(b), at);
            assertBits(expected.x().instance(b), actual.x().instance(b), at + " x");
            assertBits(expected.y().instance(b), actual.y().instance(b), at + " y");
            assertBits(expected.s().instance(b), actual.s().instance(b), at + " s");
            assertEquals(Double.doubleToLongBits(expected.objective(b)), Double.doubleToLongBits(actual.objective(b)),
                    at + " objective");
        }
    }

    private static void assertBits(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Double.doubleToLongBits(expected[i]), Double.doubleToLongBits(actual[i]),
                    what + "[" + i + "]: " + expected[i] + " vs " + actual[i]);
        }
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            double tol = 1e-12 * Math.max(1, Math.abs(expected[i]));
            assertEquals(expected[i], actual[i], tol, what + "[" + i + "]");
        }
    }

    /**
     * {@code batch} QPs (n = 10, 20 inequalities, plus two second-order cones of 4 rows when
     * {@code socp}), each with its own data; instance b's P is scaled by 10^-(b mod 4), which moves
     * it towards an LP and spreads the iteration counts.
     */
    static BatchConeProgram varyingBatch(int batch, boolean socp, long seed) {
        int n = 10;
        int mLin = 20;
        int socSize = 4;
        int m = mLin + (socp ? 2 * socSize : 0);
        Random rnd = new Random(seed);
        double[][] pVals = new double[batch][];
        double[][] aVals = new double[batch][];
        double[][] bs = new double[batch][];
        double[][] cs = new double[batch][];
        CscMatrix pattern = null;
        CscMatrix pPattern = null;
        for (int k = 0; k < batch; k++) {
            double[][] p = RandomQps.hessian(n, rnd);
            double factor = Math.pow(10, -(k % 4));
            for (double[] row : p) {
                for (int j = 0; j < n; j++) {
                    row[j] *= factor;
                }
            }
            double[][] a = RandomQps.gaussian(m, n, rnd);
            double[] z0 = RandomQps.gaussian(n, rnd);
            double[] b = new double[m];
            for (int i = 0; i < m; i++) {
                double az = 0;
                for (int j = 0; j < n; j++) {
                    az += a[i][j] * z0[j];
                }
                b[i] = az;
            }
            for (int i = 0; i < mLin; i++) {
                b[i] += rnd.nextDouble();
            }
            for (int c = 0; socp && c < 2; c++) {
                // slack (‖w‖ + 1, w) strictly inside the cone
                int at = mLin + c * socSize;
                double norm = 0;
                for (int i = 1; i < socSize; i++) {
                    double w = rnd.nextGaussian();
                    b[at + i] += w;
                    norm += w * w;
                }
                b[at] += Math.sqrt(norm) + 1;
            }
            CscMatrix pm = CscMatrix.upperTriangleOf("P", p);
            CscMatrix am = CscMatrix.fromDense("A", a);
            pPattern = pPattern == null ? pm : pPattern;
            pattern = pattern == null ? am : pattern;
            pVals[k] = pm.values();
            aVals[k] = am.values();
            bs[k] = b;
            cs[k] = RandomQps.gaussian(n, rnd);
        }
        ConeDims.Builder cones = ConeDims.builder().nonneg(mLin);
        if (socp) {
            cones.soc(socSize, socSize);
        }
        return new BatchConeProgram(pPattern.pattern(), BatchArray.perInstance(pVals), pattern.pattern(),
                BatchArray.perInstance(aVals), BatchArray.perInstance(bs), BatchArray.perInstance(cs), cones.build());
    }
}
