// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.layer;

import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.Variable;
import io.convexlayers.solver.SolverSettings;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.convexlayers.dsl.Atoms.sumSquares;
import static io.convexlayers.layer.LayerTesting.assertClose;
import static io.convexlayers.layer.LayerTesting.gaussian;

/** ‖Ax − b‖² + ‖x‖² with parameters A and b: values and gradients against the closed form. */
class LeastSquaresLayerTest {
    private static final int M = 6;
    private static final int N = 3;

    @Test
    void valuesAndGradientsMatchClosedForm() {
        Random rnd = new Random(7);
        Parameter a = Parameter.matrix("A", M, N);
        Parameter b = Parameter.vector("b", M);
        Variable x = Variable.vector("x", N);
        Problem problem = Problem.minimize(sumSquares(a.times(x).minus(b)).plus(sumSquares(x)));
        ConvexLayer layer = ConvexLayer.builder(problem).parameters(a, b).outputs(x)
                .settings(SolverSettings.defaults().withEps(1e-10)).build();
        int batch = 4;
        double[] aBatch = gaussian(rnd, batch * M * N);
        double[] bBatch = gaussian(rnd, batch * M);
        double[] dx = gaussian(rnd, batch * N);
        LayerResult r = layer.forward(aBatch, bBatch);
        Gradients g = r.backward(dx);
        double[] xs = r.value(x);
        double[] da = g.of(a);
        double[] db = g.of(b);
        for (int k = 0; k < batch; k++) {
            DMatrixRMaj am = new DMatrixRMaj(M, N, true, java.util.Arrays.copyOfRange(aBatch, k * M * N, (k + 1) * M * N));
            DMatrixRMaj bv = new DMatrixRMaj(M, 1, true, java.util.Arrays.copyOfRange(bBatch, k * M, (k + 1) * M));
            DMatrixRMaj gv = new DMatrixRMaj(N, 1, true, java.util.Arrays.copyOfRange(dx, k * N, (k + 1) * N));
            DMatrixRMaj mInv = new DMatrixRMaj(N, N);
            CommonOps_DDRM.multTransA(am, am, mInv);
            for (int i = 0; i < N; i++) {
                mInv.add(i, i, 1);
            }
            CommonOps_DDRM.invert(mInv);
            DMatrixRMaj atb = new DMatrixRMaj(N, 1);
            CommonOps_DDRM.multTransA(am, bv, atb);
            DMatrixRMaj xStar = new DMatrixRMaj(N, 1);
            CommonOps_DDRM.mult(mInv, atb, xStar);
            DMatrixRMaj v = new DMatrixRMaj(N, 1);
            CommonOps_DDRM.mult(mInv, gv, v);
            DMatrixRMaj av = new DMatrixRMaj(M, 1);
            CommonOps_DDRM.mult(am, v, av);
            DMatrixRMaj ax = new DMatrixRMaj(M, 1);
            CommonOps_DDRM.mult(am, xStar, ax);
            // dL/db = A v, dL/dA = (b − Ax) vᵀ − (Av) xᵀ with v = (AᵀA + I)⁻¹ g
            double[] expectA = new double[M * N];
            for (int i = 0; i < M; i++) {
                for (int j = 0; j < N; j++) {
                    expectA[i * N + j] = (bv.get(i) - ax.get(i)) * v.get(j) - av.get(i) * xStar.get(j);
                }
            }
            assertClose(xStar.data, java.util.Arrays.copyOfRange(xs, k * N, (k + 1) * N), 1e-7, "x of instance " + k);
            assertClose(av.data, java.util.Arrays.copyOfRange(db, k * M, (k + 1) * M), 1e-6, "dL/db of instance " + k);
            assertClose(expectA, java.util.Arrays.copyOfRange(da, k * M * N, (k + 1) * M * N), 1e-6,
                    "dL/dA of instance " + k);
        }
    }
}
