// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract runs CG with every solve at the floor tolerance; the schedule, the warm starts and
 * the accurate first solve after a factorization are tested below.
 */
class ConjugateGradientTest extends LinearSystemContract {
    @Override
    LinearSystem create(TileMatrices mats) {
        return new ConjugateGradient(mats, new ConjugateGradient.Settings(1e-12, 1.5, 1e-12, 20 * mats.n()));
    }

    @Override
    boolean shared() {
        return false;
    }

    @Override
    double errorTolerance() {
        return 1e-8;
    }

    @Test
    void toleranceScheduleDecaysToTheFloor() {
        RandomKkt kkt = RandomKkt.create(3, RandomKkt.Spec.of(5, 6, 2, 0.5));
        ConjugateGradient cg = new ConjugateGradient(kkt.mats);
        assertEquals(0.1, cg.toleranceForCall(0), 1e-15);
        assertEquals(0.1 / Math.pow(10, 1.5), cg.toleranceForCall(9), 1e-15);
        assertEquals(1e-12, cg.toleranceForCall(1_000_000_000L), 0);
        assertEquals("cg", cg.name());
        assertFalse(cg.sharedFactor());
    }

    @Test
    void firstSolveAfterFactorIsAccurateWithTheDefaultSchedule() {
        RandomKkt kkt = RandomKkt.create(5, RandomKkt.Spec.of(20, 30, 3, 0.2));
        ConjugateGradient cg = new ConjugateGradient(kkt.mats);
        double[] rhoY = kkt.rhoY(0.5, 5, false);
        cg.factor(0.1, rhoY);
        double[] rhs = kkt.rhs();
        double[] sol = rhs.clone();
        cg.solve(sol);
        for (int l = 0; l < 3; l++) {
            assertTrue(kkt.relativeResidual(l, 0.1, rhoY, rhs, sol) <= 1e-10);
        }
        int accurate = cg.lastIterations();
        // the next solve follows the schedule: tolerance 0.1, from x = 0
        double[] loose = rhs.clone();
        cg.solve(loose);
        assertTrue(cg.lastIterations() < accurate, cg.lastIterations() + " vs " + accurate);
        double res = 0;
        for (int l = 0; l < 3; l++) {
            res = Math.max(res, kkt.relativeResidual(l, 0.1, rhoY, rhs, loose));
        }
        assertTrue(res > 1e-9, "loose solve residual " + res);
    }

    @Test
    void warmStartedSolvesConvergeAsTheToleranceTightens() {
        RandomKkt kkt = RandomKkt.create(7, RandomKkt.Spec.of(40, 60, 8, 0.1));
        ConjugateGradient cg = new ConjugateGradient(kkt.mats, new ConjugateGradient.Settings(1e-2, 4, 1e-12, 0));
        double[] rhoY = kkt.rhoY(0.2, 10, false);
        cg.factor(1e-3, rhoY);
        double[] rhs = kkt.rhs();
        cg.solve(rhs.clone());
        int cold = cg.lastIterations();
        int total = 0;
        double[] sol = null;
        for (int call = 0; call < 120; call++) {
            sol = rhs.clone();
            cg.solve(sol);
            total += cg.lastIterations();
        }
        for (int l = 0; l < 8; l++) {
            assertTrue(kkt.relativeResidual(l, 1e-3, rhoY, rhs, sol) <= 1e-10, "lane " + l);
            assertTrue(kkt.relativeError(l, sol, kkt.reference(l, 1e-3, rhoY, rhs)) <= 1e-8, "lane " + l);
        }
        // warm starts: 120 solves cost far fewer iterations than 120 cold solves to the floor
        assertTrue(total < 120 * cold / 4, "total iterations " + total + ", cold solve " + cold);
        // converged: solving again at the floor needs almost nothing
        cg.solve(rhs.clone());
        assertTrue(cg.lastIterations() <= 3, "iterations " + cg.lastIterations());
    }

    @Test
    void zeroRightHandSideGivesZero() {
        RandomKkt kkt = RandomKkt.create(9, RandomKkt.Spec.of(8, 10, 3, 0.3));
        ConjugateGradient cg = new ConjugateGradient(kkt.mats);
        cg.factor(0.1, kkt.rhoY(0.5, 0, false));
        cg.solve(kkt.rhs());
        double[] zero = new double[18 * 3];
        cg.solve(zero);
        for (double v : zero) {
            assertEquals(0.0, v, 0.0);
        }
    }
}
