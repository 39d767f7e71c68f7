// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.testing.PlantedPrograms;
import org.junit.jupiter.api.Test;

import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link NewtonSystem}'s rule for its static regularization δ, on a scripted system whose refined
 * solve accuracy is a function of δ: it lowers δ where a solve stays inaccurate and keeps the better
 * solve, undoes a lowering that does not help and settles, returns to the first δ when a solve
 * at a lowered δ breaks down, and raises it when the first δ breaks down — also when the broken solve's residual is NaN (NETLIB d2q06c stopped
 * with a NaN step because NaN compared as "not worse"). The end-to-end effect is tested on the
 * bundled problems in {@link InteriorPointSolverTest}.
 */
class NewtonSystemRegularizationTest {
    /** A Newton system whose solve reports {@code accuracy(δ)} and writes δ into x[0]. */
    private static final class Scripted extends NewtonSystem {
        DoubleUnaryOperator accuracy;
        int factorizations;
        double factoredWith;

        Scripted(DoubleUnaryOperator accuracy) {
            super(new IpmLayout(BatchConeProgram.of(PlantedPrograms.generate(
                    ConeDims.builder().zero(2).nonneg(8).build(), 5, 0.8, true, 1).program())));
            this.accuracy = accuracy;
        }

        @Override
        void factor(ScaledInstance data, NtScaling scaling) {
            factorizations++;
            factoredWith = staticReg();
        }

        @Override
        void factoredSolve(double[] r1, double[] r2, double[] x, double[] z) {
            throw new AssertionError("attempt is scripted");
        }

        @Override
        double attempt(double[] r1, double[] r2, double[] x, double[] z) {
            x[0] = factoredWith;
            return accuracy.applyAsDouble(factoredWith);
        }

        double solveOnce() {
            double[] x = new double[n];
            double rel = solve(new double[n], new double[m], x, new double[m]);
            assertEquals(factoredWith, x[0], 0, "the solution kept is the current factorization's");
            return rel;
        }
    }

    private static Scripted started(DoubleUnaryOperator accuracy) {
        Scripted system = new Scripted(accuracy);
        system.reset();
        system.factor(null, null);
        return system;
    }

    @Test
    void anInaccurateSolveLowersDeltaUntilItIsAccurate() {
        // accurate once δ ≤ 1e-11 (the λ ≈ 1e-14 case: contraction δ/(λ + δ))
        Scripted system = started(d -> d > 1e-10 ? 1e-7 : 1e-15);
        assertEquals(1e-15, system.solveOnce());
        assertEquals(1e-11, system.staticReg(), 1e-25);
        assertEquals(2, system.factorizations);
        assertEquals(1e-15, system.solveOnce(), "the lowered δ stays");
        assertEquals(2, system.factorizations);
        system.reset();
        assertEquals(NewtonSystem.STATIC_REG, system.staticReg(), "a new instance starts afresh");
    }

    @Test
    void loweringStopsAtTheLowestLevel() {
        Scripted system = started(d -> 1e4 * d);
        system.solveOnce();
        assertEquals(1e-14, system.staticReg(), 1e-28);
        assertEquals(3, system.factorizations);
    }

    @Test
    void aLoweringThatDoesNotHelpIsUndoneAndNotTriedAgain() {
        Scripted system = started(d -> d < 1e-9 ? 1e-6 : 1e-9);
        assertEquals(1e-9, system.solveOnce(), "the first solve is kept");
        assertEquals(NewtonSystem.STATIC_REG, system.staticReg());
        assertEquals(NewtonSystem.STATIC_REG, system.factoredWith, "factored back at the first δ");
        int factorizations = system.factorizations;
        assertEquals(1e-9, system.solveOnce());
        assertEquals(factorizations, system.factorizations, "settled: no more attempts");
    }

    @Test
    void aBreakdownAtALoweredDeltaReturnsToTheFirstOneEvenWhenItsResidualIsNaN() {
        for (double broken : new double[] {Double.NaN, 1e20}) {
            Scripted system = started(d -> d > 1e-10 ? 1e-9 : 1e-15);
            system.solveOnce();
            assertEquals(1e-11, system.staticReg(), 1e-25);
            system.accuracy = d -> d > 1e-10 ? 1e-9 : broken; // later iterates: the lowered δ breaks down
            system.factor(null, null);
            assertEquals(1e-9, system.solveOnce(), "broken " + broken);
            assertEquals(NewtonSystem.STATIC_REG, system.staticReg(), "broken " + broken);
            int factorizations = system.factorizations;
            system.factor(null, null);
            assertEquals(1e-9, system.solveOnce(), "settled at the first δ");
            assertEquals(factorizations + 1, system.factorizations);
        }
    }

    @Test
    void aBreakdownAtTheFirstDeltaRaisesIt() {
        // Broken (a solve worse than x = 0) at 1e-8 and every lower δ, accurate at 1e-5: D6CUBE at eps 1e-8.
        Scripted system = started(d -> d > 1e-6 ? 1e-9 : 1e10);
        assertEquals(1e-9, system.solveOnce());
        assertEquals(1e-5, system.staticReg(), 1e-19);
        assertEquals(1e-9, system.solveOnce(), "the raised δ stays");
        assertEquals(1e-5, system.factoredWith, 1e-19);
        // Where raising does not help either, δ returns to the first one.
        Scripted hopeless = started(d -> 1e10);
        assertEquals(1e10, hopeless.solveOnce());
        assertEquals(NewtonSystem.STATIC_REG, hopeless.staticReg());
        assertEquals(NewtonSystem.STATIC_REG, hopeless.factoredWith);
    }
}
