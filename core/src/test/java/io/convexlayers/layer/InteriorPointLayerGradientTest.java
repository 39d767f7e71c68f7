// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.layer;

import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.Variable;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.SolverSettings;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.convexlayers.dsl.Atoms.*;
import static io.convexlayers.layer.LayerTesting.assertGradientsMatchFiniteDifferences;
import static io.convexlayers.layer.LayerTesting.gaussian;
import static io.convexlayers.layer.LayerTesting.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Layers whose forward pass runs the interior-point method: the derivative (the residual map's, on
 * the interior-point solution x, y, s) against central differences of forward calls, for a QP with
 * equality and inequality constraints and an SOCP.
 */
class InteriorPointLayerGradientTest {
    private static final double H = 1e-4;
    private static final double TOL = 1e-4;
    private static final SolverSettings IPM = SolverSettings.defaults().withEps(1e-9)
            .withAlgorithm(Algorithm.INTERIOR_POINT);

    @Test
    void quadraticProgramWithEqualities() {
        Random rnd = new Random(41);
        int n = 5;
        int m = 7;
        Parameter q = Parameter.vector("q", n);
        Parameter g = Parameter.matrix("G", m, n);
        Parameter h = Parameter.vector("h", m);
        Parameter a = Parameter.matrix("A", 1, n);
        Variable x = Variable.vector("x", n);
        Problem problem = Problem.minimize(sumSquares(x).times(0.5).plus(q.dot(x)), g.times(x).le(h),
                a.times(x).eq(1));
        ConvexLayer layer = ConvexLayer.builder(problem).parameters(q, g, h, a).outputs(x).settings(IPM).build();
        double[] qv = gaussian(rnd, n);
        double[] gv = gaussian(rnd, m * n);
        double[] hv = uniform(rnd, m, 0.2, 1);
        double[] av = uniform(rnd, n, 0.5, 1.5);
        assertEquals(Algorithm.INTERIOR_POINT, layer.forward(qv, gv, hv, av).solution(0).algorithm());
        assertGradientsMatchFiniteDifferences(layer, new double[][] {qv, gv, hv, av},
                new double[][] {gaussian(rnd, n)}, H, TOL);
    }

    @Test
    void secondOrderConeProgram() {
        Random rnd = new Random(42);
        int n = 4;
        int m = 6;
        Parameter a = Parameter.matrix("A", m, n);
        Parameter b = Parameter.vector("b", m);
        Parameter lambda = Parameter.scalar("lambda");
        Variable x = Variable.vector("x", n);
        Problem problem = Problem.minimize(norm2(a.times(x).minus(b)).plus(lambda.times(sum(x))), x.ge(-1), x.le(1));
        ConvexLayer layer = ConvexLayer.builder(problem).parameters(a, b, lambda).outputs(x).settings(IPM).build();
        double[] av = gaussian(rnd, m * n);
        double[] bv = gaussian(rnd, m);
        assertEquals(Algorithm.INTERIOR_POINT, layer.forward(av, bv, new double[] {0.1}).solution(0).algorithm());
        assertGradientsMatchFiniteDifferences(layer, new double[][] {av, bv, {0.1}},
                new double[][] {gaussian(rnd, n)}, H, TOL);
    }
}
