// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.canon;

import io.convexlayers.dsl.Attribute;
import io.convexlayers.dsl.Constant;
import io.convexlayers.dsl.Expression;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.ProblemSolution;
import io.convexlayers.dsl.Shape;
import io.convexlayers.dsl.Variable;
import io.convexlayers.solver.SolverStatus;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.Function;

import static io.convexlayers.canon.CanonTesting.*;
import static io.convexlayers.dsl.Atoms.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Each atom's graph implementation is exact at a point: with the argument pinned by an equality,
 * minimizing a convex atom (maximizing a concave one) gives the atom's value there — once as the
 * objective (native quadratic forms where they apply) and once through an epigraph constraint
 * (cone forms).
 */
class AtomGraphsTest {
    private static final double[] X0 = {0.7, -1.3, 2.1};
    private static final double[] POS0 = {0.7, 1.3, 2.1};
    private static final double[] M0 = {0.7, -1.3, 2.1, 0.4, 1.1, -0.6};
    private static final double[] SYM0 = {2.0, 0.5, -0.3, 0.5, 1.5, 0.2, -0.3, 0.2, 1.0};

    /** Pins a variable of {@code shape} to {@code x0} and checks atom(x) against its value. */
    private static void checkAtom(Shape shape, double[] x0, Function<Expression, Expression> atom) {
        Variable x = Variable.of("x", shape);
        Expression f = atom.apply(x);
        double expected = f.value(Map.of(x, x0))[0];
        Constant c = Constant.of(shape, x0);
        boolean convex = f.isConvex();
        Problem direct = convex ? Problem.minimize(f, x.eq(c)) : Problem.maximize(f, x.eq(c));
        ProblemSolution s = direct.solve(TIGHT);
        assertEquals(SolverStatus.SOLVED, s.status(), f.toString());
        assertEquals(expected, s.objective(), 1e-6 * Math.max(1, Math.abs(expected)), f + " as objective");
        Variable t = Variable.scalar("t");
        Problem epi = convex ? Problem.minimize(t, f.le(t), x.eq(c)) : Problem.maximize(t, f.ge(t), x.eq(c));
        ProblemSolution se = epi.solve(TIGHT);
        assertEquals(SolverStatus.SOLVED, se.status(), f.toString());
        assertEquals(expected, se.objective(), 1e-6 * Math.max(1, Math.abs(expected)), f + " in a constraint");
    }

    @Test
    void piecewiseLinearAtoms() {
        Shape v = Shape.vector(3);
        checkAtom(v, X0, x -> sum(abs(x)));
        checkAtom(v, X0, x -> sum(pos(x)));
        checkAtom(v, X0, x -> sum(neg(x)));
        checkAtom(v, X0, x -> sum(maximum(x, Constant.scalar(0.5), x.times(-1))));
        checkAtom(v, X0, x -> sum(minimum(x, Constant.vector(1, 1, 1))));
        checkAtom(v, X0, x -> max(x));
        checkAtom(v, X0, x -> min(x));
        checkAtom(Shape.matrix(2, 3), M0, x -> sum(max(x, 0)));
        checkAtom(Shape.matrix(2, 3), M0, x -> sum(min(x, 1)));
        checkAtom(v, X0, x -> norm1(x));
        checkAtom(v, X0, x -> normInf(x));
        checkAtom(v, X0, x -> sumLargest(x, 2));
        checkAtom(v, X0, x -> sumLargest(x, 1.5));
    }

    @Test
    void secondOrderConeAtoms() {
        Shape v = Shape.vector(3);
        checkAtom(v, X0, x -> norm2(x));
        checkAtom(v, X0, x -> sumSquares(x));
        checkAtom(v, X0, x -> sumSquares(x.minus(1)).times(0.5).plus(2));
        checkAtom(v, X0, x -> sum(square(x)));
        checkAtom(v, X0, x -> sum(power(x, 2)));
        checkAtom(v, X0, x -> sum(huber(x, 1)));
        checkAtom(v, X0, x -> sum(huber(x, 0.5)).times(3));
        checkAtom(v, X0, x -> quadOverLin(x, 2.5));
        checkAtom(v, X0, x -> quadForm(x, Constant.matrix(new double[][] {{2, 1, 0}, {1, 2, 0}, {0, 0, 1}})));
        checkAtom(v, X0, x -> quadForm(x, Constant.matrix(new double[][] {{1, 1, 0}, {1, 1, 0}, {0, 0, 0}})));
        checkAtom(v, X0, x -> quadForm(x, Constant.matrix(new double[][] {{-1, 0, 0}, {0, -2, 0}, {0, 0, -1}})));
        checkAtom(v, POS0, x -> sum(sqrt(x)));
        checkAtom(v, POS0, x -> sum(invPos(x)));
        checkAtom(Shape.scalar(), new double[] {1.7}, x -> quadOverLin(Constant.vector(1, 2), x));
        checkAtom(Shape.matrix(2, 3), M0, x -> norm2(x));
    }

    @Test
    void exponentialConeAtoms() {
        Shape v = Shape.vector(3);
        checkAtom(v, X0, x -> sum(exp(x)));
        checkAtom(v, POS0, x -> sum(log(x)));
        checkAtom(v, POS0, x -> sum(entr(x)));
        checkAtom(v, X0, x -> logSumExp(x));
        checkAtom(v, X0, x -> sum(logistic(x)));
        checkAtom(v, POS0, x -> sum(klDiv(x, Constant.vector(1, 2, 0.5))));
        checkAtom(v, POS0, x -> sum(relEntr(x, Constant.vector(1, 2, 0.5))));
        checkAtom(v, POS0, x -> sum(relEntr(Constant.vector(1, 2, 0.5), x)));
    }

    @Test
    void powerConeAtoms() {
        Shape v = Shape.vector(3);
        checkAtom(v, POS0, x -> sum(power(x, 3)));
        checkAtom(v, X0, x -> sum(power(x, 4)));
        checkAtom(v, POS0, x -> sum(power(x, 1.5)));
        checkAtom(v, POS0, x -> sum(power(x, 0.3)));
        checkAtom(v, POS0, x -> sum(power(x, -2)));
        checkAtom(v, POS0, x -> sum(power(x, -0.5)));
        checkAtom(v, POS0, x -> geoMean(x));
        checkAtom(v, POS0, x -> geoMean(x, 1, 0, 3));
    }

    @Test
    void semidefiniteAtoms() {
        Shape sq = Shape.matrix(3, 3);
        checkAtom(sq, SYM0, x -> lambdaMax(x));
        checkAtom(sq, SYM0, x -> lambdaMin(x));
        checkAtom(Shape.matrix(2, 3), M0, x -> sigmaMax(x));
        checkAtom(Shape.matrix(2, 3), M0, x -> normNuc(x));
        checkAtom(sq, SYM0, x -> lambdaMax(x.plus(x.T()).times(0.5)));
    }

    @Test
    void logDeterminant() {
        checkAtom(Shape.matrix(3, 3), SYM0, x -> logDet(x));
    }

    @Test
    void variableAttributesBecomeConstraints() {
        Variable u = Variable.vector("u", 3, Attribute.NONNEG);
        ProblemSolution s = Problem.minimize(sumSquares(u.minus(Constant.vector(X0)))).solve(TIGHT);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {0.7, 0, 2.1}, s.value(u), 1e-6);
        Variable w = Variable.vector("w", 3, Attribute.NONPOS);
        s = Problem.minimize(sumSquares(w.minus(Constant.vector(X0)))).solve(TIGHT);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {0, -1.3, 0}, s.value(w), 1e-6);
        Variable sym = Variable.symmetric("X", 2);
        Constant target = Constant.matrix(new double[][] {{1, 2}, {0, 3}});
        s = Problem.minimize(sumSquares(sym.minus(target))).solve(TIGHT);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {1, 1, 1, 3}, s.value(sym), 1e-6);
    }
}
