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
        st[ResidualStats.CERT_X_SCALE] = 1;
        st[ResidualStats.CERT_Y_SCALE] = 1;
        return st;
    }

    /**
     * DFL001's direction at iteration 30 (measured, session 32): cᵀx = −1 and ‖Ax + s‖∞ = 6.65·10⁻⁸, within
     * ε_infeas·(−cᵀx), but ‖Ax‖∞ = ‖s‖∞ = 1.35·10⁻⁶ and ‖x‖∞ = 1.35·10⁻⁶ with max|A| = 2: a residual 2.5% of
     * what the matrix makes of x, no ray. The same residual against a direction of unit size is one.
     */
    @Test
    void aCertificateMustAlsoBeSmallAgainstTheMatrix() {
        double[] unb = stats(1e-3, 0, 1, 1, -1, 6.65e-8);
        unb[ResidualStats.CERT_X_SCALE] = 2 * 1.35e-6;
        assertEquals(null, Termination.check(unb, 0, DEFAULTS));
        unb[ResidualStats.CERT_X_SCALE] = 2;
        assertEquals(SolverStatus.UNBOUNDED, Termination.check(unb, 0, DEFAULTS));
        // The same for Aᵀy against bᵀy and ‖A‖max·‖y‖∞.
        double[] inf = stats(1e-3, 0, -1, 6.65e-8, 1, 1);
        inf[ResidualStats.CERT_Y_SCALE] = 2.7e-6;
        assertEquals(null, Termination.check(inf, 0, DEFAULTS));
        inf[ResidualStats.CERT_Y_SCALE] = 2;
        assertEquals(SolverStatus.INFEASIBLE, Termination.check(inf, 0, DEFAULTS));
        // A zero direction (0/0) certifies nothing.
        double[] zero = stats(1e-3, 0, -1, 0, -1, 0);
        zero[ResidualStats.CERT_X_SCALE] = 0;
        zero[ResidualStats.CERT_Y_SCALE] = 0;
        assertEquals(null, Termination.check(zero, 0, DEFAULTS));
    }

    /**
     * Feasible, bounded Maros–Meszaros QPs once declared infeasible with a direction y whose ‖Aᵀy‖ was
     * small against −bᵀy but not against ‖A‖max·‖y‖∞: POWELL20 (n = m = 10 000) by the interior point at
     * iteration 9 and by the first-order method at 20, HUES-MOD by the first-order method at 20 (SCS 3.2.11
     * calls both infeasible too). Now each reaches its published optimum.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({
            "POWELL20.qps.gz, INTERIOR_POINT, 52089583000.0",
            "POWELL20.qps.gz, FIRST_ORDER, 52089583000.0",
            "HUES-MOD.qps.gz, FIRST_ORDER, 34824690.0"})
    void feasibleQpsAreSolvedNotDeclaredInfeasible(String file, Algorithm algorithm, double optimum)
            throws Exception {
        FileProblem problem = ProblemReader.read(Paths.get(getClass().getResource(
                "/problems/maros_meszaros/" + file).toURI()));
        Solution s = ConeSolver.solve(problem.program(), DEFAULTS.withEps(1e-6).withAlgorithm(algorithm));
        assertEquals(SolverStatus.SOLVED, s.status(), file + " " + algorithm);
        assertEquals(optimum, s.objective(), 1e-5 * optimum, file + " " + algorithm);
    }

    /**
     * Bounded, feasible NETLIB LPs with their cost or right-hand side multiplied by a large factor: a
     * certificate judged only against cᵀx or bᵀy declared them unbounded (c·10⁸: AFIRO after 70 iterations,
     * SC50A after 80) or infeasible (AFIRO's b·10⁶, after 40). KB2 with c·10¹⁰ overflowed instead (σ stopped
     * at 10⁻⁴, leaving ‖ĉ‖∞ ≈ 10⁶: NaN from iteration 20, FAILED at the limit). The first-order method now
     * solves them to their known optima (NETLIB's published values) times the factor.
     */
    @Test
    void largeCostsOrRightHandSidesDoNotFakeACertificate() throws Exception {
        SolverSettings fo = DEFAULTS.withEps(1e-6).withAlgorithm(Algorithm.FIRST_ORDER)
                .withPolishing(io.convexlayers.solver.Polishing.OFF);
        Object[][] cases = {{"afiro", -4.6475314286E+02, 1e8, 1.0}, {"sc50a", -6.4575077059E+01, 1e8, 1.0},
                {"kb2", -1.7499001299E+03, 1e10, 1.0},
                {"afiro", -4.6475314286E+02, 1.0, 1e6}};
        for (Object[] c : cases) {
            FileProblem problem = ProblemReader.read(Paths.get(getClass().getResource("/problems/netlib/" + c[0]
                    + ".mps").toURI()));
            ConeProgram p = problem.program();
            double costFactor = (Double) c[2];
            double rhsFactor = (Double) c[3];
            double[] b = p.b().clone();
            double[] cost = p.c().clone();
            java.util.Arrays.setAll(b, i -> b[i] * rhsFactor);
            java.util.Arrays.setAll(cost, j -> cost[j] * costFactor);
            Solution s = ConeSolver.solve(new ConeProgram(p.p(), p.a(), b, cost, p.cones()), fo);
            String name = c[0] + " c·" + costFactor + " b·" + rhsFactor;
            assertEquals(SolverStatus.SOLVED, s.status(), name);
            double optimum = (Double) c[1] * costFactor * rhsFactor;
            assertEquals(optimum, s.objective(), 1e-4 * Math.abs(optimum), name);
        }
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
