// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import io.convexlayers.backend.ConeSolver;
import io.convexlayers.data.BatchArray;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.solver.PolishStatus;
import io.convexlayers.solver.Solution;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.testing.Kkt;
import io.convexlayers.testing.PlantedPrograms;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The derivative at a polished solution: at the default eps 1e-5 with polishing on, a QP's JVP matches central finite differences of exact re-solves as closely as the derivative at an
 * eps-1e-10 solution does, and far more closely than the derivative at the unpolished default
 * solution — which the flag now says: POOR for INACCURATE_FORWARD. (Near a QP's solution with a stable active set the solution map is affine, so central
 * differences of polished re-solves are exact up to rounding.)
 */
class PolishedDerivativeTest {
    /** Polishing finishes the first-order method; AUTO would give this small QP to the interior-point one. */
    private static final SolverSettings FIRST_ORDER = SolverSettings.defaults().withAlgorithm(Algorithm.FIRST_ORDER);

    @Test
    void polishedGradientAtTheDefaultEpsIsAsAccurateAsAtEps1e10() {
        ConeDims cones = ConeDims.builder().zero(3).nonneg(40).build();
        for (long seed = 1; seed <= 3; seed++) {
            PlantedPrograms.Planted pl = PlantedPrograms.generate(cones, 30, 0.5, true, seed); // about 23 active rows < 30: no kink
            ConeProgram p = pl.program();
            double[] db = gaussian(p.m(), new Random(seed + 50));

            double[] fd = finiteDifference(p, db, 1e-4);
            double scale = 1 + Kkt.maxAbs(fd);
            double errPolished = Kkt.maxDiff(jvp(p, FIRST_ORDER.withPolish(true), db, true,
                    DerivativeQuality.ACCURATE), fd) / scale;
            double errTight = Kkt.maxDiff(jvp(p, FIRST_ORDER.withEps(1e-10).withPolish(false), db,
                    false, DerivativeQuality.ACCURATE), fd) / scale;
            // The unpolished default solution's gradient is off by far more than the accurate threshold
            // (1e-6), and the flag says so.
            double errPlain = Kkt.maxDiff(jvp(p, FIRST_ORDER.withPolish(false), db, false,
                    DerivativeQuality.POOR), fd) / scale;
            assertTrue(errPolished <= 1e-8, "seed " + seed + ": polished default " + errPolished);
            assertTrue(errPolished <= Math.max(10 * errTight, 1e-9),
                    "seed " + seed + ": polished " + errPolished + " vs eps 1e-10 " + errTight);
            assertTrue(errPlain > 100 * errPolished,
                    "seed " + seed + ": the unpolished default is visibly worse: " + errPlain + " vs " + errPolished);
        }
    }

    private static double[] jvp(ConeProgram p, SolverSettings settings, double[] db, boolean polished,
                                DerivativeQuality expected) {
        Solution sol = ConeSolver.solve(p, settings);
        assertEquals(polished ? PolishStatus.SUCCEEDED : PolishStatus.NOT_RUN, sol.polish());
        // Refinement off: this test is about the point the forward solve returned (RefinedDerivativeTest
        // covers refining it in the derivative).
        // DENSE: the residual map's derivative at that point, which carries its forward error (AUTO's active
        // KKT solve does not for a perturbation of b: its matrix depends only on the active set).
        JvpResult r = SolutionDerivative.at(p, sol, DerivativeSettings.defaults().withRefine(false)
                        .withMode(DerivativeMode.DENSE))
                .jvp(null, null, BatchArray.shared(db, 1), null);
        assertEquals(expected, r.info()[0].quality());
        assertEquals(expected == DerivativeQuality.ACCURATE ? DerivativeIssue.NONE : DerivativeIssue.INACCURATE_FORWARD,
                r.info()[0].issue());
        return r.dx().instance(0);
    }

    /** (x(b + h·db) − x(b − h·db)) / 2h from polished solves at eps 1e-9. */
    private static double[] finiteDifference(ConeProgram p, double[] db, double h) {
        SolverSettings exact = FIRST_ORDER.withEps(1e-9).withPolish(true);
        double[] plus = ConeSolver.solve(shifted(p, db, h), exact).x();
        double[] minus = ConeSolver.solve(shifted(p, db, -h), exact).x();
        double[] out = new double[plus.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = (plus[j] - minus[j]) / (2 * h);
        }
        return out;
    }

    private static ConeProgram shifted(ConeProgram p, double[] db, double h) {
        double[] b = p.b();
        for (int i = 0; i < b.length; i++) {
            b[i] += h * db[i];
        }
        return new ConeProgram(p.p(), p.a(), b, p.c(), p.cones());
    }

    private static double[] gaussian(int n, Random rnd) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextGaussian();
        }
        return v;
    }
}
