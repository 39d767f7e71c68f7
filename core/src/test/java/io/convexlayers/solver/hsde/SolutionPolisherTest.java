// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.hsde;

import io.convexlayers.backend.ConeSolver;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.io.FileProblem;
import io.convexlayers.io.ProblemReader;
import io.convexlayers.solver.Acceleration;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.LinearSystemKind;
import io.convexlayers.solver.PolishStatus;
import io.convexlayers.solver.Solution;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import io.convexlayers.testing.Kkt;
import io.convexlayers.testing.PlantedPrograms;
import io.convexlayers.testing.ProgramBatches;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Solution polishing against independent truth: planted optima (unique for a positive definite P
 * with strict complementarity), published NETLIB/Maros–Meszaros optima of bundled files, KKT
 * residuals recomputed here, and a rejected polish leaving the solver's point bit for bit.
 */
class SolutionPolisherTest {
    /** The default tolerance: the goal is 1e-10 residuals from a solve at eps 1e-5. */
    /** Polishing finishes the first-order method; AUTO would give these small programs to the interior-point one. */
    private static final SolverSettings FO = SolverSettings.defaults().withAlgorithm(Algorithm.FIRST_ORDER);
    private static final SolverSettings LOOSE = FO.withEps(1e-5);

    private static ConeDims lpCones() {
        return ConeDims.builder().zero(3).nonneg(40).build();
    }

    @Test
    void polishedPlantedQpsMatchTheirKnownSolutionToTenDigitsFromAnEps1e5Solve() {
        for (long seed = 1; seed <= 4; seed++) {
            PlantedPrograms.Planted pl = PlantedPrograms.generate(lpCones(), 15, 0.5, true, seed);
            Solution plain = ConeSolver.solve(pl.program(), LOOSE.withPolish(false));
            Solution polished = ConeSolver.solve(pl.program(), LOOSE.withPolish(true));
            double xScale = 1 + Kkt.maxAbs(pl.x());
            assertEquals(SolverStatus.SOLVED, polished.status());
            assertEquals(PolishStatus.SUCCEEDED, polished.polish(), "seed " + seed);
            assertEquals(PolishStatus.NOT_RUN, plain.polish());
            assertTrue(Kkt.maxDiff(polished.x(), pl.x()) <= 1e-10 * xScale,
                    "seed " + seed + ": |x - x*| = " + Kkt.maxDiff(polished.x(), pl.x()));
            // (y is not unique: about 23 active rows for 15 variables; the KKT check below covers it)
            assertTrue(Kkt.maxDiff(plain.x(), pl.x()) > 1e-8 * xScale,
                    "the loose solve alone is not that accurate (else this test shows nothing)");
            assertKktBelow(pl.program(), polished, 1e-11);
        }
    }

    /**
     * The default rule (AUTO) polishes LP/QP first-order solutions on the CPU in batches of at least
     * eight whose polisher uses the dense factorization (where it was measured to cost about 1.1× the
     * solve), not single instances; the cone rule the CUDA backend keeps says no.
     */
    @Test
    void theDefaultRulePolishesDenseLpAndQpBatchesOfEightOnTheCpu() {
        assertFalse(SolverSettings.defaults().polishing().polishes(ConeDims.builder().zero(3).nonneg(40).build(), 20, 43));
        List<ConeProgram> programs = programs(plantedQps(8, 12, 700));
        BatchConeProgram eight = ProgramBatches.perInstance(programs);
        assertFalse(SolutionPolisher.polishes(LOOSE, eight));
        assertTrue(new SolutionPolisher.Workspace(eight).polishes(LOOSE));
        BatchSolution sol = ConeSolver.solveBatch(eight, LOOSE);
        for (int k = 0; k < 8; k++) {
            assertEquals(PolishStatus.SUCCEEDED, sol.polish(k), "instance " + k);
            assertKktBelow(programs.get(k), sol.get(k), 1e-10);
        }
        BatchConeProgram four = ProgramBatches.perInstance(programs.subList(0, 4));
        assertFalse(new SolutionPolisher.Workspace(four).polishes(LOOSE));
        BatchSolution fewer = ConeSolver.solveBatch(four, LOOSE);
        for (int k = 0; k < 4; k++) {
            assertEquals(PolishStatus.NOT_RUN, fewer.polish(k), "instance " + k);
        }
        assertFalse(new SolutionPolisher.Workspace(eight).polishes(LOOSE.withPolish(false)));
    }

    @Test
    void polishedPlantedLpReachesItsOptimalObjectiveAndFeasibility() {
        PlantedPrograms.Planted pl = PlantedPrograms.generate(lpCones(), 12, 0.6, false, 7);
        Solution polished = ConeSolver.solve(pl.program(), LOOSE.withPolish(true));
        double optimum = Kkt.cTx(pl.program(), pl.x());
        assertEquals(PolishStatus.SUCCEEDED, polished.polish());
        assertEquals(optimum, polished.objective(), 1e-10 * (1 + Math.abs(optimum)));
        assertKktBelow(pl.program(), polished, 1e-11);
    }

    /** Degenerate vertex (more active rows than variables, duplicated rows): the polish must stay on the face. */
    @Test
    void netlibAfiroPolishedToItsPublishedOptimum() throws Exception {
        assertPolishedOptimum("netlib/afiro.mps", -4.6475314286E+02, 1e-5);
    }

    @Test
    void marosMeszarosQpsPolishedToTheirPublishedOptima() throws Exception {
        assertPolishedOptimum("maros_meszaros/HS118.qps", 664.82045, 1e-5);
        assertPolishedOptimum("maros_meszaros/QAFIRO.qps", -1.5907817939, 1e-5);
        assertPolishedOptimum("maros_meszaros/CVXQP1_S.qps", 11590.718119, 1e-5);
    }

    /**
     * Under Anderson steps kb2 stalls for thousands of iterations before eps 1e-6; polishing finds its
     * vertex much earlier. (The anchored iteration AUTO gives LPs reaches eps 1e-6 in 4450 iterations with
     * or without polishing: its early points do not reveal the active set.)
     */
    @Test
    void netlibKb2SolvedWithinAnIterationBudgetTheUnpolishedSolveExceeds() throws Exception {
        FileProblem kb2 = ProblemReader.read(resource("netlib/kb2.mps"));
        SolverSettings budget = FO.withEps(1e-6).withMaxIters(2000).withAcceleration(Acceleration.ANDERSON);
        Solution plain = ConeSolver.solve(kb2.program(), budget.withPolish(false));
        Solution polished = ConeSolver.solve(kb2.program(), budget.withPolish(true));
        assertEquals(SolverStatus.SOLVED_INACCURATE, plain.status());
        assertEquals(SolverStatus.SOLVED, polished.status());
        assertEquals(PolishStatus.SUCCEEDED, polished.polish());
        assertEquals(-1.7499001299E+03, kb2.fileObjective(polished.objective()), 1e-9 * 1.75e3);
    }

    @Test
    void everyInstanceOfABatchIsPolishedOnItsOwn() {
        int batch = 5;
        List<PlantedPrograms.Planted> planted = plantedQps(batch, 10, 100);
        List<ConeProgram> programs = programs(planted);
        BatchConeProgram bp = ProgramBatches.perInstance(programs);
        BatchSolution sol = ConeSolver.solveBatch(bp, LOOSE.withPolish(true));
        for (int k = 0; k < batch; k++) {
            assertEquals(PolishStatus.SUCCEEDED, sol.polish(k), "instance " + k);
            Solution one = sol.get(k);
            assertTrue(Kkt.maxDiff(one.x(), planted.get(k).x()) <= 1e-10 * (1 + Kkt.maxAbs(planted.get(k).x())),
                    "instance " + k);
            assertKktBelow(programs.get(k), one, 1e-11);
        }
    }

    /**
     * Eleven planted QPs (a tile of eight and one of three padded to eight) polished from the same
     * loose points by the dense reduced Cholesky and by the sparse LDLᵀ: both accept the same ten (the
     * eleventh's loose point has a wrong active set), reach the planted optima to ten digits, and agree.
     * A lane's polished point does not depend on its tile mates: instance 5 polished alone (its tile
     * padded with copies of it), and again with the same workspace, gives the bits it got among the
     * eleven.
     */
    @Test
    void denseAndSparseFactorizationsPolishAlikeAndALaneIgnoresItsTileMates() {
        int batch = 11;
        List<PlantedPrograms.Planted> planted = plantedQps(batch, 12, 300);
        List<ConeProgram> programs = programs(planted);
        BatchConeProgram bp = ProgramBatches.perInstance(programs);
        BatchSolution loose = ConeSolver.solveBatch(bp, LOOSE.withPolish(false));
        SolverSettings polishing = LOOSE.withPolish(true);
        BatchSolution[] polished = new BatchSolution[2];
        LinearSystemKind[] kinds = {LinearSystemKind.DENSE, LinearSystemKind.SPARSE};
        for (int v = 0; v < 2; v++) {
            SolutionPolisher.Workspace ws = new SolutionPolisher.Workspace(bp, kinds[v]);
            BatchSolution.Builder out = copy(loose);
            SolutionPolisher.polish(ws, polishing, out, 0, batch, Deadline.NONE);
            assertEquals(v == 0 ? "dense-cholesky" : "sparse-ldl", ws.factorization());
            polished[v] = out.build();
        }
        int succeeded = 0;
        for (int k = 0; k < batch; k++) {
            assertEquals(polished[0].polish(k), polished[1].polish(k), "instance " + k);
            if (polished[0].polish(k) != PolishStatus.SUCCEEDED) {
                continue; // a wrong guess of the active set from the loose point, rejected by both
            }
            succeeded++;
            double[] truth = planted.get(k).x();
            double tol = 1e-10 * (1 + Kkt.maxAbs(truth));
            for (BatchSolution sol : polished) {
                assertTrue(Kkt.maxDiff(sol.get(k).x(), truth) <= tol, "instance " + k);
                assertKktBelow(programs.get(k), sol.get(k), 1e-11);
            }
            assertTrue(Kkt.maxDiff(polished[0].get(k).x(), polished[1].get(k).x()) <= tol, "instance " + k);
            assertTrue(Kkt.maxDiff(loose.get(k).x(), truth) > 1e-8, "the loose point is not the optimum already");
        }
        assertTrue(succeeded >= 10, succeeded + " of 11 polished");
        assertEquals("dense-cholesky", chosenFactorization(bp), "the polisher's own choice for small dense QPs");

        SolutionPolisher.Workspace ws = new SolutionPolisher.Workspace(bp, LinearSystemKind.DENSE);
        for (int round = 0; round < 2; round++) {
            BatchSolution.Builder out = copy(loose);
            SolutionPolisher.polish(ws, polishing, out, 5, 1, Deadline.NONE);
            Solution alone = out.build().get(5);
            assertArrayEquals(polished[0].get(5).x(), alone.x(), "round " + round);
            assertArrayEquals(polished[0].get(5).y(), alone.y(), "round " + round);
            assertArrayEquals(polished[0].get(5).s(), alone.s(), "round " + round);
        }
    }

    /**
     * A workspace with a home (the first-order tile it serves) polishes whole home tiles of eight,
     * their data gathered once: the requested instances get the bits the gathering workspace gives
     * them, unrequested ones are not written, a new home is loaded afresh, and an instance outside the
     * home is refused. A home of one instance is polished on one lane.
     */
    @Test
    void aHomeWorkspacePolishesWholeHomeTilesToTheSameBits() {
        int batch = 11;
        BatchConeProgram bp = ProgramBatches.perInstance(programs(plantedQps(batch, 12, 300)));
        BatchSolution loose = ConeSolver.solveBatch(bp, LOOSE.withPolish(false));
        SolverSettings polishing = LOOSE.withPolish(true);
        BatchSolution.Builder gatheredOut = copy(loose);
        SolutionPolisher.polish(new SolutionPolisher.Workspace(bp, LinearSystemKind.DENSE), polishing, gatheredOut, 0,
                batch, Deadline.NONE);
        BatchSolution gathered = gatheredOut.build();

        SolutionPolisher.Workspace home = new SolutionPolisher.Workspace(bp, LinearSystemKind.DENSE).home(0, batch);
        assertEquals(0, home.homeTile(7));
        assertEquals(1, home.homeTile(8));
        BatchSolution.Builder out = copy(loose);
        SolutionPolisher.polish(home, polishing, out, 9, 2, Deadline.NONE);
        BatchSolution some = out.build();
        for (int k = 0; k < batch; k++) {
            BatchSolution expected = k >= 9 ? gathered : loose;
            assertEquals(expected.polish(k), some.polish(k), "instance " + k);
            assertArrayEquals(expected.get(k).x(), some.get(k).x(), "instance " + k);
            assertArrayEquals(expected.get(k).y(), some.get(k).y(), "instance " + k);
            assertArrayEquals(expected.get(k).s(), some.get(k).s(), "instance " + k);
        }

        home.home(3, 5);
        assertEquals(-1, home.homeTile(2));
        assertEquals(0, home.homeTile(7));
        assertEquals(-1, home.homeTile(8));
        out = copy(loose);
        SolutionPolisher.polish(home, polishing, out, 3, 5, Deadline.NONE);
        BatchSolution rehomed = out.build();
        for (int k = 3; k < 8; k++) {
            assertEquals(gathered.polish(k), rehomed.polish(k), "instance " + k);
            assertArrayEquals(gathered.get(k).x(), rehomed.get(k).x(), "instance " + k);
            assertArrayEquals(gathered.get(k).y(), rehomed.get(k).y(), "instance " + k);
        }
        BatchSolution.Builder outside = copy(loose);
        assertThrows(IllegalArgumentException.class,
                () -> SolutionPolisher.polish(home, polishing, outside, 0, 1, Deadline.NONE));
        assertTrue(home.sharesAttempts());
        assertThrows(IllegalArgumentException.class, () -> home.home(10, 2), "a home past the batch's end");
        assertThrows(IllegalArgumentException.class, () -> home.home(-1, 1), "a home before its start");

        // A home of one instance is polished on one lane, unpadded: other sums, the same point to 1e-10.
        home.home(9, 1);
        assertFalse(home.sharesAttempts());
        out = copy(loose);
        SolutionPolisher.polish(home, polishing, out, 9, 1, Deadline.NONE);
        Solution single = out.build().get(9);
        assertEquals(gathered.polish(9), single.polish());
        assertTrue(Kkt.maxDiff(gathered.get(9).x(), single.x()) <= 1e-10 * (1 + Kkt.maxAbs(single.x())));
    }

    /**
     * Early polishing takes the tile's other running lanes along (they cost no factorization): some
     * instances of a tile of eight terminate, polished, at fewer iterations than each reaches on its
     * own schedule (a tile of eight copies of it, where no tile mate's attempt can carry it), none at
     * more; every instance still meets the KKT conditions to 1e-10.
     */
    @Test
    void earlyPolishingTakesTheTilesOtherLanesAlong() {
        int batch = 8;
        List<ConeProgram> programs = programs(plantedQps(batch, 12, 500));
        BatchConeProgram bp = ProgramBatches.perInstance(programs);
        SolverSettings polishing = LOOSE.withPolish(true);
        ExecutionSettings tiles = ExecutionSettings.defaults().withTileLanes(8);
        BatchSolution together = ConeSolver.solveBatch(bp, polishing, tiles, null);
        int earlier = 0;
        for (int k = 0; k < batch; k++) {
            assertEquals(PolishStatus.SUCCEEDED, together.polish(k), "instance " + k);
            assertKktBelow(programs.get(k), together.get(k), 1e-10);
            // Its own schedule: a tile of eight copies of it (every lane due at once, no rider).
            BatchConeProgram copies = ProgramBatches.perInstance(java.util.Collections.nCopies(8, programs.get(k)));
            int own = ConeSolver.solveBatch(copies, polishing, tiles, null).get(0).iterations();
            assertTrue(together.get(k).iterations() <= own, "instance " + k);
            earlier += together.get(k).iterations() < own ? 1 : 0;
        }
        assertTrue(earlier >= 1, "no instance rode along");
    }

    /**
     * {@code count} planted QPs with n variables, seeds {@code seed0 …}; density 1, so one pattern
     * serves every instance and the values differ.
     */
    private static List<PlantedPrograms.Planted> plantedQps(int count, int n, long seed0) {
        List<PlantedPrograms.Planted> planted = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            planted.add(PlantedPrograms.generate(lpCones(), n, 1.0, true, seed0 + k));
        }
        return planted;
    }

    private static List<ConeProgram> programs(List<PlantedPrograms.Planted> planted) {
        List<ConeProgram> programs = new ArrayList<>();
        for (PlantedPrograms.Planted pl : planted) {
            programs.add(pl.program());
        }
        return programs;
    }

    private static String chosenFactorization(BatchConeProgram bp) {
        SolutionPolisher.Workspace ws = new SolutionPolisher.Workspace(bp);
        SolutionPolisher.polish(ws, LOOSE.withPolish(true), copy(ConeSolver.solveBatch(bp, LOOSE.withPolish(false))),
                0, 1, Deadline.NONE);
        return ws.factorization();
    }

    private static BatchSolution.Builder copy(BatchSolution sol) {
        BatchSolution.Builder out = BatchSolution.builder(sol.batch(), sol.get(0).x().length, sol.get(0).y().length);
        for (int k = 0; k < sol.batch(); k++) {
            out.put(k, sol.get(k));
        }
        return out;
    }

    /** Acceptance needs a strictly smaller termination ratio: an exact point stays as it is, bit for bit. */
    @Test
    void aPolishedPointNoBetterThanTheSolversIsRejectedAndTheSolversPointKept() {
        // minimize x1 + 2·x2 s.t. x1 + x2 = 1, x ≥ 0: x = (1, 0), y = (−1, 0, 1), s = (0, 1, 0), all exact
        ConeProgram p = new ConeProgram(null, io.convexlayers.data.CscMatrix.fromDense("A",
                new double[][] {{1, 1}, {-1, 0}, {0, -1}}), new double[] {1, 0, 0}, new double[] {1, 2},
                ConeDims.builder().zero(1).nonneg(2).build());
        double[] x = {1, 0};
        double[] y = {-1, 0, 1};
        double[] s = {0, 1, 0};
        assertEquals(0, Kkt.primalResidual(p, x, s));
        assertEquals(0, Kkt.dualResidual(p, x, y));
        BatchSolution.Builder out = BatchSolution.builder(1, p.n(), p.m());
        out.put(0, new Solution(SolverStatus.SOLVED, x.clone(), y.clone(), s.clone(), 1, 1, 10, 0, 0, 0, 0.1,
                0, 0, PolishStatus.NOT_RUN, Algorithm.FIRST_ORDER));
        SolutionPolisher.polish(BatchConeProgram.of(p), LOOSE.withPolish(true), out, 0, 1, Deadline.NONE);
        Solution after = out.build().get(0);
        assertEquals(PolishStatus.REJECTED, after.polish());
        assertEquals(SolverStatus.SOLVED, after.status());
        assertArrayEquals(x, after.x());
        assertArrayEquals(y, after.y());
        assertArrayEquals(s, after.s());
    }

    /** A time limit is a limit: no factorization after it. */
    @Test
    void nothingIsPolishedOnceTheTimeLimitHasPassed() throws Exception {
        FileProblem kb2 = ProblemReader.read(resource("netlib/kb2.mps"));
        Solution sol = ConeSolver.solve(kb2.program(), FO.withTimeLimit(1e-9).withPolish(true));
        assertEquals(SolverStatus.SOLVED_INACCURATE, sol.status());
        assertEquals(PolishStatus.NOT_RUN, sol.polish());
    }

    @Test
    void otherConesGoToTheResidualMapPolisherAndSolutionlessInstancesAreNotPolished() {
        ConeDims socCones = ConeDims.builder().zero(1).nonneg(4).soc(3, 4).build();
        assertFalse(SolutionPolisher.supports(socCones));
        PlantedPrograms.Planted pl = PlantedPrograms.generate(socCones, 6, 0.7, true, 11);
        // Not this polisher's: the backend hands second-order cones to diff.ResidualMapPolisher.
        assertEquals(PolishStatus.SUCCEEDED, ConeSolver.solve(pl.program(), LOOSE.withPolish(true)).polish());

        // x ≥ 1 and x ≤ −1: infeasible
        ConeProgram infeasible = new ConeProgram(null,
                io.convexlayers.data.CscMatrix.fromDense("A", new double[][] {{-1}, {1}}), new double[] {-1, -1},
                new double[] {1}, ConeDims.builder().nonneg(2).build());
        Solution cert = ConeSolver.solve(infeasible, LOOSE.withPolish(true));
        assertEquals(SolverStatus.INFEASIBLE, cert.status());
        assertEquals(PolishStatus.NOT_RUN, cert.polish());
    }

    private static void assertPolishedOptimum(String file, double optimum, double eps) throws Exception {
        FileProblem fp = ProblemReader.read(resource(file));
        Solution sol = ConeSolver.solve(fp.program(), FO.withEps(eps).withPolish(true));
        assertEquals(SolverStatus.SOLVED, sol.status(), file);
        assertEquals(PolishStatus.SUCCEEDED, sol.polish(), file);
        // the published optima have 8 to 11 significant digits
        assertEquals(optimum, fp.fileObjective(sol.objective()), 2e-8 * Math.max(1, Math.abs(optimum)), file);
        assertKktBelow(fp.program(), sol, 1e-9);
    }

    /** Residuals recomputed here (not the solver's), relative to the data's size, and cone membership. */
    private static void assertKktBelow(ConeProgram p, Solution sol, double tol) {
        double scale = 1 + Math.max(Kkt.maxAbs(p.b()), Kkt.maxAbs(p.c()));
        assertTrue(Kkt.primalResidual(p, sol.x(), sol.s()) <= tol * scale,
                "primal residual " + Kkt.primalResidual(p, sol.x(), sol.s()));
        assertTrue(Kkt.dualResidual(p, sol.x(), sol.y()) <= tol * scale,
                "dual residual " + Kkt.dualResidual(p, sol.x(), sol.y()));
        assertTrue(Kkt.distanceToCone(p.cones(), sol.s()) <= tol * scale);
        assertTrue(Kkt.distanceToDualCone(p.cones(), sol.y()) <= tol * scale);
        double gap = Math.abs(sol.objective() - sol.dualObjective());
        assertTrue(gap <= tol * (1 + Math.abs(sol.objective())) * 10, "gap " + gap);
    }

    private static Path resource(String relative) throws URISyntaxException {
        return Path.of(SolutionPolisherTest.class.getResource("/problems/" + relative).toURI());
    }
}
