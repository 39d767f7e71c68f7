// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import io.convexlayers.backend.ConeSolver;
import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.PolishStatus;
import io.convexlayers.solver.Solution;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import io.convexlayers.testing.Kkt;
import io.convexlayers.testing.PlantedPrograms;
import io.convexlayers.testing.ProgramBatches;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The derivative refines a first-order solution before differentiating it ({@link SolutionRefinement}):
 * at the default tolerance its gradients agree with the gradient at the planted exact solution — the
 * independent truth of {@link PlantedPrograms} — as closely as rounding allows, for every cone family,
 * where the unrefined point's gradient is off by the forward error.
 */
class RefinedDerivativeTest {
    private static final SolverSettings FIRST_ORDER = SolverSettings.defaults().withAlgorithm(Algorithm.FIRST_ORDER)
            .withPolish(false);

    @Test
    void everyConeFamilyAtTheDefaultEpsGivesTheGradientOfThePlantedSolution() {
        for (long seed = 1; seed <= 6; seed++) {
            ConeDims cones = PlantedPrograms.mixedCones(seed);
            PlantedPrograms.Planted pl = PlantedPrograms.generate(cones, 40, 0.6, true, seed);
            ConeProgram p = pl.program();
            Solution sol = ConeSolver.solve(p, FIRST_ORDER);
            assertEquals(SolverStatus.SOLVED, sol.status());
            Random rnd = new Random(seed + 100);
            double[] db = gaussian(p.m(), rnd);
            double[] dc = gaussian(p.n(), rnd);

            JvpResult truth = jvp(p, planted(pl), DerivativeSettings.defaults(), db, dc);
            assertEquals(0, truth.info()[0].refinementSteps(), "the planted point is exact already");
            JvpResult refined = jvp(p, sol, DerivativeSettings.defaults(), db, dc);
            JvpResult plain = jvp(p, sol, DerivativeSettings.defaults().withRefine(false), db, dc);

            double scale = 1 + Kkt.maxAbs(truth.dx().instance(0)) + Kkt.maxAbs(truth.dy().instance(0));
            double errRefined = error(refined, truth) / scale;
            double errPlain = error(plain, truth) / scale;
            DerivativeInfo info = refined.info()[0];
            String what = "seed " + seed + " " + cones + ": refined " + errRefined + ", plain " + errPlain + ", " + info;
            assertTrue(info.refinementSteps() >= 1, what);
            assertTrue(errRefined <= 1e-8, what);
            assertTrue(errPlain >= 100 * errRefined, what);
            assertTrue(info.estimatedError() <= SolutionRefinement.REFINE_ABOVE, what);
            assertEquals(DerivativeQuality.ACCURATE, info.quality(), what);
            assertEquals(0, plain.info()[0].refinementSteps());
        }
    }

    /** The adjoint identity ⟨J·v, w⟩ = ⟨v, Jᵀ·w⟩ holds at the refined point: JVP and VJP refine alike. */
    @Test
    void jvpAndVjpAreAdjointAtTheRefinedPoint() {
        ConeDims cones = ConeDims.builder().zero(2).nonneg(20).soc(4, 3).exp(2).build();
        PlantedPrograms.Planted pl = PlantedPrograms.generate(cones, 25, 0.6, true, 9);
        ConeProgram p = pl.program();
        Solution sol = ConeSolver.solve(p, FIRST_ORDER);
        Random rnd = new Random(3);
        double[] db = gaussian(p.m(), rnd);
        double[] dc = gaussian(p.n(), rnd);
        double[] wx = gaussian(p.n(), rnd);
        JvpResult j = jvp(p, sol, DerivativeSettings.defaults(), db, dc);
        VjpResult v = SolutionDerivative.at(p, sol, DerivativeSettings.defaults())
                .vjp(BatchArray.shared(wx, 1), null, null);
        assertTrue(j.info()[0].refinementSteps() >= 1 && v.info()[0].refinementSteps() >= 1);
        double left = dot(j.dx().instance(0), wx);
        double right = dot(v.db().instance(0), db) + dot(v.dc().instance(0), dc);
        assertEquals(left, right, 1e-9 * (1 + Math.abs(left)));
    }

    /**
     * An exact point (the planted solution) is differentiated as it is, bit for bit; an interior-point
     * solution (about 1e-8 from it here) is refined too, and its gradient moves by about that distance.
     */
    @Test
    void anExactPointIsLeftAloneAndAnInteriorPointSolutionIsFinished() {
        ConeDims cones = ConeDims.builder().zero(3).nonneg(40).build();
        PlantedPrograms.Planted pl = PlantedPrograms.generate(cones, 30, 0.5, true, 2);
        ConeProgram p = pl.program();
        double[] db = gaussian(p.m(), new Random(5));
        JvpResult exactOn = jvp(p, planted(pl), DerivativeSettings.defaults(), db, null);
        JvpResult exactOff = jvp(p, planted(pl), DerivativeSettings.defaults().withRefine(false), db, null);
        assertEquals(0, exactOn.info()[0].refinementSteps(), exactOn.info()[0]::toString);
        assertArrayEquals(exactOff.dx().instance(0), exactOn.dx().instance(0), 0.0);

        Solution ipm = ConeSolver.solve(p, SolverSettings.defaults().withAlgorithm(Algorithm.INTERIOR_POINT));
        JvpResult on = jvp(p, ipm, DerivativeSettings.defaults(), db, null);
        JvpResult off = jvp(p, ipm, DerivativeSettings.defaults().withRefine(false), db, null);
        double before = off.info()[0].estimatedError();
        String what = on.info()[0] + " vs " + off.info()[0];
        assertTrue(before > SolutionRefinement.REFINE_ABOVE, what);
        assertTrue(on.info()[0].refinementSteps() >= 1, what);
        assertTrue(on.info()[0].estimatedError() <= 1e-11, what);
        double scale = 1 + Kkt.maxAbs(exactOn.dx().instance(0));
        assertTrue(Kkt.maxDiff(on.dx().instance(0), exactOn.dx().instance(0)) <= 1e-10 * scale, what);
        double moved = Kkt.maxDiff(off.dx().instance(0), exactOn.dx().instance(0)) / scale;
        assertTrue(moved > 0.01 * before && moved < 100 * before, "moved " + moved + ", " + what);
    }

    /**
     * In a batch, each instance is refined by its own steps: a tile holding an infeasible instance and
     * solutions of different accuracy gives every instance the result it gets alone, bit for bit (the
     * lanes a step does not move keep their factorizations, which are the same).
     */
    @Test
    void eachInstanceOfABatchIsRefinedAsItWouldBeAlone() {
        ConeDims cones = ConeDims.builder().zero(2).nonneg(30).soc(5).build();
        ConeProgram pa = PlantedPrograms.generate(cones, 20, 0.6, true, 11).program();
        double[] bShift = pa.b();
        Random shift = new Random(4);
        for (int i = 0; i < bShift.length; i++) {
            bShift[i] += 0.01 * shift.nextGaussian();
        }
        ConeProgram pb = new ConeProgram(pa.p(), pa.a(), bShift, pa.c(), cones);
        Solution sa = ConeSolver.solve(pa, FIRST_ORDER);
        Solution sb = ConeSolver.solve(pb, SolverSettings.defaults().withAlgorithm(Algorithm.INTERIOR_POINT));
        Solution none = new Solution(SolverStatus.INFEASIBLE, new double[pa.n()], new double[pa.m()],
                new double[pa.m()], Double.NaN, Double.NaN, 10, 0, 0, 0, 1, 0, 0, PolishStatus.NOT_RUN,
                Algorithm.FIRST_ORDER);
        BatchConeProgram batch = new BatchConeProgram(pa.p().pattern(), BatchArray.shared(pa.p().values(), 3),
                pa.a().pattern(), BatchArray.shared(pa.a().values(), 3),
                BatchArray.perInstance(new double[][] {pa.b(), pb.b(), pa.b()}), BatchArray.shared(pa.c(), 3), cones);
        BatchSolution sols = BatchSolution.of(List.of(sa, sb, none));
        double[] db = gaussian(pa.m(), new Random(8));
        JvpResult together = SolutionDerivative.at(batch, sols, DerivativeSettings.defaults())
                .jvp(null, null, BatchArray.shared(db, 3), null);
        JvpResult aloneA = jvp(pa, sa, DerivativeSettings.defaults(), db, null);
        JvpResult aloneB = jvp(pb, sb, DerivativeSettings.defaults(), db, null);
        assertTrue(together.info()[0].refinementSteps() >= 1, together.info()[0]::toString);
        // Different step counts: in the last step one lane moves and the other keeps its factorization.
        assertTrue(together.info()[0].refinementSteps() != together.info()[1].refinementSteps(),
                together.info()[0] + " / " + together.info()[1]);
        assertEquals(aloneA.info()[0].refinementSteps(), together.info()[0].refinementSteps());
        assertEquals(aloneB.info()[0].refinementSteps(), together.info()[1].refinementSteps());
        assertArrayEquals(aloneA.dx().instance(0), together.dx().instance(0), 0.0);
        assertArrayEquals(aloneB.dx().instance(0), together.dx().instance(1), 0.0);
        assertEquals(DerivativeQuality.UNDEFINED, together.info()[2].quality());
        assertEquals(0, together.info()[2].refinementSteps());
        assertEquals(0, Kkt.maxAbs(together.dx().instance(2)));
    }

    /**
     * A batch of QPs goes through the active KKT solve, whose refinement judges each Newton step by the KKT
     * residuals before and after it: first-order solutions at the default eps are moved to the planted
     * exact points' gradients, and their estimated error is that of the moved point.
     */
    @Test
    void theActiveKktSolveRefinesABatchOfQps() {
        ConeDims cones = ConeDims.builder().zero(3).nonneg(40).build();
        int count = ActiveKktSolve.MIN_LANES; // a tile of eight: AUTO's active KKT solve
        ConeProgram[] ps = new ConeProgram[count];
        List<Solution> truths = new java.util.ArrayList<>();
        for (int k = 0; k < count; k++) {
            PlantedPrograms.Planted pl = PlantedPrograms.generate(cones, 30, 1.0, true, 20 + k); // dense: one pattern
            ps[k] = pl.program();
            truths.add(planted(pl));
        }
        List<Solution> solved = new java.util.ArrayList<>();
        for (ConeProgram p : ps) {
            Solution sol = ConeSolver.solve(p, FIRST_ORDER);
            assertEquals(SolverStatus.SOLVED, sol.status());
            solved.add(sol);
        }
        BatchConeProgram batch = ProgramBatches.perInstance(ps);
        // A perturbation of A: with the active set held, the derivative in b or c does not depend on the
        // point, in A it does (through x and y).
        BatchArray dA = BatchArray.shared(gaussian(ps[0].a().values().length, new Random(6)), count);
        JvpResult truth = SolutionDerivative.at(batch, BatchSolution.of(truths), DerivativeSettings.defaults())
                .jvp(null, dA, null, null);
        JvpResult refined = SolutionDerivative.at(batch, BatchSolution.of(solved), DerivativeSettings.defaults())
                .jvp(null, dA, null, null);
        JvpResult plain = SolutionDerivative.at(batch, BatchSolution.of(solved),
                DerivativeSettings.defaults().withRefine(false)).jvp(null, dA, null, null);
        double worstRefined = 0;
        double bestPlain = Double.POSITIVE_INFINITY;
        for (int k = 0; k < count; k++) {
            DerivativeInfo info = refined.info()[k];
            double scale = 1 + Kkt.maxAbs(truth.dx().instance(k));
            double errRefined = Kkt.maxDiff(refined.dx().instance(k), truth.dx().instance(k)) / scale;
            double errPlain = Kkt.maxDiff(plain.dx().instance(k), truth.dx().instance(k)) / scale;
            String what = "instance " + k + ": refined " + errRefined + ", plain " + errPlain + ", " + info;
            assertEquals(DerivativeMethod.ACTIVE_KKT, info.method(), what);
            assertTrue(info.refinementSteps() >= 1, what);
            assertTrue(info.estimatedError() <= SolutionRefinement.REFINE_ABOVE, what);
            assertTrue(plain.info()[k].estimatedError() > SolutionRefinement.REFINE_ABOVE, what);
            worstRefined = Math.max(worstRefined, errRefined);
            bestPlain = Math.min(bestPlain, errPlain);
        }
        // Each step is judged by the residuals at the point it reaches: were they those of the point it
        // left, no step would be taken and the gradients would stay at the unrefined points'.
        assertTrue(worstRefined <= 1e-8 && bestPlain >= 100 * worstRefined, worstRefined + " refined, " + bestPlain
                + " plain");
    }

    private static JvpResult jvp(ConeProgram p, Solution sol, DerivativeSettings settings, double[] db, double[] dc) {
        return SolutionDerivative.at(p, sol, settings).jvp(null, null, BatchArray.shared(db, 1),
                dc == null ? null : BatchArray.shared(dc, 1));
    }

    private static Solution planted(PlantedPrograms.Planted pl) {
        return new Solution(SolverStatus.SOLVED, pl.x().clone(), pl.y().clone(), pl.s().clone(), 0, 0, 0, 0, 0, 0, 1,
                0, 0, PolishStatus.NOT_RUN, Algorithm.FIRST_ORDER);
    }

    private static double error(JvpResult r, JvpResult truth) {
        return Math.max(Kkt.maxDiff(r.dx().instance(0), truth.dx().instance(0)),
                Kkt.maxDiff(r.dy().instance(0), truth.dy().instance(0)));
    }

    private static double dot(double[] u, double[] v) {
        double acc = 0;
        for (int i = 0; i < u.length; i++) {
            acc += u[i] * v[i];
        }
        return acc;
    }

    private static double[] gaussian(int n, Random rnd) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextGaussian();
        }
        return v;
    }
}
