// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static io.convexlayers.diff.DenseFixtures.copy;
import static io.convexlayers.diff.DenseFixtures.difference;
import static io.convexlayers.diff.DenseFixtures.frobenius;
import static io.convexlayers.diff.DenseFixtures.gaussianMatrix;
import static io.convexlayers.diff.DenseFixtures.multiply;
import static io.convexlayers.diff.DerivativeFixtures.gaussian;
import static io.convexlayers.diff.DerivativeFixtures.norm;
import static io.convexlayers.diff.DerivativeFixtures.relativeError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DenseLu}: solves by A and by Aᵀ recover a planted solution and leave a small residual in
 * the original matrix, pivoting handles zero and tiny leading entries, and an exactly singular
 * matrix is reported as null.
 */
class DenseLuTest {

    @ParameterizedTest(name = "size {0}")
    @ValueSource(ints = {1, 5, 40})
    void solvesRandomSystemsByTheMatrixAndItsTranspose(int size) {
        Random rnd = new Random(17 + size);
        double[][] a = gaussianMatrix(size, size, rnd);
        DenseLu lu = DenseLu.factor(copy(a));
        assertNotNull(lu);
        for (boolean transposed : new boolean[] {false, true}) {
            double[] planted = gaussian(size, rnd);
            double[] b = multiply(a, planted, transposed);
            double[] bCopy = b.clone();
            double[] x = transposed ? lu.solveTranspose(b) : lu.solve(b);
            assertNotNull(x);
            assertArrayEquals(bCopy, b, 0.0, "right-hand side modified");
            double residual = norm(difference(multiply(a, x, transposed), b));
            assertTrue(residual <= 1e-13 * frobenius(a) * norm(x), "residual " + residual + " transposed="
                    + transposed);
            double err = relativeError(x, planted);
            assertTrue(err < 1e-10, "error " + err + " transposed=" + transposed);
        }
    }

    @Test
    void pivotsPastAZeroLeadingEntry() {
        double[][] a = {{0, 2, 1}, {3, 1, -1}, {1, 0, 4}};
        double[] planted = {1, -2, 0.5};
        checkExact(a, planted);
        // without a row exchange the first multiplier would be 1e20 and swamp the result
        double[][] tiny = {{1e-20, 1}, {1, 1}};
        checkExact(tiny, new double[] {1, 1});
        double[][] permutation = {{0, 0, 1}, {1, 0, 0}, {0, 1, 0}};
        checkExact(permutation, new double[] {3, -1, 2});
    }

    @Test
    void singularMatricesGiveNull() {
        Random rnd = new Random(5);
        double[][] a = gaussianMatrix(6, 6, rnd);
        for (double[] row : a) {
            row[3] = 0;
        }
        assertNull(DenseLu.factor(a), "zero column");
        assertNull(DenseLu.factor(new double[][] {{0}}), "1x1 zero");
        double[][] exact = {{1, 2}, {2, 4}};
        assertNull(DenseLu.factor(exact), "rank one with exactly representable elimination");
        assertNull(DenseLu.factor(new double[][] {{1, Double.NaN}, {Double.NaN, 1}}), "not finite");
    }

    private static void checkExact(double[][] a, double[] planted) {
        DenseLu lu = DenseLu.factor(copy(a));
        assertNotNull(lu);
        for (boolean transposed : new boolean[] {false, true}) {
            double[] b = multiply(a, planted, transposed);
            double[] x = transposed ? lu.solveTranspose(b) : lu.solve(b);
            assertNotNull(x);
            assertTrue(relativeError(x, planted) < 1e-14, "transposed=" + transposed + ": "
                    + java.util.Arrays.toString(x));
        }
    }
}
