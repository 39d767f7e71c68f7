// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver;

import io.convexlayers.backend.ConeSolver;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.data.CscMatrix;
import io.convexlayers.data.ConeDims;
import io.convexlayers.testing.Kkt;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Infeasible and unbounded LPs, SOCPs and QPs: status and an independently verified certificate. */
class CertificateTest {
    private static final SolverSettings SETTINGS = SolverSettings.defaults();

    private static void assertInfeasible(ConeProgram p) {
        Solution s = ConeSolver.solve(p, SETTINGS);
        assertEquals(SolverStatus.INFEASIBLE, s.status());
        double[] y = s.certificate();
        assertEquals(-1, Kkt.bTy(p, y), 1e-9, "certificate normalized to bᵀy = −1");
        assertTrue(Kkt.normATy(p, y) <= 1e-6, "Aᵀy ≈ 0: " + Kkt.normATy(p, y));
        assertTrue(Kkt.distanceToDualCone(p.cones(), y) <= 1e-9, "y ∈ K*");
        assertEquals(Double.POSITIVE_INFINITY, s.objective());
    }

    private static void assertUnbounded(ConeProgram p) {
        Solution s = ConeSolver.solve(p, SETTINGS);
        assertEquals(SolverStatus.UNBOUNDED, s.status());
        double[] x = s.certificate();
        assertEquals(-1, Kkt.cTx(p, x), 1e-9, "certificate normalized to cᵀx = −1");
        assertTrue(Kkt.normAxPlusS(p, x, s.s()) <= 1e-6, "Ax + s ≈ 0: " + Kkt.normAxPlusS(p, x, s.s()));
        assertTrue(Kkt.normPx(p, x) <= 1e-6, "Px ≈ 0");
        assertTrue(Kkt.distanceToCone(p.cones(), s.s()) <= 1e-9, "s ∈ K");
        assertEquals(Double.NEGATIVE_INFINITY, s.objective());
    }

    @Test
    void infeasibleLp() {
        // x1 ≥ 1 and x1 ≤ 0
        assertInfeasible(new ConeProgram(null, CscMatrix.fromDense("A", new double[][] {{-1, 0}, {1, 0}, {0, 1}}),
                new double[] {-1, 0, 3}, new double[] {1, 1}, ConeDims.builder().nonneg(3).build()));
    }

    @Test
    void infeasibleLpWithEqualities() {
        // x1 + x2 = 1, x1 - x2 = 3, x2 ≥ 0, x1 ≤ 1
        assertInfeasible(new ConeProgram(null,
                CscMatrix.fromDense("A", new double[][] {{1, 1}, {1, -1}, {0, -1}, {1, 0}}),
                new double[] {1, 3, 0, 1}, new double[] {1, 0}, ConeDims.builder().zero(2).nonneg(2).build()));
    }

    @Test
    void infeasibleSocp() {
        // ‖(x1, x2)‖ ≤ 1 and x1 ≥ 2
        assertInfeasible(new ConeProgram(null,
                CscMatrix.fromDense("A", new double[][] {{-1, 0}, {0, 0}, {-1, 0}, {0, -1}}),
                new double[] {-2, 1, 0, 0}, new double[] {0, 1}, ConeDims.builder().nonneg(1).soc(3).build()));
    }

    @Test
    void infeasibleQp() {
        double[][] p = {{2, 0}, {0, 1}};
        assertInfeasible(new ConeProgram(CscMatrix.upperTriangleOf("P", p),
                CscMatrix.fromDense("A", new double[][] {{1, 1}, {-1, -1}}), new double[] {1, -2},
                new double[] {1, 1}, ConeDims.builder().nonneg(2).build()));
    }

    @Test
    void unboundedLp() {
        // minimize −x1 + x2 over x ≥ 0, x2 ≤ 1
        assertUnbounded(new ConeProgram(null, CscMatrix.fromDense("A", new double[][] {{-1, 0}, {0, -1}, {0, 1}}),
                new double[] {0, 0, 1}, new double[] {-1, 1}, ConeDims.builder().nonneg(3).build()));
    }

    @Test
    void unboundedSocp() {
        // minimize −t subject to ‖x‖ ≤ t (t free to grow), x1 = 1
        assertUnbounded(new ConeProgram(null,
                CscMatrix.fromDense("A", new double[][] {{0, 1, 0}, {-1, 0, 0}, {0, -1, 0}, {0, 0, -1}}),
                new double[] {1, 0, 0, 0}, new double[] {-1, 0, 0}, ConeDims.builder().zero(1).soc(3).build()));
    }

    @Test
    void unboundedQp() {
        // P = diag(1, 0): the x2 direction is free of curvature and decreases the objective
        double[][] p = {{1, 0}, {0, 0}};
        assertUnbounded(new ConeProgram(CscMatrix.upperTriangleOf("P", p),
                CscMatrix.fromDense("A", new double[][] {{0, -1}}), new double[] {0}, new double[] {1, -1},
                ConeDims.builder().nonneg(1).build()));
    }

    @Test
    void iterationLimitGivesInaccurateStatus() {
        ConeProgram p = io.convexlayers.testing.RandomQps.single(30, 60, 5);
        Solution s = ConeSolver.solve(p, SETTINGS.withMaxIters(7).withEps(1e-12));
        assertEquals(SolverStatus.SOLVED_INACCURATE, s.status());
        assertEquals(7, s.iterations());
        assertTrue(s.primalResidual() > 0);
    }
}
