// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.layer;

import io.convexlayers.backend.Backends;
import io.convexlayers.dsl.Constant;
import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.Variable;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.convexlayers.dsl.Atoms.sumSquares;
import static io.convexlayers.layer.LayerTesting.gaussian;
import static io.convexlayers.layer.LayerTesting.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The user's first program of shared/API-SKETCH.md, as written there. */
class ApiSketchTest {
    @Test
    void theSketchRunsAsWritten() {
        Random rnd = new Random(1);
        int n = 4;
        int m = 6;
        int batch = 20;
        double[][] f = new double[n][n];
        for (int i = 0; i < n; i++) {
            f[i][i] = 1 + i;
        }
        Constant fm = Constant.matrix(f);

        // A QP layer: x*(q, G, h) = argmin ½‖F x‖² + qᵀx  s.t.  G x ≤ h
        Variable x = Variable.vector("x", n);
        Parameter q = Parameter.vector("q", n);
        Parameter g = Parameter.matrix("G", m, n);
        Parameter h = Parameter.vector("h", m);
        Problem problem = Problem.minimize(sumSquares(fm.times(x)).times(0.5).plus(q.dot(x)), g.times(x).le(h));
        assertTrue(problem.isDpp());

        ConvexLayer layer = ConvexLayer.builder(problem)
                .parameters(q, g, h)
                .outputs(x)
                .settings(SolverSettings.defaults().withEps(1e-6))
                .backend(Backends.cpu())
                .build();

        double[] qBatch = gaussian(rnd, batch * n);
        double[] gShared = gaussian(rnd, m * n);
        double[] hBatch = uniform(rnd, batch * m, 0.1, 1);
        LayerResult out = layer.forward(qBatch, gShared, hBatch);
        double[] xStar = out.value(x);
        assertEquals(batch * n, xStar.length);
        assertEquals(SolverStatus.SOLVED, out.status(17));

        double[] dLossDx = gaussian(rnd, batch * n);
        Gradients grads = out.backward(dLossDx);
        double[] dq = grads.of(q);
        double[] dG = grads.of(g);
        assertEquals(batch * n, dq.length);
        assertEquals(m * n, dG.length);
        assertArrayEquals(new int[] {m, n}, grads.shape(g));
    }
}
