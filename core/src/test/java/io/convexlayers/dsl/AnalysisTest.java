// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.convexlayers.dsl.Atoms.*;
import static org.junit.jupiter.api.Assertions.*;

/** Sign, curvature and monotonicity of atoms and operations, printing, and numeric values. */
class AnalysisTest {
    private final Variable x = Variable.vector("x", 3);
    private final Variable y = Variable.scalar("y");
    private final Variable pos = Variable.vector("u", 3, Attribute.NONNEG);
    private final Parameter a = Parameter.matrix("A", 2, 3);
    private final Parameter b = Parameter.vector("b", 2);
    private final Parameter gamma = Parameter.scalar("gamma", Attribute.NONNEG);

    @Test
    void atomCurvatureAndSign() {
        assertEquals(Curvature.CONVEX, abs(x).curvature());
        assertEquals(Sign.NONNEG, abs(x).sign());
        assertEquals(Curvature.CONCAVE, abs(x).negate().curvature());
        assertEquals(Curvature.CONCAVE, sqrt(x).curvature());
        assertEquals(Curvature.CONVEX, power(x, 3).curvature());
        assertEquals(Curvature.CONVEX, power(x, -0.5).curvature());
        assertEquals(Curvature.CONCAVE, power(x, 0.3).curvature());
        assertEquals(Curvature.AFFINE, power(x, 1).curvature());
        assertEquals(Curvature.CONSTANT, power(x, 0).curvature());
        assertEquals(Curvature.CONCAVE, entr(x).curvature());
        assertEquals(Curvature.CONVEX, logSumExp(x).curvature());
        assertEquals(Curvature.CONCAVE, geoMean(x).curvature());
        assertEquals(Curvature.CONVEX, sumLargest(x, 2).curvature());
        assertEquals(Curvature.CONVEX, klDiv(x, pos).curvature());
        assertEquals(Curvature.CONVEX, relEntr(x, pos).curvature());
        assertEquals(Curvature.CONCAVE, logDet(Variable.symmetric("S", 3)).curvature());
        assertEquals(Curvature.CONVEX, normNuc(Variable.matrix("M", 2, 3)).curvature());
        assertEquals(Curvature.CONVEX, maximum(x, Constant.scalar(0)).curvature());
        assertEquals(Sign.NONNEG, maximum(x, Constant.scalar(0)).sign());
        assertEquals(Sign.NONPOS, minimum(x, Constant.scalar(-1)).sign());
    }

    @Test
    void compositionUsesMonotonicity() {
        assertEquals(Curvature.CONVEX, square(abs(x)).curvature(), "square is increasing on nonneg arguments");
        assertEquals(Curvature.UNKNOWN, square(sqrt(x)).curvature(), "square of concave with unknown sign... nonneg");
        assertEquals(Curvature.CONVEX, invPos(sqrt(x)).curvature(), "convex decreasing of concave");
        assertEquals(Curvature.CONCAVE, log(sqrt(x)).curvature());
        assertEquals(Curvature.CONVEX, norm2(pos(x)).curvature());
        assertEquals(Curvature.CONVEX, quadOverLin(x, sqrt(y)).curvature(), "decreasing in the concave denominator");
        assertEquals(Curvature.CONVEX, maximum(abs(x), exp(x)).curvature());
        assertEquals(Curvature.CONVEX, max(square(x)).curvature());
    }

    @Test
    void dcpVersusDppCurvature() {
        Expression ax = a.times(x).minus(b);
        assertEquals(Curvature.AFFINE, ax.curvature());
        assertEquals(Curvature.AFFINE, ax.curvature(Rules.DPP));
        assertEquals(Curvature.CONVEX, gamma.times(norm2(x)).curvature(Rules.DPP), "param-affine times param-free");
        assertEquals(Curvature.CONVEX, gamma.times(norm2(ax)).curvature(), "DCP: parameters are constants");
        assertEquals(Curvature.UNKNOWN, gamma.times(norm2(ax)).curvature(Rules.DPP), "both factors hold parameters");
        Expression gg = gamma.times(gamma.times(x));
        assertEquals(Curvature.AFFINE, gg.curvature());
        assertEquals(Curvature.UNKNOWN, gg.curvature(Rules.DPP));
        assertEquals(Curvature.CONSTANT, norm2(b).curvature());
        assertEquals(Curvature.CONVEX, norm2(b).curvature(Rules.DPP));
        assertTrue(a.T().isParameterAffine());
        assertTrue(x.isParameterFree());
    }

    @Test
    void printing() {
        Constant bigA = Constant.named("A", new double[][] {{1, 2, 3}, {4, 5, 6}});
        Variable m = Variable.matrix("M", 2, 3);
        assertEquals("norm2(A @ x - b)", norm2(bigA.times(x).minus(b)).toString());
        assertEquals("gamma * (gamma * x)", gamma.times(gamma.times(x)).toString());
        assertEquals("sumSquares(x) * 0.5 + gamma * norm1(x)",
                sumSquares(x).times(0.5).plus(gamma.times(norm1(x))).toString());
        assertEquals("M.T", m.T().toString());
        assertEquals("x[0:2]", x.slice(0, 2).toString());
        assertEquals("(x + 1)[1]", x.plus(1).get(1).toString());
        assertEquals("sum(M, axis=0)", m.sum(0).toString());
        assertEquals("huber(x - 1, 2)", huber(x.minus(1), 2).toString());
        assertEquals("-(x - y)", x.minus(y).negate().toString());
        assertEquals("x - (y - 1)", x.minus(y.minus(1)).toString());
        assertEquals("sqrt(x) <= 2", sqrt(x).le(2).toString());
        assertEquals("y >= 0", y.ge(0).toString());
    }

    @Test
    void numericValuesOfAtoms() {
        double[] v = {1, -2, 3};
        Map<Variable, double[]> at = Map.of(x, v);
        assertArrayEquals(new double[] {1, 2, 3}, abs(x).value(at));
        assertEquals(6, norm1(x).value(at)[0], 1e-15);
        assertEquals(Math.sqrt(14), norm2(x).value(at)[0], 1e-15);
        assertEquals(3, normInf(x).value(at)[0], 1e-15);
        assertEquals(4, sumLargest(x, 2).value(at)[0], 1e-15);
        assertEquals(Math.log(Math.exp(1) + Math.exp(-2) + Math.exp(3)), logSumExp(x).value(at)[0], 1e-14);
        assertArrayEquals(new double[] {1, 3, 5}, huber(x, 1).value(at), 1e-15);
        assertArrayEquals(new double[] {Math.log1p(Math.E), Math.log1p(Math.exp(-2)), Math.log1p(Math.exp(3))},
                logistic(x).value(at), 1e-14);
        assertEquals(Math.cbrt(6), geoMean(Constant.vector(1, 2, 3)).value()[0], 1e-14);
        Constant s = Constant.matrix(new double[][] {{2, 1}, {1, 2}});
        assertEquals(3, lambdaMax(s).value()[0], 1e-12);
        assertEquals(1, lambdaMin(s).value()[0], 1e-12);
        assertEquals(Math.log(3), logDet(s).value()[0], 1e-12);
        assertEquals(4, normNuc(s).value()[0], 1e-12);
        assertEquals(3, sigmaMax(s).value()[0], 1e-12);
        assertArrayEquals(new double[] {1, -1, 2}, cumsum(x).value(at), 1e-15);
    }
}
