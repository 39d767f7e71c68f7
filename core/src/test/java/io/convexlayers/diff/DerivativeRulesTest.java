// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import io.convexlayers.backend.ConeSolver;
import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.CscMatrix;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.Polishing;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kink test of {@link DerivativeRules#kinkAt}: which reason a point gets, and that a degenerate point
 * is named degenerate whether or not some of its duals are zero (which depends on the solver), so that the
 * derivative does not spend Newton steps on a kink no step removes.
 */
class DerivativeRulesTest {
    /** Three nonnegative rows for two variables. */
    private static final BatchConeProgram THREE_ROWS = BatchConeProgram.of(new io.convexlayers.data.ConeProgram(
            null, CscMatrix.fromDense("A", new double[][] {{1, 0}, {0, 1}, {1, 1}}), new double[] {0, 0, 0},
            new double[] {1, 1}, ConeDims.builder().nonneg(3).build()));

    private static DerivativeIssue kinkAt(double[] y, double[] s) {
        return DerivativeRules.kinkAt(THREE_ROWS, 0, y, s, 1, 0);
    }

    @Test
    void eachPointGetsItsReason() {
        assertEquals(DerivativeIssue.NONE, kinkAt(new double[] {1, 2, 0}, new double[] {0, 0, 1}));
        // Row 1 has slack and dual zero; two active rows for two variables.
        assertEquals(DerivativeIssue.KINK_NO_STRICT_COMPLEMENTARITY, kinkAt(new double[] {1, 0, 0},
                new double[] {0, 0, 1}));
        assertEquals(DerivativeIssue.KINK_DEGENERATE, kinkAt(new double[] {1, 1, 1}, new double[] {0, 0, 0}));
    }

    /** One second-order cone of three rows over two variables: (x₁ + x₂, x₁, x₂) ∈ SOC. */
    private static final BatchConeProgram ONE_CONE = BatchConeProgram.of(new io.convexlayers.data.ConeProgram(
            null, CscMatrix.fromDense("A", new double[][] {{-1, -1}, {-1, 0}, {0, -1}}), new double[] {0, 0, 0},
            new double[] {1, 1}, ConeDims.builder().soc(3).build()));

    @Test
    void secondOrderConeBlocksGetTheirReasonsToo() {
        // s on the boundary, y its reflection: strictly complementary, one active condition.
        assertEquals(DerivativeIssue.NONE, DerivativeRules.kinkAt(ONE_CONE, 0, new double[] {1, -1, 0},
                new double[] {1, 1, 0}, 1, 0));
        // s on the boundary with y = 0: s + y on the boundary.
        assertEquals(DerivativeIssue.KINK_NO_STRICT_COMPLEMENTARITY, DerivativeRules.kinkAt(ONE_CONE, 0,
                new double[3], new double[] {1, 1, 0}, 1, 0));
        // s at the apex pins three conditions on two variables, y inside or not.
        assertEquals(DerivativeIssue.KINK_DEGENERATE, DerivativeRules.kinkAt(ONE_CONE, 0, new double[] {1, 0, 0},
                new double[3], 1, 0));
    }

    @Test
    void degeneracyIsNamedBeforeAZeroDual() {
        // Three active rows for two variables, and row 1's dual is zero: both kinks hold, degeneracy is named.
        assertEquals(DerivativeIssue.KINK_DEGENERATE, kinkAt(new double[] {1, 0, 1}, new double[] {0, 0, 0}));
        assertEquals(DerivativeIssue.KINK_DEGENERATE, kinkAt(new double[] {0, 0, 0}, new double[] {0, 0, 0}));
    }

    /**
     * A small copy of the paper's sparse QP (A square, so x is fixed by Ax = b, and h = Gx_s, so every
     * inequality is active): 2n active rows for n variables. Its first-order solutions have zero duals on
     * some rows; the derivative names them degenerate and takes no refinement step (on the paper's
     * n = 1024 such steps cost 1.8 of the backward pass's 3.8 s for a result that stays POOR).
     */
    @Test
    void aFirstOrderSolutionOfTheDegenerateSparseQpIsNotRefined() {
        int n = 24;
        int batch = 8;
        Random rnd = new Random(11);
        double[][] dense = new double[2 * n][n];
        for (int i = 0; i < 2 * n; i++) {
            dense[i][i % n] = 1;
            for (int j = 0; j < n; j++) {
                if (rnd.nextDouble() < 0.1) {
                    dense[i][j] += 0.3 * rnd.nextGaussian();
                }
            }
        }
        CscMatrix a = CscMatrix.fromDense("A", dense);
        double[][] b = new double[batch][2 * n];
        double[][] c = new double[batch][n];
        for (int k = 0; k < batch; k++) {
            for (int j = 0; j < n; j++) {
                double xs = rnd.nextGaussian();
                c[k][j] = rnd.nextGaussian();
                for (int i = 0; i < 2 * n; i++) {
                    b[k][i] += dense[i][j] * xs;
                }
            }
        }
        double[][] identity = new double[n][n];
        for (int j = 0; j < n; j++) {
            identity[j][j] = 1;
        }
        CscMatrix p = CscMatrix.upperTriangleOf("P", identity);
        BatchConeProgram program = new BatchConeProgram(p.pattern(), BatchArray.shared(p.values(), batch),
                a.pattern(), BatchArray.shared(a.values(), batch), BatchArray.perInstance(b),
                BatchArray.perInstance(c), ConeDims.builder().zero(n).nonneg(n).build());
        BatchSolution sol = ConeSolver.solveBatch(program, SolverSettings.defaults().withAlgorithm(Algorithm.FIRST_ORDER)
                .withEps(1e-6).withPolishing(Polishing.OFF));
        double[] gx = new double[n * batch];
        for (int k = 0; k < gx.length; k++) {
            gx[k] = rnd.nextGaussian();
        }
        VjpResult r = SolutionDerivative.at(program, sol, DerivativeSettings.defaults())
                .vjp(BatchArray.batchMinor(n, batch, gx), null, null);
        for (int k = 0; k < batch; k++) {
            assertEquals(SolverStatus.SOLVED, sol.status(k));
            DerivativeInfo info = r.info()[k];
            assertEquals(DerivativeQuality.POOR, info.quality(), info::toString);
            assertEquals(DerivativeIssue.KINK_DEGENERATE, info.issue(), info::toString);
            assertEquals(0, info.refinementSteps(), info::toString);
            assertTrue(Double.isFinite(r.db().get(0, k)), info::toString);
        }
    }
}
