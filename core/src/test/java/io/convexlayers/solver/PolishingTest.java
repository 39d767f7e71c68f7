// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver;

import io.convexlayers.InvalidSettingsException;
import io.convexlayers.backend.ConeSolver;
import io.convexlayers.data.ConeDims;
import io.convexlayers.testing.PlantedPrograms;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The polishing rule ({@link Polishing}) and its default: AUTO polishes the first-order solutions of
 * small programs with second-order or power cones and no exponential or PSD cone (where polishing was
 * measured to cost 1.0–1.3× the solve), and leaves the others exactly as the solver returned them.
 */
class PolishingTest {
    private static final SolverSettings FIRST_ORDER = SolverSettings.defaults().withAlgorithm(Algorithm.FIRST_ORDER);

    @Test
    void autoPolishesSmallSecondOrderAndPowerConeProgramsOnly() {
        ConeDims lp = ConeDims.builder().zero(2).nonneg(10).build();
        ConeDims socp = ConeDims.builder().zero(1).nonneg(10).soc(4, 3).build();
        ConeDims power = ConeDims.builder().nonneg(2).power(0.3, -0.6).build();
        ConeDims withExp = ConeDims.builder().soc(3).exp(2).build();
        ConeDims withDualExp = ConeDims.builder().power(0.5).dualExp(1).build();
        ConeDims withPsd = ConeDims.builder().soc(3).psd(3).build();
        assertFalse(Polishing.AUTO.polishes(lp, 10, 12));
        assertTrue(Polishing.AUTO.polishes(socp, 10, 18));
        assertTrue(Polishing.AUTO.polishes(power, 5, 8));
        assertFalse(Polishing.AUTO.polishes(withExp, 5, 9));
        assertFalse(Polishing.AUTO.polishes(withDualExp, 5, 6));
        assertFalse(Polishing.AUTO.polishes(withPsd, 5, 9));
        assertTrue(Polishing.AUTO.polishes(socp, 300, Polishing.AUTO_MAX_SIZE - 300));
        assertFalse(Polishing.AUTO.polishes(socp, 300, Polishing.AUTO_MAX_SIZE - 299));
        // Beyond that size, second-order cones without power cones up to the face step's order.
        int order = Polishing.AUTO_MAX_FACE_ORDER;
        assertTrue(Polishing.AUTO.polishes(socp, order, 3 * order));
        assertFalse(Polishing.AUTO.polishes(socp, order + 1, 3 * order));
        ConeDims socAndPower = ConeDims.builder().soc(4).power(0.5).build();
        assertFalse(Polishing.AUTO.polishes(socAndPower, order, 3 * order));
        for (ConeDims cones : new ConeDims[] {lp, socp, power, withExp, withDualExp, withPsd}) {
            assertTrue(Polishing.ON.polishes(cones, 5000, 5000), cones::toString);
            assertFalse(Polishing.OFF.polishes(cones, 5, 5), cones::toString);
        }
    }

    @Test
    void settingsDefaultToAutoAndTheBooleanSwitchMeansAlwaysOrNever() {
        assertEquals(Polishing.AUTO, SolverSettings.defaults().polishing());
        assertEquals(Polishing.ON, SolverSettings.defaults().withPolish(true).polishing());
        assertEquals(Polishing.OFF, SolverSettings.defaults().withPolish(false).polishing());
        assertEquals(Polishing.OFF, SolverSettings.defaults().withPolishing(Polishing.OFF).polishing());
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class,
                () -> SolverSettings.defaults().withPolishing(null));
        assertTrue(e.getMessage().contains("polishing"), e.getMessage());
    }

    /** At the default settings a small SOCP's first-order solution comes back exact; OFF leaves it 1e-5 away. */
    @Test
    void byDefaultASmallSocpIsPolishedToThePlantedSolution() {
        ConeDims cones = ConeDims.builder().zero(2).nonneg(15).soc(4, 3, 5).build();
        for (long seed = 1; seed <= 3; seed++) {
            PlantedPrograms.Planted pl = PlantedPrograms.generate(cones, 20, 0.6, true, seed);
            Solution byDefault = ConeSolver.solve(pl.program(), FIRST_ORDER);
            Solution off = ConeSolver.solve(pl.program(), FIRST_ORDER.withPolishing(Polishing.OFF));
            double polished = pl.distance(byDefault.x(), byDefault.y(), byDefault.s());
            double plain = pl.distance(off.x(), off.y(), off.s());
            String what = "seed " + seed + ": default " + polished + ", off " + plain;
            assertEquals(PolishStatus.SUCCEEDED, byDefault.polish(), what);
            assertEquals(PolishStatus.NOT_RUN, off.polish(), what);
            assertEquals(off.iterations(), byDefault.iterations(), what);
            // Newton steps stop once the estimated distance is below 1e-9 (SolutionRefinement.REFINE_ABOVE).
            assertTrue(polished <= 1e-9, what);
            assertTrue(plain >= 1e3 * polished, "the unpolished solve is not exact (else this test shows nothing): "
                    + what);
        }
    }

    /**
     * A single LP (batches under eight are outside the dense tile polish that pays on batches of LPs and QPs)
     * and exponential-cone programs (measured 1.7–3.1×) are returned as solved.
     */
    @Test
    void byDefaultLpsAndExponentialConeProgramsAreLeftAsSolved() {
        ConeDims[] families = {ConeDims.builder().zero(3).nonneg(20).build(),
                ConeDims.builder().zero(2).nonneg(10).soc(4).exp(3).build()};
        for (ConeDims cones : families) {
            PlantedPrograms.Planted pl = PlantedPrograms.generate(cones, 15, 0.6, false, 5);
            Solution byDefault = ConeSolver.solve(pl.program(), FIRST_ORDER);
            Solution off = ConeSolver.solve(pl.program(), FIRST_ORDER.withPolishing(Polishing.OFF));
            assertEquals(SolverStatus.SOLVED, byDefault.status(), cones::toString);
            assertEquals(PolishStatus.NOT_RUN, byDefault.polish(), cones::toString);
            assertArrayEquals(off.x(), byDefault.x(), 0.0, cones::toString);
            assertArrayEquals(off.y(), byDefault.y(), 0.0, cones::toString);
            assertEquals(off.iterations(), byDefault.iterations(), cones::toString);
        }
    }
}
