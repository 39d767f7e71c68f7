// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.canon;

import io.convexlayers.dsl.CompileOptions;
import io.convexlayers.dsl.Constant;
import io.convexlayers.dsl.Expression;
import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.Variable;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.convexlayers.canon.CanonTesting.gaussian;
import static io.convexlayers.dsl.Atoms.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every affine operation's canonical tensor, evaluated at random variable and parameter values,
 * equals the expression's numeric value.
 */
class AffineCanonTest {
    private final Random rnd = new Random(31);
    private final Variable v = Variable.vector("v", 3);
    private final Variable w = Variable.vector("w", 2);
    private final Variable s = Variable.scalar("s");
    private final Variable m = Variable.matrix("M", 2, 3);
    private final Variable sq = Variable.matrix("S", 3, 3);
    private final Parameter pa = Parameter.matrix("A", 2, 3).setValue(gaussian(rnd, 6));
    private final Parameter pb = Parameter.vector("b", 3).setValue(gaussian(rnd, 3));
    private final Parameter pg = Parameter.scalar("g").setValue(1.7);
    private final Constant c23 = Constant.named("C", io.convexlayers.dsl.Shape.matrix(2, 3), gaussian(rnd, 6));
    private final Constant c32 = Constant.named("D", io.convexlayers.dsl.Shape.matrix(3, 2), gaussian(rnd, 6));

    private static double[] evaluate(AffineTensor t, double[] x, double[] theta) {
        double[] out = new double[t.length()];
        for (int k = 0; k < t.count(); k++) {
            double xv = t.col(k) == AffineTensor.CONST ? 1 : x[t.col(k)];
            double tv = t.slot(k) == AffineTensor.CONST ? 1 : theta[t.slot(k)];
            out[t.row(k)] += t.val(k) * xv * tv;
        }
        return out;
    }

    @Test
    void affineOperationsMatchNumericValues() {
        List<Expression> cases = List.of(
                v.plus(pb), v.minus(pb).negate(), v.plus(1), s.plus(v), v.times(2.5), pg.times(v), s.times(pb),
                v.multiply(pb), v.multiply(Constant.vector(1, -2, 3)), v.div(2), v.div(Constant.vector(1, 2, 4)),
                pa.times(v), c23.times(v), w.times(pa), v.dot(pb), pb.dot(v), m.times(c32), c23.times(sq),
                pa.times(sq), m.times(pb), c32.T().times(w.times(pa).reshape(1, 3).T()).flatten(),
                v.sum(), m.sum(), m.sum(0), m.sum(1), v.sum(0), v.get(1), m.get(1, 2), v.slice(1, 3),
                m.slice(0, 2, 1, 3), m.row(1), m.column(0), m.reshape(3, 2), m.reshape(6), m.flatten(), m.T(),
                v.T(), hstack(v, w, s), hstack(m, pa), vstack(m, pa, c23), vstack(v, pb), diag(v), diag(sq),
                sq.trace(),
                kron(Constant.matrix(new double[][] {{1, 2}, {3, 4}}), m), kron(m, Constant.matrix(new double[][] {{1, -1}})),
                kron(pa, s.reshape(1, 1)), kron(Constant.vector(1, 2), v),
                pa.T().times(w).plus(pb.times(s)).minus(v.multiply(pb)),
                sq.plus(sq.T()).times(0.5).minus(diag(v.times(pg))));
        List<Variable> vars = List.of(v, w, s, m, sq);
        List<Parameter> params = List.of(pa, pb, pg);
        Canonicalizer cx = new Canonicalizer(CompileOptions.defaults(), new ParameterLayout(params), vars);
        Canonicalizer cc = new Canonicalizer(CompileOptions.defaults().withParametersAsConstants(true),
                new ParameterLayout(List.of()), vars);
        double[] x = gaussian(rnd, 3 + 2 + 1 + 6 + 9);
        List<double[]> theta = new ArrayList<>();
        for (Parameter p : params) {
            theta.add(p.getValue());
        }
        double[] th = theta.stream().flatMapToDouble(java.util.Arrays::stream).toArray();
        Map<Variable, double[]> values = Map.of(v, slice(x, 0, 3), w, slice(x, 3, 2), s, slice(x, 5, 1),
                m, slice(x, 6, 6), sq, slice(x, 12, 9));
        for (Expression e : cases) {
            double[] expected = e.value(values);
            AffineTensor t = cx.canon(e);
            assertEquals(e.size(), t.length(), e.toString());
            assertArrayEquals(expected, evaluate(t, x, th), 1e-12, e.toString());
            assertArrayEquals(expected, evaluate(cc.canon(e), x, new double[0]), 1e-12, e + " (constants)");
        }
        assertTrue(cx.constraints().isEmpty(), "affine expressions add no constraints");
    }

    @Test
    void cumulativeSumsHaveLinearSizeAndTheRightValues() {
        // minimize ‖cumsum(x) − t‖²: x is the sequence of first differences of t
        Variable x = Variable.vector("x", 5);
        double[] t = {1, 3, 2, 5, 4};
        io.convexlayers.dsl.ProblemSolution s = io.convexlayers.dsl.Problem
                .minimize(sumSquares(cumsum(x).minus(Constant.vector(t)))).solve(CanonTesting.TIGHT);
        assertArrayEquals(new double[] {1, 2, -1, 3, -1}, s.value(x), 1e-6);
        Variable mm = Variable.matrix("M", 2, 3);
        double[] target = {1, 2, 3, 4, 5, 6};
        for (int axis = 0; axis < 2; axis++) {
            s = io.convexlayers.dsl.Problem.minimize(sumSquares(mm.cumsum(axis).minus(
                    Constant.of(io.convexlayers.dsl.Shape.matrix(2, 3), target)))).solve(CanonTesting.TIGHT);
            double[] expected = axis == 0 ? new double[] {1, 2, 3, 3, 3, 3} : new double[] {1, 1, 1, 4, 1, 1};
            assertArrayEquals(expected, s.value(mm), 1e-6, "axis " + axis);
        }
        Variable big = Variable.vector("y", 10_000);
        ParametricConeProgram pc = Compiler.compile(io.convexlayers.dsl.Problem.minimize(sum(cumsum(big)), big.ge(0)));
        assertTrue(pc.aPattern().nnz() < 40_000, "linear-size cone form, got nnz(A) = " + pc.aPattern().nnz());
    }

    private static double[] slice(double[] x, int off, int len) {
        return java.util.Arrays.copyOfRange(x, off, off + len);
    }
}
