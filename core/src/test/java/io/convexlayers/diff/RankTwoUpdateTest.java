// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static io.convexlayers.diff.DenseFixtures.copy;
import static io.convexlayers.diff.DenseFixtures.gaussianMatrix;
import static io.convexlayers.diff.DenseFixtures.multiply;
import static io.convexlayers.diff.DerivativeFixtures.gaussian;
import static io.convexlayers.diff.DerivativeFixtures.relativeError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RankTwoUpdate} against the explicit matrix B + u₁v₁ᵀ + u₂v₂ᵀ: a planted solution is recovered
 * by solves with it and with its transpose, updates stack (each counting one more in {@code depth}),
 * and an update that makes the matrix singular is refused.
 */
class RankTwoUpdateTest {

    @ParameterizedTest(name = "size {0}")
    @ValueSource(ints = {2, 7, 31})
    void solvesTheUpdatedMatrixAndItsTranspose(int size) {
        Random rnd = new Random(40 + size);
        double[][] b = gaussianMatrix(size, size, rnd);
        BorderedSolves base = new LuSolves(DenseLu.factor(copy(b)));
        double[] u1 = gaussian(size, rnd);
        double[] v1 = gaussian(size, rnd);
        double[] u2 = gaussian(size, rnd);
        double[] v2 = gaussian(size, rnd);
        RankTwoUpdate update = RankTwoUpdate.of(base, u1, v1, u2, v2);
        assertNotNull(update);
        assertEquals(1, update.depth());
        double[][] explicit = plus(b, u1, v1, u2, v2);
        for (boolean transposed : new boolean[] {false, true}) {
            double[] planted = gaussian(size, rnd);
            double[] rhs = multiply(explicit, planted, transposed);
            double[] got = transposed ? update.solveTranspose(rhs) : update.solve(rhs);
            assertNotNull(got);
            double err = relativeError(got, planted);
            assertTrue(err < 1e-10, "size " + size + ", transposed " + transposed + ": " + err);
        }
    }

    @Test
    void updatesStack() {
        Random rnd = new Random(5);
        int size = 12;
        double[][] b = gaussianMatrix(size, size, rnd);
        BorderedSolves solves = new LuSolves(DenseLu.factor(copy(b)));
        for (int k = 1; k <= 3; k++) {
            double[] u1 = gaussian(size, rnd);
            double[] v1 = gaussian(size, rnd);
            double[] u2 = new double[size]; // a rank-one step, as when no row of the block changed
            double[] v2 = gaussian(size, rnd);
            solves = RankTwoUpdate.of(solves, u1, v1, u2, v2);
            assertNotNull(solves);
            assertEquals(k, solves.depth());
            b = plus(b, u1, v1, u2, v2);
        }
        double[] planted = gaussian(size, rnd);
        assertTrue(relativeError(solves.solve(multiply(b, planted, false)), planted) < 1e-9);
        assertTrue(relativeError(solves.solveTranspose(multiply(b, planted, true)), planted) < 1e-9);
    }

    @Test
    void anUpdateThatMakesTheMatrixSingularIsRefused() {
        // B = I, u₁ = −e₀, v₁ = e₀: B + u₁v₁ᵀ has a zero first row.
        int size = 4;
        double[][] identity = new double[size][size];
        for (int i = 0; i < size; i++) {
            identity[i][i] = 1;
        }
        double[] e0 = new double[size];
        e0[0] = 1;
        double[] minusE0 = {-1, 0, 0, 0};
        assertNull(RankTwoUpdate.of(new LuSolves(DenseLu.factor(identity)), minusE0, e0, new double[size],
                new double[size]));
    }

    /** b + u₁v₁ᵀ + u₂v₂ᵀ, explicitly. */
    private static double[][] plus(double[][] b, double[] u1, double[] v1, double[] u2, double[] v2) {
        double[][] out = copy(b);
        for (int i = 0; i < out.length; i++) {
            for (int j = 0; j < out.length; j++) {
                out[i][j] += u1[i] * v1[j] + u2[i] * v2[j];
            }
        }
        return out;
    }
}
