// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.convexlayers.diff.DenseFixtures.copy;
import static io.convexlayers.diff.DenseFixtures.difference;
import static io.convexlayers.diff.DenseFixtures.frobenius;
import static io.convexlayers.diff.DenseFixtures.gaussianMatrix;
import static io.convexlayers.diff.DenseFixtures.multiply;
import static io.convexlayers.diff.DenseFixtures.orthogonal;
import static io.convexlayers.diff.DenseFixtures.pinvSolve;
import static io.convexlayers.diff.DenseFixtures.transpose;
import static io.convexlayers.diff.DerivativeFixtures.dot;
import static io.convexlayers.diff.DerivativeFixtures.gaussian;
import static io.convexlayers.diff.DerivativeFixtures.norm;
import static io.convexlayers.diff.DerivativeFixtures.relativeError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link BorderedPseudoInverse} against EJML's SVD pseudo-inverse, on matrices U·diag(σ)·Vᵀ with
 * planted singular values: exact agreement (both orientations, consistent and inconsistent
 * right-hand sides) when the null space is one-dimensional and the near-null vector only
 * approximate, a true unit null vector, and no silently wrong answer when the null space is larger.
 */
class BorderedPseudoInverseTest {
    private static final int SIZE = 30;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void matchesTheSvdPseudoInverseForRankDeficiencyOne(long seed) {
        Random rnd = new Random(seed);
        Planted p = Planted.withZeroSingularValues(SIZE, 1, rnd);
        double[][] a = p.matrix();
        double[][] kept = copy(a);
        double[] near = perturbed(p.rightNull(0), 1e-3, rnd);
        BorderedPseudoInverse pinv = BorderedPseudoInverse.factor(a, near);
        assertNotNull(pinv);
        for (boolean transposed : new boolean[] {false, true}) {
            double[] b = gaussian(SIZE, rnd); // has a component outside the range: a least-squares problem
            double[] got = pinv.apply(b, transposed);
            assertNotNull(got, "transposed=" + transposed);
            double[] want = pinvSolve(kept, b, transposed);
            double err = relativeError(got, want);
            assertTrue(err < 1e-9, "inconsistent, transposed=" + transposed + ": " + err);

            double[] consistent = multiply(kept, gaussian(SIZE, rnd), transposed);
            got = pinv.apply(consistent, transposed);
            assertNotNull(got);
            err = relativeError(got, pinvSolve(kept, consistent, transposed));
            assertTrue(err < 1e-9, "consistent, transposed=" + transposed + ": " + err);
        }
        for (int i = 0; i < SIZE; i++) {
            assertArrayEquals(kept[i], a[i], 0.0, "the matrix must be kept unchanged");
        }
    }

    /**
     * The refinement's case: A' differs from A in one row (δ ⟂ ζ keeps ζ in its null space) and the
     * near-null vector moves; the updated factors give A''s pseudo-inverse as a fresh factorization does,
     * update after update, until {@link BorderedPseudoInverse#MAX_UPDATES}.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {4, 5, 6})
    void anUpdateForOneChangedRowIsThePseudoInverseOfTheNewMatrix(long seed) {
        Random rnd = new Random(seed);
        Planted p = Planted.withZeroSingularValues(SIZE, 1, rnd);
        double[] zeta = p.rightNull(0);
        double[][] a = p.matrix();
        BorderedPseudoInverse pinv = BorderedPseudoInverse.factor(copy(a), perturbed(zeta, 1e-3, rnd));
        assertNotNull(pinv);
        for (int update = 1; update <= BorderedPseudoInverse.MAX_UPDATES; update++) {
            double[][] next = copy(a);
            int row = SIZE - 1 - update; // a different row each time, as the τ row of successive points is not
            double[] delta = gaussian(SIZE, rnd);
            double along = dot(delta, zeta);
            for (int j = 0; j < SIZE; j++) {
                next[row][j] += delta[j] - along * zeta[j];
            }
            BorderedPseudoInverse updated = pinv.updated(copy(next), perturbed(zeta, 1e-4, rnd));
            assertNotNull(updated, "update " + update);
            assertEquals(1, Math.abs(dot(updated.rightNull(), zeta)), 1e-10);
            for (boolean transposed : new boolean[] {false, true}) {
                double[] b = gaussian(SIZE, rnd);
                double[] got = updated.apply(b, transposed);
                assertNotNull(got, "update " + update + ", transposed=" + transposed);
                double err = relativeError(got, pinvSolve(next, b, transposed));
                assertTrue(err < 1e-9, "update " + update + ", transposed=" + transposed + ": " + err);
            }
            a = next;
            pinv = updated;
        }
        assertEquals(null, pinv.updated(copy(a), zeta), "no update beyond MAX_UPDATES deep");
    }

    @Test
    void twoChangedRowsAreNotAnUpdate() {
        Random rnd = new Random(8);
        Planted p = Planted.withZeroSingularValues(SIZE, 1, rnd);
        BorderedPseudoInverse pinv = BorderedPseudoInverse.factor(copy(p.matrix()), p.rightNull(0));
        assertNotNull(pinv);
        double[][] next = copy(p.matrix());
        next[2][5] += 1e-3;
        next[7][1] -= 1e-3;
        assertEquals(null, pinv.updated(next, p.rightNull(0)));
        double[][] same = copy(p.matrix());
        BorderedPseudoInverse moved = pinv.updated(same, perturbed(p.rightNull(0), 1e-3, rnd));
        assertNotNull(moved, "no changed row: only the border moves");
        double[] b = gaussian(SIZE, rnd);
        assertTrue(relativeError(moved.apply(b, false), pinvSolve(p.matrix(), b, false)) < 1e-9);
    }

    @Test
    void rightNullIsAUnitNullVector() {
        Random rnd = new Random(9);
        Planted p = Planted.withZeroSingularValues(SIZE, 1, rnd);
        BorderedPseudoInverse pinv = BorderedPseudoInverse.factor(p.matrix(), perturbed(p.rightNull(0), 1e-3, rnd));
        assertNotNull(pinv);
        double[] zeta = pinv.rightNull();
        assertEquals(1, norm(zeta), 1e-14);
        double residual = norm(multiply(p.matrix(), zeta, false));
        assertTrue(residual <= 1e-10 * frobenius(p.matrix()), "‖Aζ‖ = " + residual);
        assertEquals(1, Math.abs(dot(zeta, p.rightNull(0))), 1e-12);
    }

    @Test
    void aNearNullVectorFarFromTheTrueOneStillWorks() {
        // the bordering needs only zᵀζ ≠ 0: a random z works as well as a good approximation
        Random rnd = new Random(12);
        Planted p = Planted.withZeroSingularValues(SIZE, 1, rnd);
        BorderedPseudoInverse pinv = BorderedPseudoInverse.factor(copy(p.matrix()), gaussian(SIZE, rnd));
        assertNotNull(pinv);
        double[] b = gaussian(SIZE, rnd);
        for (boolean transposed : new boolean[] {false, true}) {
            double[] got = pinv.apply(b, transposed);
            assertNotNull(got);
            double err = relativeError(got, pinvSolve(p.matrix(), b, transposed));
            assertTrue(err < 1e-9, "transposed=" + transposed + ": " + err);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {21, 22, 23})
    void aTwoDimensionalNullSpaceIsNeverSilentlyWrong(long seed) {
        Random rnd = new Random(seed);
        Planted p = Planted.withZeroSingularValues(SIZE, 2, rnd);
        double[] near = perturbed(p.rightNull(0), 1e-3, rnd);
        BorderedPseudoInverse pinv = BorderedPseudoInverse.factor(copy(p.matrix()), near);
        if (pinv == null) {
            return;
        }
        List<String> wrong = new ArrayList<>();
        for (boolean transposed : new boolean[] {false, true}) {
            double[] inconsistent = gaussian(SIZE, rnd);
            double[] consistent = multiply(p.matrix(), gaussian(SIZE, rnd), transposed);
            for (double[] b : new double[][] {inconsistent, consistent}) {
                double[] got = pinv.apply(b, transposed);
                if (got != null) {
                    double err = relativeError(got, pinvSolve(p.matrix(), b, transposed));
                    if (!(err < 1e-9)) {
                        wrong.add(String.format("transposed=%s %s b: ‖x‖ = %.1e, relative error %.1e", transposed,
                                b == consistent ? "consistent" : "inconsistent", norm(got), err));
                    }
                }
            }
        }
        assertTrue(wrong.isEmpty(), "a rank-28 matrix must give null, not " + wrong);
    }

    @Test
    void aNearNullVectorOrthogonalToTheNullSpaceIsNeverSilentlyWrong() {
        // zᵀζ = 0 makes the bordered matrix singular too
        Random rnd = new Random(31);
        Planted p = Planted.withZeroSingularValues(SIZE, 1, rnd);
        double[] near = gaussian(SIZE, rnd);
        double[] zeta = p.rightNull(0);
        double c = dot(near, zeta);
        for (int i = 0; i < SIZE; i++) {
            near[i] -= c * zeta[i];
        }
        BorderedPseudoInverse pinv = BorderedPseudoInverse.factor(copy(p.matrix()), near);
        if (pinv == null) {
            return;
        }
        double[] b = gaussian(SIZE, rnd);
        for (boolean transposed : new boolean[] {false, true}) {
            double[] got = pinv.apply(b, transposed);
            if (got != null) {
                double err = relativeError(got, pinvSolve(p.matrix(), b, transposed));
                assertTrue(err < 1e-9, "transposed=" + transposed + ": relative error " + err);
            }
        }
    }

    @Test
    void plantedMatricesHaveTheirRank() {
        // guards the fixture itself: the SVD sees exactly the planted zero singular values
        Random rnd = new Random(4);
        Planted p = Planted.withZeroSingularValues(SIZE, 2, rnd);
        double[] zeta = p.rightNull(1);
        assertTrue(norm(multiply(p.matrix(), zeta, false)) < 1e-13 * frobenius(p.matrix()));
        double[] b = gaussian(SIZE, rnd);
        double[] x = pinvSolve(p.matrix(), b, false);
        // the least-squares residual is orthogonal to the range and x to the null space
        double[] r = difference(multiply(p.matrix(), x, false), b);
        assertTrue(norm(multiply(p.matrix(), r, true)) < 1e-12 * norm(b) * frobenius(p.matrix()));
        assertTrue(Math.abs(dot(x, zeta)) < 1e-12 * norm(x));
        assertTrue(Math.abs(dot(x, p.rightNull(0))) < 1e-12 * norm(x));
    }

    private static double[] perturbed(double[] v, double size, Random rnd) {
        double[] out = v.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += size * rnd.nextGaussian();
        }
        return out;
    }

    /** A = U·diag(σ)·Vᵀ with random orthogonal U, V, σ in [1, 5] but for trailing zeros. */
    record Planted(double[][] matrix, double[][] v) {
        static Planted withZeroSingularValues(int size, int zeros, Random rnd) {
            double[][] u = orthogonal(size, rnd);
            double[][] v = orthogonal(size, rnd);
            double[][] us = copy(u);
            for (int j = 0; j < size; j++) {
                double sigma = j < size - zeros ? 1 + 4 * rnd.nextDouble() : 0;
                for (int i = 0; i < size; i++) {
                    us[i][j] *= sigma;
                }
            }
            return new Planted(multiply(us, transpose(v)), v);
        }

        /** The k-th right null vector (a trailing column of V). */
        double[] rightNull(int k) {
            int col = v.length - 1 - k;
            double[] out = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = v[i][col];
            }
            return out;
        }
    }
}
