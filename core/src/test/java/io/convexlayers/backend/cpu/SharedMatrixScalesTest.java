// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cpu;

import io.convexlayers.backend.Backends;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.io.ProblemReader;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.Polishing;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import io.convexlayers.solver.hsde.Equilibration;
import io.convexlayers.testing.ProgramBatches;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A first-order tile over shared matrices keeps one factorization, and so one scale, for its lanes only
 * while their balances ‖Db‖∞/‖Ec‖∞ stay within {@link Equilibration#MAX_SHARED_BALANCE_SPREAD} of each
 * other; beyond it each lane gets its own factor and scale, so that no instance slows or spoils another.
 */
class SharedMatrixScalesTest {
    private static final SolverSettings FO = SolverSettings.defaults().withEps(1e-6)
            .withAlgorithm(Algorithm.FIRST_ORDER).withPolishing(Polishing.OFF);

    private static ConeProgram afiro() throws Exception {
        return ProblemReader.read(Path.of(SharedMatrixScalesTest.class.getResource("/problems/netlib/afiro.mps")
                .toURI())).program();
    }

    /**
     * AFIRO as is, with c·10⁸ and with b·10⁶ in one batch over a shared A: with one scale for the three
     * lanes, the first took 210 iterations instead of 170 and the other two ended SOLVED_INACCURATE at the
     * 100 000-iteration limit (alone: 310 and 1 980); now every lane takes the iterations it takes alone and
     * reaches AFIRO's optimum (NETLIB: −464.75314286) times its factors.
     */
    @Test
    void lanesOfVeryDifferentBalanceSolveAsTheyDoAlone() throws Exception {
        ConeProgram p = afiro();
        double[] cf = {1, 1e8, 1};
        double[] bf = {1, 1, 1e6};
        BatchSolution shared = Backends.cpu().solve(ProgramBatches.scaledLanes(p, cf, bf, true), FO, null, null);
        BatchSolution separate = Backends.cpu().solve(ProgramBatches.scaledLanes(p, cf, bf, false), FO, null, null);
        for (int l = 0; l < cf.length; l++) {
            assertEquals(SolverStatus.SOLVED, shared.status(l), "lane " + l);
            assertEquals(separate.iterations(l), shared.iterations(l), "lane " + l);
            double optimum = -4.6475314286E+02 * cf[l] * bf[l];
            assertEquals(optimum, shared.objective(l), 1e-4 * Math.abs(optimum), "lane " + l);
        }
    }

    /** Balances within the spread keep the one shared factorization; beyond it the tile factors per lane. */
    @Test
    void theSharedFactorizationStaysForSimilarLanes() throws Exception {
        ConeProgram p = afiro();
        CpuHsdeKernels similar = new CpuHsdeKernels(
                ProgramBatches.scaledLanes(p, new double[] {1, 3, 10}, new double[] {1, 1, 2}, true), 0, 3, FO);
        assertTrue(similar.sharedScale());
        CpuHsdeKernels apart = new CpuHsdeKernels(
                ProgramBatches.scaledLanes(p, new double[] {1, 1e3}, new double[] {1, 1}, true), 0, 2, FO);
        assertFalse(apart.sharedScale());
        // An explicit SHARED request is honoured whatever the spread.
        CpuHsdeKernels asked = new CpuHsdeKernels(
                ProgramBatches.scaledLanes(p, new double[] {1, 1e3}, new double[] {1, 1}, true), 0, 2,
                FO.withLinearSystem(io.convexlayers.solver.LinearSystemKind.SHARED));
        assertTrue(asked.sharedScale());
    }
}
