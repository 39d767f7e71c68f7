// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import io.convexlayers.canon.Compiler;
import io.convexlayers.ConvexLayersException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static io.convexlayers.dsl.Atoms.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Problems the DCP or DPP rules reject: each case asserts the exception type and that the message
 * names the smallest offending sub-expression (and the suggested rewrite where one exists).
 */
class DcpRejectionTest {
    private final Variable x = Variable.vector("x", 3);
    private final Variable y = Variable.scalar("y");
    private final Variable z = Variable.scalar("z");
    private final Parameter gamma = Parameter.scalar("gamma", Attribute.NONNEG).setValue(2);
    private final Parameter p = Parameter.scalar("p", Attribute.POS).setValue(4);
    private final Parameter free = Parameter.scalar("c").setValue(-1);
    private final Parameter pP = Parameter.matrix("P", 3, 3, Attribute.PSD).setValue(new double[] {2, 0, 0, 0, 2, 0, 0, 0, 2});

    private static DcpException assertNotDcp(Problem problem, String offending) {
        assertFalse(problem.isDcp());
        assertFalse(problem.isDpp());
        DcpException e = assertThrows(DcpException.class, () -> Compiler.compile(problem));
        assertEquals(offending, e.offendingExpression());
        assertTrue(e.getMessage().contains(offending), e.getMessage());
        assertTrue(problem.explainDcp().contains(offending), problem.explainDcp());
        assertThrows(DcpException.class, problem::solve);
        return e;
    }

    private static DppException assertNotDpp(Problem problem, String offending) {
        assertTrue(problem.isDcp(), problem.explainDcp());
        assertFalse(problem.isDpp());
        DppException e = assertThrows(DppException.class, () -> Compiler.compile(problem));
        assertEquals(offending, e.offendingExpression());
        assertTrue(e.getMessage().contains(offending), e.getMessage());
        assertTrue(problem.explainDpp().contains(offending), problem.explainDpp());
        return e;
    }

    @Test
    void convexOfConcave() {
        assertNotDcp(Problem.minimize(norm2(sqrt(x))), "norm2(sqrt(x))");
    }

    @Test
    void convexIncreasingOfConcave() {
        DcpException e = assertNotDcp(Problem.minimize(sum(exp(log(x)))), "exp(log(x))");
        assertTrue(e.reason().contains("increasing"), e.reason());
    }

    @Test
    void concaveIncreasingOfConvex() {
        assertNotDcp(Problem.maximize(sum(log(exp(x)))), "log(exp(x))");
    }

    @Test
    void wrongMonotonicityOfDecreasingAtom() {
        assertNotDcp(Problem.minimize(sum(neg(abs(x)))), "neg(abs(x))");
    }

    @Test
    void concaveOfConvexInsideSum() {
        assertNotDcp(Problem.maximize(sum(sqrt(square(x)))), "sqrt(square(x))");
    }

    @Test
    void minimizingConcave() {
        DcpException e = assertNotDcp(Problem.minimize(log(y)), "log(y)");
        assertTrue(e.reason().contains("minimizing a concave"), e.reason());
    }

    @Test
    void maximizingConvex() {
        assertNotDcp(Problem.maximize(norm2(x)), "norm2(x)");
    }

    @Test
    void equalityOfConvexExpressions() {
        DcpException e = assertNotDcp(Problem.minimize(y, norm2(x).eq(y)), "norm2(x) == y");
        assertTrue(e.reason().contains("affine"), e.reason());
    }

    @Test
    void convexOnTheLargerSide() {
        assertNotDcp(Problem.minimize(y, norm2(x).ge(1)), "norm2(x) >= 1");
    }

    @Test
    void sumOfConvexAndConcave() {
        DcpException e = assertNotDcp(Problem.minimize(norm2(x).plus(log(y))), "norm2(x) + log(y)");
        assertTrue(e.reason().contains("norm2(x)") && e.reason().contains("log(y)"), e.reason());
    }

    @Test
    void productOfVariables() {
        assertNotDcp(Problem.minimize(y.times(z), y.ge(0), z.ge(0)), "y * z");
    }

    @Test
    void divisionByVariable() {
        assertNotDcp(Problem.minimize(Constant.scalar(1).div(y), y.ge(1)), "1 / y");
    }

    @Test
    void coefficientOfUnknownSign() {
        DcpException e = assertNotDcp(Problem.minimize(free.times(norm2(x))), "c * norm2(x)");
        assertTrue(e.reason().contains("unknown sign"), e.reason());
    }

    @Test
    void indefiniteQuadraticForm() {
        Constant q = Constant.named("Q", new double[][] {{1, 0, 0}, {0, -1, 0}, {0, 0, 1}});
        DcpException e = assertNotDcp(Problem.minimize(quadForm(x, q)), "quadForm(x, Q)");
        assertTrue(e.reason().contains("indefinite"), e.reason());
    }

    @Test
    void quadraticFormOfNonAffine() {
        Constant q = Constant.named("Q", new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}});
        assertNotDcp(Problem.minimize(quadForm(abs(x), q)), "quadForm(abs(x), Q)");
    }

    @Test
    void quadraticFormWithUndeclaredParameterMatrix() {
        Parameter q = Parameter.matrix("Q", 3, 3).setValue(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1});
        DcpException e = assertNotDcp(Problem.minimize(quadForm(x, q)), "quadForm(x, Q)");
        assertTrue(e.reason().contains("not declared PSD"), e.reason());
    }

    @Test
    void secondOrderConeOfNonAffine() {
        assertNotDcp(Problem.minimize(y, Constraint.soc(y, abs(x))), "soc(y, abs(x))");
    }

    @Test
    void concaveOfConvexInConstraint() {
        assertNotDcp(Problem.minimize(y, log(square(y)).ge(0)), "log(square(y))");
    }

    @Test
    void minimumOfConvex() {
        assertNotDcp(Problem.minimize(min(abs(x))), "min(abs(x))");
    }

    @Test
    void eigenvalueOfNonAffine() {
        Variable m = Variable.matrix("M", 2, 2);
        assertNotDcp(Problem.minimize(lambdaMax(abs(m))), "lambdaMax(abs(M))");
    }

    @Test
    void divisionByParameterOfUnknownSign() {
        DcpException e = assertNotDcp(Problem.minimize(norm2(x).div(free)), "norm2(x) / c");
        assertTrue(e.reason().contains("sign"), e.reason());
    }

    // ------------------------------------------------------------------ DCP but not DPP

    @Test
    void parameterTimesParameterTimesVariable() {
        DppException e = assertNotDpp(Problem.minimize(sum(gamma.times(gamma.times(x))), x.ge(0)),
                "gamma * (gamma * x)");
        assertTrue(e.suggestion().contains("y == gamma * x"), e.suggestion());
        assertTrue(e.suggestion().contains("gamma * y"), e.suggestion());
    }

    @Test
    void productOfParameters() {
        DppException e = assertNotDpp(Problem.minimize(sum(gamma.times(gamma).times(x)), x.ge(0)), "gamma * gamma");
        assertTrue(e.suggestion().contains("new parameter"), e.suggestion());
    }

    @Test
    void quadraticFormWithParameterMatrixInConstraint() {
        DppException e = assertNotDpp(Problem.minimize(sum(x), quadForm(x, pP).le(1)), "quadForm(x, P)");
        assertTrue(e.suggestion().contains("sumSquares(Psqrt @ x)"), e.suggestion());
    }

    @Test
    void quadraticFormWithParameterMatrixUnderNonlinearAtom() {
        assertNotDpp(Problem.minimize(maximum(quadForm(x, pP), Constant.scalar(1))), "quadForm(x, P)");
    }

    @Test
    void quadraticFormWithParameterMatrixTimesParameter() {
        assertNotDpp(Problem.minimize(gamma.times(quadForm(x, pP))), "gamma * quadForm(x, P)");
    }

    @Test
    void divisionByParameter() {
        DppException e = assertNotDpp(Problem.minimize(norm1(x.div(p))), "x / p");
        assertTrue(e.suggestion().contains("x * q") && e.suggestion().contains("1/p"), e.suggestion());
    }

    @Test
    void nonAffineParameterCoefficient() {
        DppException e = assertNotDpp(Problem.minimize(norm1(exp(p).times(x))), "exp(p) * x");
        assertTrue(e.reason().contains("not affine in the parameters"), e.reason());
        assertTrue(e.suggestion().contains("new parameter"), e.suggestion());
    }

    @Test
    void equalityWithNonAffineParameterExpression() {
        assertNotDpp(Problem.minimize(y, y.eq(exp(p))), "y == exp(p)");
    }

    @Test
    void dcpButNotDppProblemsStillSolveForFixedValues() {
        Problem problem = Problem.minimize(norm1(gamma.times(gamma.times(x)).minus(Constant.vector(4, 8, -4))));
        ProblemSolution s = problem.solve(io.convexlayers.solver.SolverSettings.defaults().withEps(1e-9));
        assertArrayEquals(new double[] {1, 2, -1}, s.value(x), 1e-6);
    }

    // ------------------------------------------------------------------ shapes

    @Test
    void nonSquarePsdConstraintIsAShapeError() {
        Variable m = Variable.matrix("M", 2, 3);
        ShapeException e = assertThrows(ShapeException.class, () -> Constraint.psd(m));
        assertTrue(e.getMessage().contains("psd(M)") && e.getMessage().contains("(2, 3)"), e.getMessage());
    }

    @Test
    void allExceptionsAreTyped() {
        for (Class<?> c : new Class<?>[] {DcpException.class, DppException.class, ShapeException.class,
                ParameterValueException.class}) {
            assertTrue(ConvexLayersException.class.isAssignableFrom(c), c.getName());
        }
        Executable e = () -> Problem.minimize(x);
        assertThrows(ShapeException.class, e);
    }
}
