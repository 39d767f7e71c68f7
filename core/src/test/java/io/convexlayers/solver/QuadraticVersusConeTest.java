// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver;

import io.convexlayers.backend.ConeSolver;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.data.CscMatrix;
import io.convexlayers.data.ConeDims;
import io.convexlayers.testing.RandomQps;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A QP solved with its quadratic objective in P matches the same QP rewritten with a rotated
 * second-order cone: minimize ½t + qᵀx s.t. ‖Lᵀx‖² ≤ t, i.e. ‖(t − 1, 2Lᵀx)‖ ≤ t + 1, P = LLᵀ.
 */
class QuadraticVersusConeTest {

    @Test
    void nativeQuadraticEqualsSecondOrderConeForm() {
        int n = 8;
        int m = 16;
        Random rnd = new Random(21);
        double[][] p = RandomQps.hessian(n, rnd);
        double[][] g = RandomQps.gaussian(m, n, rnd);
        double[] h = RandomQps.feasibleRhs(g, rnd);
        double[] q = RandomQps.gaussian(n, rnd);
        SolverSettings tight = SolverSettings.defaults().withEps(1e-10);

        Solution qp = ConeSolver.solve(new ConeProgram(CscMatrix.upperTriangleOf("P", p), CscMatrix.fromDense("G", g),
                h, q, ConeDims.builder().nonneg(m).build()), tight);

        double[][] l = cholesky(p);
        // Variables (x, t); rows: G x ≤ h (nonneg), then the SOC block (t + 1, t − 1, 2Lᵀx).
        double[][] a = new double[m + 2 + n][n + 1];
        double[] b = new double[m + 2 + n];
        for (int i = 0; i < m; i++) {
            System.arraycopy(g[i], 0, a[i], 0, n);
            b[i] = h[i];
        }
        a[m][n] = -1;
        b[m] = 1;
        a[m + 1][n] = -1;
        b[m + 1] = -1;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[m + 2 + i][j] = -2 * l[j][i];
            }
        }
        double[] c = Arrays.copyOf(q, n + 1);
        c[n] = 0.5;
        Solution socp = ConeSolver.solve(new ConeProgram(null, CscMatrix.fromDense("A", a), b, c,
                ConeDims.builder().nonneg(m).soc(n + 2).build()), tight);

        assertEquals(SolverStatus.SOLVED, qp.status());
        assertEquals(SolverStatus.SOLVED, socp.status());
        assertArrayEquals(qp.x(), Arrays.copyOf(socp.x(), n), 1e-6);
        assertEquals(qp.objective(), socp.objective(), 1e-7 * Math.max(1, Math.abs(qp.objective())));
        assertArrayEquals(qp.y(), Arrays.copyOf(socp.y(), m), 1e-6);
    }

    private static double[][] cholesky(double[][] p) {
        int n = p.length;
        double[][] l = new double[n][n];
        for (int j = 0; j < n; j++) {
            double s = p[j][j];
            for (int k = 0; k < j; k++) {
                s -= l[j][k] * l[j][k];
            }
            l[j][j] = Math.sqrt(s);
            for (int i = j + 1; i < n; i++) {
                double t = p[i][j];
                for (int k = 0; k < j; k++) {
                    t -= l[i][k] * l[j][k];
                }
                l[i][j] = t / l[j][j];
            }
        }
        return l;
    }
}
