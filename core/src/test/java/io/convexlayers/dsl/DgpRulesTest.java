// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import org.junit.jupiter.api.Test;

import static io.convexlayers.dsl.Atoms.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The log-log curvature rules and the DGP checks: curvatures of the standard forms, and for each
 * kind of violation a diagnosis naming the smallest offending sub-expression with its reason and,
 * where one exists, the rewrite.
 */
class DgpRulesTest {
    private final Variable x = Variable.scalar("x", Attribute.POS);
    private final Variable y = Variable.scalar("y", Attribute.POS);
    private final Parameter theta = Parameter.scalar("theta", Attribute.POS).setValue(2);

    private static Curvature ll(Expression e, Rules r) {
        return new LogLogRules(r).of(e);
    }

    @Test
    void curvaturesOfTheStandardForms() {
        assertEquals(Curvature.AFFINE, ll(x.times(y).times(3).div(power(y, 0.5)), Rules.DCP), "monomial");
        assertEquals(Curvature.CONVEX, ll(x.plus(y.times(x)), Rules.DCP), "posynomial");
        assertEquals(Curvature.CONCAVE, ll(oneMinusPos(x), Rules.DCP));
        assertEquals(Curvature.CONCAVE, ll(minimum(x, y), Rules.DCP));
        assertEquals(Curvature.CONVEX, ll(maximum(x.plus(y), y), Rules.DCP));
        assertEquals(Curvature.CONCAVE, ll(x.div(x.plus(y)), Rules.DCP), "monomial over posynomial");
        assertEquals(Curvature.CONSTANT, ll(theta.plus(1), Rules.DCP), "parameters are constants under DCP");
        assertEquals(Curvature.CONVEX, ll(theta.plus(1), Rules.DPP), "and log-log affine under DPP");
        assertEquals(Curvature.AFFINE, ll(theta.times(x), Rules.DPP));
        assertEquals(Curvature.UNKNOWN, ll(x.plus(y).div(x.plus(y)), Rules.DCP), "posynomial over posynomial");
        assertEquals(Curvature.UNKNOWN, ll(x.minus(y), Rules.DCP), "subtraction");
    }

    private static DgpException rejects(Problem p, Rules r) {
        DgpDiagnosis d = p.diagnoseDgp(r);
        assertNotNull(d, "expected a violation of " + p);
        DgpException e = assertThrows(DgpException.class, () -> p.requireDgp(r));
        assertEquals(d.offending(), e.offendingExpression());
        assertTrue(e.getMessage().contains(e.offendingExpression()), e.getMessage());
        return e;
    }

    @Test
    void aVariableNotDeclaredPositiveIsNamedWithTheFix() {
        Variable z = Variable.scalar("z");
        DgpException e = rejects(Problem.minimize(x.plus(z.times(x))), Rules.DCP);
        assertEquals("z", e.offendingExpression());
        assertTrue(e.reason().contains("not declared positive"), e.reason());
        assertTrue(e.suggestion().contains("Attribute.POS"), e.suggestion());
    }

    @Test
    void subtractionIsNamed() {
        DgpException e = rejects(Problem.minimize(x, x.minus(y).le(1)), Rules.DCP);
        assertEquals("-y", e.offendingExpression());
        assertTrue(e.reason().contains("subtraction"), e.reason());
        assertTrue(e.suggestion().contains("other side"), e.suggestion());
    }

    @Test
    void aPosynomialOnTheLargerSideIsNamed() {
        Problem p = Problem.minimize(x.times(y), x.times(3).le(y.plus(x)));
        DgpException e = rejects(p, Rules.DCP);
        assertEquals("x * 3 <= y + x", e.offendingExpression());
        assertTrue(e.reason().contains("larger side") && e.reason().contains("log-log convex"), e.reason());
        assertTrue(e.suggestion().contains("posynomial <= monomial"), e.suggestion());
    }

    @Test
    void anEqualityNeedsMonomials() {
        DgpException e = rejects(Problem.minimize(x, x.plus(y).eq(2)), Rules.DCP);
        assertTrue(e.reason().contains("monomials"), e.reason());
    }

    @Test
    void aNonDgpAtomIsNamed() {
        DgpException e = rejects(Problem.minimize(abs(x).plus(y)), Rules.DCP);
        assertEquals("abs(x)", e.offendingExpression());
        assertTrue(e.reason().contains("not a log-log atom"), e.reason());
    }

    @Test
    void aNonPositiveConstantIsNamed() {
        DgpException e = rejects(Problem.minimize(x.times(-2).plus(y)), Rules.DCP);
        assertEquals("-2", e.offendingExpression());
        assertTrue(e.reason().contains("must be positive"), e.reason());
    }

    @Test
    void theWrongObjectiveDirection() {
        DgpException e = rejects(Problem.maximize(x.plus(y), x.le(1), y.le(1)), Rules.DCP);
        assertTrue(e.reason().contains("maximizing a log-log convex"), e.reason());
    }

    @Test
    void compositionRuleViolationSaysWhatTheArgumentMustBe() {
        DgpException e = rejects(Problem.minimize(maximum(oneMinusPos(x), y)), Rules.DCP);
        assertEquals("maximum(oneMinusPos(x), y)", e.offendingExpression());
        assertTrue(e.reason().contains("must be log-log convex"), e.reason());
    }

    /**
     * x ≤ θ + 1 is DGP for a fixed θ, but its larger side is a posynomial of the parameter, which is
     * log-log convex once θ counts as log-log affine: not DPP; solved with the value folded in.
     */
    @Test
    void aParameterPosynomialOnTheLargerSideIsDgpButNotDpp() {
        Problem p = Problem.maximize(x, x.le(theta.plus(1)));
        assertTrue(p.isDgp());
        DgpException e = rejects(p, Rules.DPP);
        assertEquals(Rules.DPP, e.rules());
        assertTrue(e.getMessage().startsWith("not DPP under the DGP rules"), e.getMessage());
        assertTrue(e.suggestion().contains("new positive parameter"), e.suggestion());
        assertThrows(DgpException.class, p::logLogForm);
        ProblemSolution s = p.solveGp(SolverSettings.defaults().withEps(1e-9));
        assertEquals(SolverStatus.SOLVED, s.status());
        assertEquals(3, s.value(x)[0], 1e-6);
    }

    @Test
    void theLogLogAtomsAreNotDcp() {
        DcpException e = assertThrows(DcpException.class, () -> Problem.minimize(prod(Variable.vector("v", 2))).requireDcp());
        assertTrue(e.getMessage().contains("log-log"), e.getMessage());
    }

    @Test
    void solveRoutesANonDcpGeometricProgramThroughTheLogLogForm() {
        Constraint ratio = x.eq(y.times(2));
        Problem p = Problem.minimize(x.times(y).plus(invPos(x.times(y))), ratio); // xy = 1 at the optimum
        assertFalse(p.isDcp());
        ProblemSolution s = p.solve(SolverSettings.defaults().withEps(1e-9));
        assertEquals(2, s.objective(), 1e-6);
        assertEquals(Math.sqrt(2), s.value(x)[0], 1e-6);
        assertEquals(1 / Math.sqrt(2), s.value(y)[0], 1e-6);
        assertEquals(2, s.value(p.objective())[0], 1e-6);
        io.convexlayers.ConvexLayersException e = assertThrows(io.convexlayers.ConvexLayersException.class,
                () -> s.dual(ratio));
        assertTrue(e.getMessage().contains("not available"), e.getMessage());
    }

    @Test
    void aDcpProblemKeepsItsConvexMeaningForPositiveVariables() {
        Problem p = Problem.minimize(x, x.ge(constant(1).minus(y)), y.le(0.25));
        assertTrue(p.isDcp());
        ProblemSolution s = p.solve(SolverSettings.defaults().withEps(1e-9));
        assertEquals(0.75, s.value(x)[0], 1e-6);
    }
}
