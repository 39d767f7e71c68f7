// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import io.convexlayers.data.ConeDims;
import io.convexlayers.data.BatchArray;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.data.CscMatrix;
import io.convexlayers.solver.Solution;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Derivatives with closed forms: least squares (two formulations) and an equality-constrained QP. */
class ClosedFormDerivativeTest {
    private static final int M = 9;
    private static final int N = 4;

    private static double[][] randomMatrix(int rows, int cols, Random rnd) {
        double[][] f = new double[rows][cols];
        for (double[] row : f) {
            for (int j = 0; j < cols; j++) {
                row[j] = rnd.nextGaussian();
            }
        }
        return f;
    }

    /** (FᵀF)⁻¹Fᵀ, N × M. */
    private static DMatrixRMaj pseudoInverse(double[][] f) {
        DMatrixRMaj fm = new DMatrixRMaj(f);
        DMatrixRMaj ftf = new DMatrixRMaj(N, N);
        CommonOps_DDRM.multTransA(fm, fm, ftf);
        CommonOps_DDRM.invert(ftf);
        DMatrixRMaj out = new DMatrixRMaj(N, M);
        CommonOps_DDRM.multTransB(ftf, fm, out);
        return out;
    }

    private static void assertDxDgMatches(ConeProgram p, double[][] f, int bOffset) {
        Solution sol = DerivativeFixtures.solve(p);
        DMatrixRMaj expected = pseudoInverse(f);
        SolutionDerivative d = SolutionDerivative.at(p, sol, DerivativeSettings.defaults()
                .withMode(DerivativeMode.LSQR).withLsqr(LsqrSettings.defaults().withTolerance(1e-14)));
        for (int i = 0; i < M; i++) {
            double[] db = new double[p.m()];
            db[bOffset + i] = 1;
            JvpResult r = d.jvp(null, null, BatchArray.shared(db, 1), null);
            for (int j = 0; j < N; j++) {
                assertEquals(expected.get(j, i), r.dx().get(j, 0), 1e-6, "d x" + j + " / d g" + i);
            }
        }
    }

    @Test
    void leastSquaresWithQuadraticObjective() {
        Random rnd = new Random(1);
        double[][] f = randomMatrix(M, N, rnd);
        double[] g = DerivativeFixtures.gaussian(M, rnd);
        // variables (x, t): minimize ½‖t‖² s.t. F x − t = g (zero cone)
        double[][] a = new double[M][N + M];
        double[][] pDense = new double[N + M][N + M];
        for (int i = 0; i < M; i++) {
            System.arraycopy(f[i], 0, a[i], 0, N);
            a[i][N + i] = -1;
            pDense[N + i][N + i] = 1;
        }
        ConeProgram p = new ConeProgram(CscMatrix.upperTriangleOf("P", pDense), CscMatrix.fromDense("A", a), g,
                new double[N + M], ConeDims.builder().zero(M).build());
        assertDxDgMatches(p, f, 0);
    }

    @Test
    void leastSquaresWithSecondOrderCone() {
        Random rnd = new Random(2);
        double[][] f = randomMatrix(M, N, rnd);
        double[] g = DerivativeFixtures.gaussian(M, rnd);
        // variables (x, t): minimize t s.t. ‖F x − g‖ ≤ t, i.e. s = (t, g − F x) ∈ SOC
        double[][] a = new double[M + 1][N + 1];
        double[] b = new double[M + 1];
        a[0][N] = -1;
        for (int i = 0; i < M; i++) {
            System.arraycopy(f[i], 0, a[i + 1], 0, N);
            b[i + 1] = g[i];
        }
        double[] c = new double[N + 1];
        c[N] = 1;
        ConeProgram p = new ConeProgram(null, CscMatrix.fromDense("A", a), b, c, ConeDims.builder().soc(M + 1).build());
        assertDxDgMatches(p, f, 1);
    }

    @Test
    void equalityConstrainedQpMatchesKktDifferentiation() {
        Random rnd = new Random(3);
        int n = 6;
        int e = 3;
        double[][] q = io.convexlayers.testing.RandomQps.hessian(n, rnd);
        double[][] em = randomMatrix(e, n, rnd);
        double[] qv = DerivativeFixtures.gaussian(n, rnd);
        double[] fv = DerivativeFixtures.gaussian(e, rnd);
        ConeProgram p = new ConeProgram(CscMatrix.upperTriangleOf("P", q), CscMatrix.fromDense("E", em), fv, qv,
                ConeDims.builder().zero(e).build());
        Solution sol = DerivativeFixtures.solve(p);
        // KKT: [[Q, Eᵀ], [E, 0]] [x; ν] = [−q; f]  ⇒  d[x; ν] = K⁻¹ [−dq; df]
        DMatrixRMaj k = new DMatrixRMaj(n + e, n + e);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                k.set(i, j, q[i][j]);
            }
        }
        for (int i = 0; i < e; i++) {
            for (int j = 0; j < n; j++) {
                k.set(n + i, j, em[i][j]);
                k.set(j, n + i, em[i][j]);
            }
        }
        CommonOps_DDRM.invert(k);
        SolutionDerivative d = SolutionDerivative.at(p, sol, DerivativeSettings.defaults()
                .withMode(DerivativeMode.DENSE));
        Random dir = new Random(4);
        double[] dq = DerivativeFixtures.gaussian(n, dir);
        double[] df = DerivativeFixtures.gaussian(e, dir);
        JvpResult r = d.jvp(null, null, BatchArray.shared(df, 1), BatchArray.shared(dq, 1));
        for (int i = 0; i < n; i++) {
            double expected = 0;
            for (int j = 0; j < n; j++) {
                expected -= k.get(i, j) * dq[j];
            }
            for (int j = 0; j < e; j++) {
                expected += k.get(i, n + j) * df[j];
            }
            assertEquals(expected, r.dx().get(i, 0), 1e-6, "dx" + i);
        }
    }
}
