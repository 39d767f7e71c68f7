// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.data.CscMatrix;
import io.convexlayers.io.FileProblem;
import io.convexlayers.io.ProblemReader;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.Solution;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import io.convexlayers.solver.hsde.Deadline;
import io.convexlayers.testing.Kkt;
import io.convexlayers.testing.PlantedPrograms;
import io.convexlayers.testing.ProgramBatches;
import io.convexlayers.testing.RandomQps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The interior-point method in lock-step tiles against the same method one instance at a time and
 * against independent truth: agreement of statuses, iteration counts and solutions on random and
 * planted batches (with and without equalities, P, shared matrices, padding lanes), KKT residuals
 * recomputed from scratch, bundled problems solved in tiles to their published optima, and
 * per-lane outcomes — an infeasible, an unbounded and a non-convex instance beside solvable ones.
 */
class TileInteriorPointMethodTest {
    private static final SolverSettings IPM = SolverSettings.defaults().withEps(1e-8)
            .withAlgorithm(Algorithm.INTERIOR_POINT);

    private static BatchSolution solve(BatchConeProgram batch, boolean tiled) {
        return InteriorPointSolver.solve(batch, IPM, ExecutionSettings.defaults(), null, null, tiled);
    }

    /** Tiled and one-at-a-time results agree lane by lane; both are checked against the KKT conditions. */
    private static void assertAgree(BatchConeProgram batch, String name) {
        assertAgree(batch, name, 1e-6);
    }

    /** As above, with x agreeing to {@code xTol} relative. */
    private static void assertAgree(BatchConeProgram batch, String name, double xTol) {
        BatchSolution tiled = solve(batch, true);
        BatchSolution single = solve(batch, false);
        int moreInAll = 0;
        int singleInAll = 0;
        for (int b = 0; b < batch.batch(); b++) {
            String at = name + " instance " + b;
            assertEquals(single.status(b), tiled.status(b), at);
            int more = tiled.iterations(b) - single.iterations(b);
            // With second-order cones the single instance switches to the full Newton system near the end
            // and the tile does not, and the last iterations are sensitive to rounding: over 576 planted
            // SOCP lanes the tile took more iterations on 97, fewer on 73, at most 4 more, 0.5% more in all.
            boolean soc = batch.cones().soc().length > 0;
            assertTrue(soc ? more <= 4 : Math.abs(more) <= 2,
                    at + ": " + tiled.iterations(b) + " vs " + single.iterations(b) + " iterations");
            moreInAll += more;
            singleInAll += single.iterations(b);
            Solution t = tiled.get(b);
            Solution s = single.get(b);
            if (s.status() == SolverStatus.SOLVED) {
                ConeProgram p = batch.instance(b);
                double scale = 1 + Kkt.maxAbs(p.b()) + Kkt.maxAbs(p.c());
                assertTrue(Kkt.primalResidual(p, t.x(), t.s()) <= 1e-7 * scale, at + " primal residual");
                assertTrue(Kkt.dualResidual(p, t.x(), t.y()) <= 1e-7 * scale, at + " dual residual");
                assertTrue(Kkt.complementarity(t.s(), t.y()) <= 1e-7 * scale, at + " complementarity");
                assertEquals(s.objective(), t.objective(), 1e-8 * (1 + Math.abs(s.objective())), at + " objective");
                assertTrue(Kkt.maxDiff(s.x(), t.x()) <= xTol * (1 + Kkt.maxAbs(s.x())), at + " x");
            }
        }
        assertTrue(moreInAll <= 0.05 * singleInAll, name + ": " + moreInAll + " more iterations than " + singleInAll);
    }

    @Test
    void agreesWithOneInstanceAtATimeOnRandomQpBatches() {
        assertAgree(RandomQps.batch(10, 20, 16, false, 3), "n=10 per-instance");
        assertAgree(RandomQps.batch(30, 60, 13, false, 4), "n=30, padding lanes");
        assertAgree(RandomQps.batch(20, 40, 9, true, 5), "n=20 shared matrices");
    }

    @Test
    void theTilesSolveTheirLanesThemselves() {
        // Agreement alone would pass if every lane were handed back. Random dense QPs need no
        // hand-back; the planted programs with equalities, solved to 1e-10, hand back at most two of
        // eleven lanes (the unpivoted Cholesky of the reduced matrix loses more accuracy near the end
        // than the single instance's pivoted LDLᵀ; those lanes are solved again alone).
        assertEquals(0, handedBack(RandomQps.batch(10, 20, 16, false, 3)));
        assertEquals(0, handedBack(RandomQps.batch(30, 60, 13, false, 4)));
        int planted = handedBack(plantedBatch(ConeDims.builder().zero(4).nonneg(30).build(), 12, true, 11));
        assertTrue(planted <= 2, planted + " of 11 handed back");
    }

    /** Solves the batch tile by tile; returns how many instances were handed back (the others must be SOLVED). */
    private static int handedBack(BatchConeProgram batch) {
        TileInteriorPointMethod method = new TileInteriorPointMethod(new IpmLayout(batch), 8);
        BatchSolution.Builder out = BatchSolution.builder(batch.batch(), batch.n(), batch.m());
        java.util.Set<Integer> back = new java.util.HashSet<>();
        for (int first = 0; first < batch.batch(); first += 8) {
            int live = Math.min(8, batch.batch() - first);
            for (int k : method.solve(batch, first, live, IPM, Deadline.NONE, null, out)) {
                back.add(k);
            }
        }
        for (int k : back) {
            InteriorPointSolver.solveInstances(batch, new int[] {k}, IPM, Deadline.NONE, out);
        }
        BatchSolution solved = out.build();
        for (int b = 0; b < batch.batch(); b++) {
            assertEquals(SolverStatus.SOLVED, solved.status(b), "instance " + b);
        }
        return back.size();
    }

    @Test
    void agreesOnPlantedProgramsWithEqualities() {
        for (boolean withP : new boolean[] {false, true}) {
            ConeDims cones = ConeDims.builder().zero(4).nonneg(30).build();
            BatchConeProgram batch = plantedBatch(cones, 12, withP, 11);
            assertAgree(batch, withP ? "planted QP with equalities" : "planted LP with equalities");
        }
    }

    /** Eleven planted programs of one dense structure (seeds differ) as one batch. */
    private static BatchConeProgram plantedBatch(ConeDims cones, int n, boolean withP, int count) {
        ConeProgram[] ps = new ConeProgram[count];
        for (int k = 0; k < count; k++) {
            ps[k] = PlantedPrograms.generate(cones, n, 1.0, withP, 100 + k).program();
        }
        return ProgramBatches.perInstance(ps);
    }


    /**
     * A lane's result does not depend on its tile mates: the same instance beside different ones (whose
     * iterations and Newton solves' accuracy differ) ends with the same bits and iteration count — a QP,
     * a QP with equalities, one with second-order cones, and an LP.
     */
    @Test
    void aLanesResultDoesNotDependOnItsTileMates() {
        BatchConeProgram[] sources = {RandomQps.batch(10, 20, 16, false, 31),
                plantedBatch(ConeDims.builder().zero(4).nonneg(30).build(), 12, true, 16),
                plantedBatch(ConeDims.builder().zero(3).nonneg(10).soc(6, 2, 4).build(), 8, true, 16),
                plantedBatch(ConeDims.builder().zero(2).nonneg(24).build(), 10, false, 16)};
        for (BatchConeProgram source : sources) {
            int[][] tiles = {{0, 1, 2, 3, 4, 5, 6, 7}, {0, 8, 9, 10, 11, 12, 13, 14}, {15, 14, 13, 0, 12, 11, 10, 9}};
            int[] laneOfZero = {0, 0, 3};
            BatchSolution[] outs = new BatchSolution[tiles.length];
            boolean[] back = new boolean[tiles.length];
            for (int t = 0; t < tiles.length; t++) {
                BatchConeProgram batch = select(source, tiles[t]);
                TileInteriorPointMethod method = new TileInteriorPointMethod(new IpmLayout(batch), 8);
                BatchSolution.Builder out = BatchSolution.builder(batch.batch(), batch.n(), batch.m());
                for (int k : method.solve(batch, 0, 8, IPM, Deadline.NONE, null, out)) {
                    back[t] |= k == laneOfZero[t];
                    InteriorPointSolver.solveInstances(batch, new int[] {k}, IPM, Deadline.NONE, out);
                }
                outs[t] = out.build();
            }
            for (int t = 1; t < tiles.length; t++) {
                assertEquals(back[0], back[t], "handed back or not, tile " + t);
                if (back[t]) {
                    continue;
                }
                Solution first = outs[0].get(laneOfZero[0]);
                Solution other = outs[t].get(laneOfZero[t]);
                assertEquals(outs[0].iterations(laneOfZero[0]), outs[t].iterations(laneOfZero[t]), "iterations, tile " + t);
                assertTrue(java.util.Arrays.equals(first.x(), other.x()), "x, tile " + t);
                assertTrue(java.util.Arrays.equals(first.y(), other.y()), "y, tile " + t);
                assertTrue(java.util.Arrays.equals(first.s(), other.s()), "s, tile " + t);
            }
        }
    }

    @Test
    void laneIterationsCountWhatTheTilesComputed() {
        // Every lane of a tile computes every step, so a tile of eight costs eight times its slowest
        // lane's iterations; one instance at a time costs its own.
        BatchConeProgram batch = RandomQps.batch(10, 20, 21, false, 3);
        BatchSolution tiled = solve(batch, true);
        long expected = 0;
        for (int first = 0; first < batch.batch(); first += 8) {
            int slowest = 0;
            for (int b = first; b < Math.min(first + 8, batch.batch()); b++) {
                assertEquals(SolverStatus.SOLVED, tiled.status(b), "instance " + b);
                slowest = Math.max(slowest, tiled.iterations(b));
            }
            expected += 8L * slowest;
        }
        assertEquals(expected, tiled.laneIterations());
        assertTrue(tiled.laneIterations() > tiled.totalIterations(), "the iterations differ across lanes");
        BatchSolution single = solve(batch, false);
        assertEquals(single.totalIterations(), single.laneIterations());
    }

    /** The instances {@code picked} of {@code source} as a batch of their own (per-instance values). */
    private static BatchConeProgram select(BatchConeProgram source, int[] picked) {
        ConeProgram[] ps = new ConeProgram[picked.length];
        for (int k = 0; k < picked.length; k++) {
            ps[k] = source.instance(picked[k]);
        }
        return ProgramBatches.perInstance(ps);
    }

    /** {@code count} copies of one program as a batch (matrices shared). */
    private static BatchConeProgram replicate(ConeProgram p, int count) {
        return new BatchConeProgram(p.p() == null ? null : p.p().pattern(),
                p.p() == null ? null : BatchArray.shared(p.p().values(), count), p.a().pattern(),
                BatchArray.shared(p.a().values(), count), BatchArray.shared(p.b(), count),
                BatchArray.shared(p.c(), count), p.cones());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "netlib/afiro.mps, -4.6475314286E+02",
            "netlib/sc50a.mps, -6.4575077059E+01",
            "netlib/blend.mps, -3.0812149846E+01",
            "maros_meszaros/HS21.qps, 0.04",
            "maros_meszaros/HS35.qps, -8.8888888889",
            "maros_meszaros/HS118.qps, 664.82045",
            "maros_meszaros/QAFIRO.qps, -1.5907817939",
            "maros_meszaros/DUALC1.qps, 6155.2508295"})
    void solvesBundledProblemsInTilesToTheirPublishedOptima(String file, double optimum) throws Exception {
        FileProblem problem = ProblemReader.read(Paths.get(getClass().getResource("/problems/" + file).toURI()));
        ConeProgram p = problem.program();
        BatchConeProgram three = replicate(p, 3);
        // The dense reduction forced: the sparse factorization would be chosen for some of these.
        assertTrue(InteriorPointSolver.tileable(new IpmLayout(three, NewtonSystemChoice.DENSE)), file);
        BatchSolution out = InteriorPointSolver.solve(three, IPM, ExecutionSettings.defaults(), null,
                NewtonSystemChoice.DENSE, true);
        for (int b = 0; b < 3; b++) {
            assertEquals(SolverStatus.SOLVED, out.status(b), file);
            double objective = problem.fileObjective(out.objective(b));
            double rel = Math.abs(objective - optimum) / Math.max(1, Math.abs(optimum));
            assertTrue(rel <= 1e-7, file + ": objective " + objective + " vs " + optimum + " (relative " + rel + ")");
        }
    }

    @Test
    void eachLaneGetsItsOwnOutcome() {
        // min cᵀx s.t. x1 + x2 = 1, x ≥ 0, with b and c per instance: solvable, infeasible (x1 + x2 = −1),
        // unbounded (c = (−1, 0) and no equality binding x1: x1 − x2 = 0), solvable again.
        CscMatrix a = CscMatrix.fromDense("A", new double[][] {{1, 1}, {-1, 0}, {0, -1}});
        ConeDims cones = ConeDims.builder().zero(1).nonneg(2).build();
        CscMatrix aUnbounded = CscMatrix.fromDense("A", new double[][] {{1, -1}, {-1, 0}, {0, -1}});
        double[][] av = {a.values(), a.values(), aUnbounded.values(), a.values()};
        double[][] bv = {{1, 0, 0}, {-1, 0, 0}, {0, 0, 0}, {2, 0, 0}};
        double[][] cv = {{1, 2}, {1, 2}, {-1, 0}, {3, 1}};
        BatchConeProgram batch = new BatchConeProgram(null, null, a.pattern(), BatchArray.perInstance(av),
                BatchArray.perInstance(bv), BatchArray.perInstance(cv), cones);
        BatchSolution out = solve(batch, true);
        assertEquals(SolverStatus.SOLVED, out.status(0));
        assertEquals(1, out.objective(0), 1e-8);
        assertEquals(SolverStatus.INFEASIBLE, out.status(1));
        ConeProgram infeasible = batch.instance(1);
        double[] y = out.get(1).certificate();
        assertEquals(-1, Kkt.bTy(infeasible, y), 1e-9, "normalized to bᵀy = −1");
        assertTrue(Kkt.normATy(infeasible, y) <= 1e-7, "Aᵀy ≈ 0");
        assertEquals(SolverStatus.UNBOUNDED, out.status(2));
        double[] x = out.get(2).certificate();
        ConeProgram unbounded = batch.instance(2);
        assertEquals(-1, unbounded.c()[0] * x[0] + unbounded.c()[1] * x[1], 1e-9, "normalized to cᵀx = −1");
        assertEquals(SolverStatus.SOLVED, out.status(3));
        assertEquals(2, out.objective(3), 1e-8);
    }

    @Test
    void aNonConvexInstanceFailsAloneInItsTile() {
        BatchConeProgram good = RandomQps.batch(6, 12, 5, false, 9);
        double[][] p = new double[5][];
        for (int k = 0; k < 5; k++) {
            p[k] = good.pValues().instance(k);
        }
        for (int q = 0; q < p[2].length; q++) {
            p[2][q] = -p[2][q]; // negative definite
        }
        BatchConeProgram batch = new BatchConeProgram(good.pPattern(), BatchArray.perInstance(p), good.aPattern(),
                good.aValues(), good.b(), good.c(), good.cones());
        BatchSolution tiled = solve(batch, true);
        BatchSolution single = solve(batch, false);
        for (int k = 0; k < 5; k++) {
            SolverStatus expected = k == 2 ? SolverStatus.FAILED : SolverStatus.SOLVED;
            assertEquals(expected, tiled.status(k), "instance " + k);
            assertEquals(expected, single.status(k), "instance " + k);
        }
        assertTrue(Kkt.maxDiff(single.get(4).x(), tiled.get(4).x()) <= 1e-7);
    }

    @Test
    void theTileJudgesConvexityAsOneInstanceDoes() {
        // P = Σ_k w_k·v_k·v_kᵀ with weights per instance: definite, singular, faintly and clearly indefinite.
        BatchConeProgram good = RandomQps.batch(6, 12, 8, false, 11);
        var pp = good.pPattern();
        java.util.Random rnd = new java.util.Random(4);
        double[][] v = new double[6][6];
        for (double[] row : v) {
            for (int i = 0; i < 6; i++) {
                row[i] = rnd.nextGaussian();
            }
        }
        double[][] weights = {
            {1, 1, 1, 1, 1, 1}, {1, 1, 1, 0, 0, 0}, {1, 1, 1, 1, 1, -1e-7}, {1, 1, 1, 1, 1, -1e-3},
            {0, 0, 0, 0, 0, 0}, {1e-9, 1, 1, 1, 1, 1}, {1, -1, 1, 1, 1, 1}, {2, 2, 2, 2, 2, 2}};
        double[][] p = new double[8][pp.nnz()];
        for (int k = 0; k < 8; k++) {
            for (int j = 0; j < 6; j++) {
                for (int q = pp.colStart(j); q < pp.colStart(j + 1); q++) {
                    int i = pp.rowIndex(q);
                    for (int t = 0; t < 6; t++) {
                        p[k][q] += weights[k][t] * v[t][i] * v[t][j];
                    }
                }
            }
        }
        BatchConeProgram batch = new BatchConeProgram(pp, BatchArray.perInstance(p), good.aPattern(), good.aValues(),
                good.b(), good.c(), good.cones());
        BatchSolution tiled = solve(batch, true);
        BatchSolution single = solve(batch, false);
        for (int k = 0; k < 8; k++) {
            assertEquals(single.status(k) == SolverStatus.FAILED, tiled.status(k) == SolverStatus.FAILED,
                    "instance " + k + ": " + single.status(k) + " alone, " + tiled.status(k) + " in the tile");
        }
        assertEquals(SolverStatus.FAILED, tiled.status(3), "clearly indefinite");
        assertEquals(SolverStatus.FAILED, tiled.status(6), "indefinite");
        for (int k : new int[] {0, 1, 4, 5, 7}) {
            assertTrue(tiled.status(k) != SolverStatus.FAILED, "positive semidefinite instance " + k);
        }
    }

    @Test
    void batchesRunInTilesWhereTheStructureAllows() {
        assertTrue(InteriorPointSolver.tiles(new IpmLayout(RandomQps.batch(10, 20, 16, false, 3)), 16, 8));
        assertTrue(!InteriorPointSolver.tiles(new IpmLayout(RandomQps.batch(10, 20, 1, false, 3)), 1, 1),
                "one instance runs alone");
        BatchConeProgram soc = replicate(PlantedPrograms.generate(
                ConeDims.builder().nonneg(4).soc(3, 3).build(), 5, 1.0, false, 1).program(), 4);
        assertTrue(InteriorPointSolver.tiles(new IpmLayout(soc), 4, 8), "second-order cones run in tiles too");
    }

    @Test
    void agreesOnPlantedSecondOrderConePrograms() {
        ConeDims[] shapes = {
                ConeDims.builder().nonneg(6).soc(4, 3, 5).build(),
                ConeDims.builder().zero(3).nonneg(10).soc(6, 2, 4).build(),
                ConeDims.builder().soc(5, 5, 5, 3).build()};
        for (ConeDims cones : shapes) {
            for (boolean withP : new boolean[] {false, true}) {
                BatchConeProgram batch = plantedBatch(cones, 8, withP, 11);
                String name = (withP ? "planted QP " : "planted SOCP ") + cones;
                // x is not compared: these optima need not be unique (on one program the two runs' x differ
                // by 1.5e-3 along the optimal face, at objectives equal to 2e-12 and gaps of 3e-10). The
                // KKT residuals, the objectives and the cone membership below certify each solution.
                assertAgree(batch, name, Double.POSITIVE_INFINITY);
                assertInCones(batch, solve(batch, true), name);
            }
        }
    }

    /** s in K and y in K* (the second-order cone is self-dual) for every solved lane, to 1e-9 of its scale. */
    private static void assertInCones(BatchConeProgram batch, BatchSolution out, String name) {
        for (int b = 0; b < batch.batch(); b++) {
            Solution sol = out.get(b);
            double scale = 1 + Kkt.maxAbs(sol.s()) + Kkt.maxAbs(sol.y());
            assertTrue(Kkt.distanceToCone(batch.cones(), sol.s()) <= 1e-9 * scale, name + " instance " + b + ": s");
            assertTrue(Kkt.distanceToDualCone(batch.cones(), sol.y()) <= 1e-9 * scale, name + " instance " + b + ": y");
        }
    }

    @Test
    void theTilesSolveTheirSecondOrderConeLanesThemselves() {
        // Without this, agreement would hold if the tile handed every lane back to the single-instance method.
        int back = handedBack(plantedBatch(ConeDims.builder().nonneg(6).soc(4, 3, 5).build(), 8, false, 11))
                + handedBack(plantedBatch(ConeDims.builder().nonneg(6).soc(4, 3, 5).build(), 8, true, 11));
        assertTrue(back <= 2, back + " of 22 handed back");
    }

    @Test
    void aLaneWithConesKeepsItsResultAtTheDeadline() {
        // A lane with cones that stops short of SOLVED is normally handed back to the single-instance
        // method; past the deadline that method would stop at its starting point, so the lane keeps its own.
        BatchConeProgram batch = plantedBatch(ConeDims.builder().nonneg(6).soc(4, 3, 5).build(), 8, false, 8);
        TileInteriorPointMethod method = new TileInteriorPointMethod(new IpmLayout(batch), 8);
        BatchSolution.Builder out = BatchSolution.builder(batch.batch(), batch.n(), batch.m());
        int[] back = method.solve(batch, 0, 8, IPM, System.nanoTime() - 1, null, out);
        assertEquals(0, back.length, "handed back past the deadline");
        BatchSolution solved = out.build();
        for (int b = 0; b < 8; b++) {
            assertTrue(solved.status(b) != SolverStatus.SOLVED, "instance " + b + ": " + solved.status(b));
            assertTrue(Double.isFinite(solved.get(b).primalResidual()), "instance " + b + " has its residuals");
        }
    }
}
