// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.hsde;

import io.convexlayers.backend.ConeSolver;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.io.FileProblem;
import io.convexlayers.io.ProblemReader;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.Solution;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import io.convexlayers.testing.PlantedPrograms;
import org.junit.jupiter.api.Test;

import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The statuses at an iteration or time limit tell the truth: an iterate with κ above τ is no verdict
 * of infeasibility unless its certificate holds to {@link Termination#LOOSE_CERTIFICATE} times its
 * tolerance, and a feasible, bounded program cut short at any iteration by either algorithm is
 * never reported infeasible or unbounded.
 */
class TerminationTest {
    private static final SolverSettings DEFAULTS = SolverSettings.defaults();

    /** Statistics of an iterate with the given τ, κ and certificate measures (solution residuals 1). */
    private static double[] stats(double tau, double kappa, double bty, double aty, double ctx, double axs) {
        double[] st = new double[ResidualStats.WIDTH];
        java.util.Arrays.fill(st, 0, ResidualStats.TAU, 1);
        st[ResidualStats.TAU] = tau;
        st[ResidualStats.KAPPA] = kappa;
        st[ResidualStats.CERT_BTY] = bty;
        st[ResidualStats.CERT_ATY] = aty;
        st[ResidualStats.CERT_CTX] = ctx;
        st[ResidualStats.CERT_AXS] = axs;
        return st;
    }

    @Test
    void aLooseCertificateIsReportedAndAnUnconvergedOneIsNot() {
        double eps = DEFAULTS.epsInfeas();
        // ‖Aᵀy‖ = 100·eps·(−bᵀy): within the loose tolerance.
        assertEquals(SolverStatus.INFEASIBLE_INACCURATE,
                Termination.atLimit(stats(1e-3, 2e-3, -1, 100 * eps, 1, 1), 0, DEFAULTS));
        assertEquals(SolverStatus.UNBOUNDED_INACCURATE,
                Termination.atLimit(stats(1e-3, 2e-3, 1, 1, -1, 100 * eps), 0, DEFAULTS));
        // κ > τ, but ‖Aᵀy‖ is of the order of bᵀy: a solvable program's early iterate, no certificate.
        assertEquals(SolverStatus.SOLVED_INACCURATE,
                Termination.atLimit(stats(1e-3, 2e-3, -1, 0.5, -1, 0.5), 0, DEFAULTS));
        double justOutside = 2 * Termination.LOOSE_CERTIFICATE * eps;
        assertEquals(SolverStatus.SOLVED_INACCURATE,
                Termination.atLimit(stats(1e-3, 2e-3, -1, justOutside, 1, 1), 0, DEFAULTS));
        // τ = 0 and no certificate: nothing to report.
        assertEquals(SolverStatus.FAILED, Termination.atLimit(stats(0, 1, -1, 1, -1, 1), 0, DEFAULTS));
        // τ ≥ κ: the best point so far.
        assertEquals(SolverStatus.SOLVED_INACCURATE,
                Termination.atLimit(stats(1, 1e-3, -1, 100 * eps, 1, 1), 0, DEFAULTS));
    }

    /**
     * Bundled programs whose early interior-point iterates have κ above τ: the statuses at a limit
     * used to call them infeasible (share1b after 2–3 iterations) or unbounded (YAO after 8–9).
     */
    @Test
    void bundledProgramsCutShortAreNeverReportedInfeasibleOrUnbounded() throws Exception {
        for (String file : new String[] {"netlib/share1b.mps.gz", "maros_meszaros/YAO.qps.gz"}) {
            FileProblem problem = ProblemReader.read(Paths.get(getClass().getResource("/problems/" + file).toURI()));
            for (int iters = 1; iters <= 12; iters++) {
                SolverSettings settings = DEFAULTS.withAlgorithm(Algorithm.INTERIOR_POINT).toBuilder().maxIters(iters)
                        .build();
                Solution s = ConeSolver.solve(problem.program(), settings);
                assertTrue(s.status().hasSolution(), file + " after " + iters + " iterations: " + s.status());
            }
        }
    }

    @Test
    void aFeasibleProgramCutShortIsNeverReportedInfeasibleOrUnbounded() {
        ConeDims[] cones = {ConeDims.builder().zero(3).nonneg(40).build(), ConeDims.builder().nonneg(30).soc(5, 4).build()};
        int cut = 0;
        for (Algorithm algorithm : new Algorithm[] {Algorithm.INTERIOR_POINT, Algorithm.FIRST_ORDER}) {
            for (ConeDims k : cones) {
                for (long seed = 1; seed <= 4; seed++) {
                    ConeProgram p = PlantedPrograms.generate(k, 20, 0.4, seed % 2 == 0, seed).program();
                    int limit = algorithm == Algorithm.INTERIOR_POINT ? 12 : 60;
                    for (int iters = 1; iters <= limit; iters += algorithm == Algorithm.INTERIOR_POINT ? 1 : 7) {
                        SolverSettings settings = DEFAULTS.withEps(1e-9).withAlgorithm(algorithm).toBuilder()
                                .maxIters(iters).build();
                        Solution s = ConeSolver.solve(p, settings);
                        String name = algorithm + " " + k + " seed " + seed + " after " + iters + " iterations";
                        assertTrue(s.status().hasSolution(), name + ": " + s.status());
                        cut += s.status() == SolverStatus.SOLVED_INACCURATE ? 1 : 0;
                    }
                }
            }
        }
        assertTrue(cut > 50, "most runs stop at their limit: " + cut);
    }
}
