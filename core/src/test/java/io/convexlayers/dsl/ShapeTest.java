// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static io.convexlayers.dsl.Atoms.*;
import static org.junit.jupiter.api.Assertions.*;

/** Shape rules: results of operations, and errors that name both operands' shapes. */
class ShapeTest {
    private final Variable v3 = Variable.vector("v", 3);
    private final Variable w4 = Variable.vector("w", 4);
    private final Variable m23 = Variable.matrix("M", 2, 3);
    private final Variable n32 = Variable.matrix("N", 3, 2);
    private final Variable s = Variable.scalar("s");

    private static void assertShapeError(Executable e, String... mentions) {
        ShapeException ex = assertThrows(ShapeException.class, e);
        for (String m : mentions) {
            assertTrue(ex.getMessage().contains(m), "'" + m + "' missing in: " + ex.getMessage());
        }
    }

    @Test
    void elementwiseMismatchNamesBothShapes() {
        assertShapeError(() -> v3.plus(w4), "(3,)", "(4,)", "v", "w");
        assertShapeError(() -> m23.multiply(n32), "(2, 3)", "(3, 2)");
        assertShapeError(() -> v3.le(w4), "(3,)", "(4,)");
        assertShapeError(() -> v3.eq(m23), "(3,)", "(2, 3)");
        assertShapeError(() -> maximum(v3, w4), "(3,)", "(4,)");
        assertShapeError(() -> v3.dot(w4), "(3,)", "(4,)");
    }

    @Test
    void matrixProductMismatchNamesBothShapes() {
        assertShapeError(() -> m23.times(w4), "(2, 3)", "(4,)");
        assertShapeError(() -> m23.times(m23), "(2, 3)");
        assertShapeError(() -> quadForm(v3, Constant.matrix(new double[][] {{1, 0}, {0, 1}})), "(3,)", "(2, 2)");
    }

    @Test
    void structuralErrorsNameShapes() {
        assertShapeError(() -> m23.reshape(4, 2), "(2, 3)", "(4, 2)");
        assertShapeError(() -> hstack(m23, n32), "(2, 3)", "(3, 2)");
        assertShapeError(() -> vstack(m23, n32), "(2, 3)", "(3, 2)");
        assertShapeError(() -> v3.get(3), "(3,)");
        assertShapeError(() -> m23.get(2, 0), "(2, 3)");
        assertShapeError(() -> m23.trace(), "(2, 3)");
        assertShapeError(() -> lambdaMax(m23), "(2, 3)");
        assertShapeError(() -> m23.sum(2), "(2, 3)");
        assertShapeError(() -> Constraint.soc(v3, m23), "(3,)", "(2, 3)");
        assertShapeError(() -> Variable.matrix("X", 2, 3, Attribute.PSD), "(2, 3)");
    }

    @Test
    void resultShapes() {
        assertEquals(Shape.vector(2), m23.times(v3).shape());
        assertEquals(Shape.vector(3), Variable.vector("u", 2).times(m23).shape());
        assertEquals(Shape.scalar(), v3.times(v3).shape());
        assertEquals(Shape.matrix(2, 2), m23.times(n32).shape());
        assertEquals(Shape.matrix(3, 2), m23.T().shape());
        assertEquals(Shape.vector(3), m23.sum(0).shape());
        assertEquals(Shape.vector(2), m23.sum(1).shape());
        assertEquals(Shape.scalar(), m23.sum().shape());
        assertEquals(Shape.matrix(2, 3), m23.plus(s).shape());
        assertEquals(Shape.matrix(2, 3), s.times(m23).shape());
        assertEquals(Shape.vector(7), hstack(v3, w4).shape());
        assertEquals(Shape.matrix(2, 6), hstack(m23, m23).shape());
        assertEquals(Shape.matrix(4, 3), vstack(m23, m23).shape());
        assertEquals(Shape.matrix(2, 3), vstack(v3, v3).shape());
        assertEquals(Shape.matrix(3, 3), diag(v3).shape());
        assertEquals(Shape.vector(3), diag(Variable.matrix("S", 3, 3)).shape());
        assertEquals(Shape.matrix(6, 6), kron(Constant.matrix(new double[][] {{1, 2}, {3, 4}}), n32.times(m23)).shape());
        assertEquals(Shape.matrix(3, 2), m23.reshape(3, 2).shape());
        assertEquals(Shape.vector(2), max(m23, 1).shape());
        assertEquals(Shape.vector(3), m23.row(1).shape());
        assertEquals(Shape.vector(2), m23.column(2).shape());
        assertEquals(Shape.matrix(1, 2), m23.slice(1, 2, 0, 2).shape());
        assertEquals(Shape.matrix(2, 3), m23.cumsum(1).shape());
    }

    @Test
    void parameterValuesAreChecked() {
        Parameter a = Parameter.matrix("A", 2, 2);
        ParameterValueException e = assertThrows(ParameterValueException.class, () -> a.setValue(1, 2, 3));
        assertTrue(e.getMessage().contains("A") && e.getMessage().contains("(2, 2)"), e.getMessage());
        assertThrows(ParameterValueException.class, () -> Parameter.scalar("q", Attribute.NONNEG).setValue(-1));
        assertThrows(ParameterValueException.class, () -> Parameter.scalar("q", Attribute.POS).setValue(0));
        assertThrows(ParameterValueException.class,
                () -> Parameter.matrix("S", 2, 2, Attribute.SYMMETRIC).setValue(1, 2, 3, 4));
        assertThrows(ParameterValueException.class,
                () -> Parameter.matrix("P", 2, 2, Attribute.PSD).setValue(1, 0, 0, -1));
        assertThrows(ParameterValueException.class, () -> Parameter.scalar("q").getValue());
        assertArrayEquals(new double[] {1, 2, 3, 4}, a.setValue(new double[][] {{1, 2}, {3, 4}}).getValue());
    }
}
