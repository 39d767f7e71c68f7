// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import io.convexlayers.ConvexLayersException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.Arrays;

import static io.convexlayers.dsl.Atoms.hstack;
import static io.convexlayers.dsl.Atoms.kron;
import static io.convexlayers.dsl.Atoms.vstack;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shapes whose sizes overflow an int, or exceed {@link Shape#MAX_SIZE}, are a ShapeException when
 * the expression is built (a 65 536 × 65 536 variable used to have size 0, and Kronecker products
 * of long vectors wrapped to negative dimensions).
 */
class ShapeOverflowTest {
    private static void tooLarge(Executable e, String mention) {
        ShapeException ex = assertThrows(ShapeException.class, e);
        assertTrue(ex.getMessage().contains("Shape.MAX_SIZE"), ex.getMessage());
        assertTrue(ex.getMessage().contains(mention), "'" + mention + "' missing in: " + ex.getMessage());
    }

    @Test
    void variablesAndParametersWhoseSizeOverflowsAnInt() {
        tooLarge(() -> Variable.matrix("X", 65_536, 65_536), "4294967296 entries"); // size() was 0
        tooLarge(() -> Variable.matrix("X", 100_000, 100_000), "10000000000 entries");
        tooLarge(() -> Parameter.matrix("P", Integer.MAX_VALUE, 2), "entries");
        tooLarge(() -> Variable.symmetric("S", 46_341), "entries");
        tooLarge(() -> Shape.of(Integer.MAX_VALUE, Integer.MAX_VALUE), "entries");
        assertEquals(Shape.MAX_SIZE, Shape.matrix(2048, 2048).size());
        tooLarge(() -> Variable.matrix("X", 3000, 3000), "9000000 entries");
        assertEquals(Shape.MAX_SIZE, Variable.vector("x", Shape.MAX_SIZE).size());
        tooLarge(() -> Variable.vector("x", Shape.MAX_SIZE + 1), "entries");
    }

    @Test
    void kroneckerProductsWhoseDimensionsOverflow() {
        Variable x = Variable.vector("x", 65_536);
        Constant c = Constant.vector(new double[65_536]);
        tooLarge(() -> kron(c, x), "kron"); // 2³² wrapped to 0
        Constant wide = Constant.matrix(new double[2][5_000]);
        tooLarge(() -> kron(wide, Variable.matrix("Y", 2, 5_000)), "kron");
        assertEquals(Shape.matrix(4, 6), kron(Constant.matrix(new double[2][2]), Variable.matrix("Z", 2, 3)).shape());
    }

    @Test
    void stackingBeyondTheLimit() {
        Expression[] parts = new Expression[5];
        Arrays.fill(parts, Variable.vector("v", Shape.MAX_SIZE / 4));
        tooLarge(() -> hstack(parts), "hstack of 5 operands");
        Expression[] rows = new Expression[3];
        Arrays.fill(rows, Variable.matrix("R", 1024, 2048));
        tooLarge(() -> vstack(rows), "[3072, 2048]");
    }

    @Test
    void compilingProductsWithTooManyCoefficientsIsATypedError() {
        // every entry of the 1024 × 1024 product has 40 parameter-times-variable terms: 4.2·10⁷ in all
        Parameter p = Parameter.matrix("P", 1024, 40);
        Variable x = Variable.matrix("X", 40, 1024);
        Problem problem = Problem.minimize(Atoms.sum(p.times(x)));
        p.setValue(new double[1024 * 40]);
        ConvexLayersException e = assertThrows(ConvexLayersException.class, problem::solve);
        assertTrue(e.getMessage().contains("coefficient entries"), e.getMessage());
    }
}
