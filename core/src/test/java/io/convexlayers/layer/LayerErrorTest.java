// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.layer;

import io.convexlayers.dsl.Attribute;
import io.convexlayers.dsl.Constraint;
import io.convexlayers.dsl.DppException;
import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.Variable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static io.convexlayers.dsl.Atoms.sumSquares;
import static org.junit.jupiter.api.Assertions.*;

/** Every misuse gives a typed exception whose message names the argument and the sizes. */
class LayerErrorTest {
    private final Parameter q = Parameter.vector("q", 3);
    private final Parameter g = Parameter.matrix("G", 2, 3);
    private final Parameter h = Parameter.vector("h", 2);
    private final Variable x = Variable.vector("x", 3);
    private final Constraint ineq = g.times(x).le(h);
    private final Problem problem = Problem.minimize(sumSquares(x).times(0.5).plus(q.dot(x)), ineq);
    private final ConvexLayer layer = ConvexLayer.builder(problem).parameters(q, g, h).outputs(x).build();
    private final double[] q1 = {1, 2, 3};
    private final double[] g1 = {1, 0, 0, 0, 1, 0};
    private final double[] h1 = {1, 1};

    private static <T extends Throwable> void assertMessage(Class<T> type, Executable call, String... parts) {
        T e = assertThrows(type, call);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message \"" + e.getMessage() + "\" should contain \"" + p + "\"");
        }
    }

    @Test
    void aProblemThatIsNotDppIsRejectedWithTheExplanation() {
        Parameter gamma = Parameter.scalar("gamma", Attribute.NONNEG);
        Problem notDpp = Problem.minimize(sumSquares(gamma.times(gamma).times(x)));
        assertFalse(notDpp.isDpp());
        DppException e = assertThrows(DppException.class, () -> ConvexLayer.builder(notDpp).outputs(x).build());
        assertTrue(e.getMessage().contains("gamma"), e.getMessage());
        assertNotNull(e.suggestion(), "a rewrite is suggested");
        assertTrue(notDpp.explainDpp().contains(e.offendingExpression()));
    }

    @Test
    void parameterListMustMatchTheProblem() {
        assertMessage(LayerDefinitionException.class,
                () -> ConvexLayer.builder(problem).parameters(q, g).outputs(x).build(),
                "must list every parameter", "missing: h", "(q, G, h)");
        Parameter z = Parameter.scalar("z");
        assertMessage(LayerDefinitionException.class,
                () -> ConvexLayer.builder(problem).parameters(q, g, h, z).outputs(x).build(),
                "parameter z is not a parameter of the problem");
        assertMessage(LayerDefinitionException.class,
                () -> ConvexLayer.builder(problem).parameters(q, g, g, h).outputs(x).build(), "G is listed twice");
        // without parameters(...) the problem's own order is used
        assertEquals(problem.parameters(), ConvexLayer.builder(problem).outputs(x).build().parameters());
    }

    @Test
    void outputsMustBelongToTheProblem() {
        Variable other = Variable.vector("y", 2);
        assertMessage(LayerDefinitionException.class,
                () -> ConvexLayer.builder(problem).parameters(q, g, h).outputs(other).build(),
                "output y is not a variable of the problem", "[x]");
        Constraint foreign = other.ge(0);
        assertMessage(LayerDefinitionException.class,
                () -> ConvexLayer.builder(problem).parameters(q, g, h).duals(foreign).build(),
                "is not a constraint of the problem");
        assertMessage(LayerDefinitionException.class,
                () -> ConvexLayer.builder(problem).parameters(q, g, h).build(), "at least one output");
        assertMessage(LayerDefinitionException.class,
                () -> ConvexLayer.builder(problem).outputs(x, x).build(), "listed twice");
        assertMessage(LayerDefinitionException.class, () -> ConvexLayer.builder(problem).backend(null), "backend");
    }

    @Test
    void wrongNumberOfArrays() {
        assertMessage(LayerArgumentException.class, () -> layer.forward(q1, g1),
                "takes 3 arrays", "(q, G, h)", "but 2 were given");
    }

    @Test
    void wrongSizeNamesTheParameterAndBothSizes() {
        assertMessage(LayerArgumentException.class, () -> layer.forward(q1, new double[5], h1),
                "parameter G (shape (2, 3))", "expects 6 entries", "B·6", "the array has 5 entries");
        assertMessage(LayerArgumentException.class, () -> layer.forward(q1, null, h1), "parameter G", "is null");
    }

    @Test
    void inconsistentBatchSizes() {
        assertMessage(LayerArgumentException.class, () -> layer.forward(new double[6], g1, new double[6]),
                "inconsistent batch sizes", "q has a batch of 2", "h (shape (2,)) has a batch of 3");
        assertMessage(LayerArgumentException.class,
                () -> layer.forward(ForwardOptions.batch(4), new double[6], g1, h1),
                "the stated batch size is 4", "q (shape (3,)) has a batch of 2");
    }

    @Test
    void nonFiniteValuesNameInstanceAndEntry() {
        double[] gBatch = new double[12];
        gBatch[6 + 4] = Double.NaN;
        assertMessage(LayerArgumentException.class, () -> layer.forward(q1, gBatch, h1),
                "parameter G, instance 1, entry 4 (row 1, column 1) is NaN");
        assertMessage(LayerArgumentException.class,
                () -> layer.forward(new double[] {1, Double.POSITIVE_INFINITY, 0}, g1, h1),
                "parameter q, entry 1 is Infinity");
    }

    @Test
    void anEmptyBatchIsRejected() {
        assertMessage(LayerArgumentException.class, () -> layer.forward(new double[0], g1, h1),
                "parameter q", "is empty", "B = 0");
        assertMessage(LayerArgumentException.class, () -> layer.forward(ForwardOptions.batch(0), q1, g1, h1),
                "at least 1", "0 was stated");
    }

    @Test
    void attributeViolationsNameTheInstance() {
        Parameter lam = Parameter.scalar("lambda", Attribute.NONNEG);
        ConvexLayer l = ConvexLayer.builder(Problem.minimize(sumSquares(x).plus(lam.times(sumSquares(x.minus(1))))))
                .outputs(x).build();
        assertMessage(LayerArgumentException.class, () -> l.forward(new double[] {1, -2}),
                "instance 1", "lambda is declared NONNEG");
    }

    @Test
    void backwardChecksItsArrays() {
        LayerResult r = layer.forward(new double[6], g1, h1);
        assertMessage(LayerArgumentException.class, () -> r.backward(new double[3], new double[3]),
                "backward takes 1 array", "[x]", "2 were given");
        assertMessage(LayerArgumentException.class, () -> r.backward(new double[3]),
                "output x must have 2 × 3 = 6 entries", "has 3");
        double[] bad = new double[6];
        bad[4] = Double.NaN;
        assertMessage(LayerArgumentException.class, () -> r.backward(bad), "output x, instance 1, entry 1 is NaN");
        assertMessage(LayerArgumentException.class, () -> r.value(Variable.scalar("w")), "not an output of this layer");
        assertMessage(LayerArgumentException.class, () -> r.backward(new double[6]).of(Parameter.scalar("p")),
                "p is not a parameter of this layer");
        assertMessage(LayerArgumentException.class, () -> r.status(2), "instance 2 is out of range");
    }
}
