// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import io.convexlayers.diff.residual.ResidualMapOperator;
import io.convexlayers.cone.ConeDerivative;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.data.CscMatrix;
import io.convexlayers.data.SparsePattern;
import io.convexlayers.testing.PlantedPrograms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static io.convexlayers.diff.DenseFixtures.fullMatrix;
import static io.convexlayers.diff.DenseFixtures.gaussianMatrix;
import static io.convexlayers.diff.DenseFixtures.maxAbs;
import static io.convexlayers.diff.DenseFixtures.multiply;
import static io.convexlayers.diff.DenseFixtures.orthogonal;
import static io.convexlayers.diff.DerivativeFixtures.norm;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ReducedJacobian} against the full M of {@link ResidualMapOperator} formed column by column
 * from unit vectors: the active coordinates are exactly those where DΠ_{K*} is not locally zero
 * (checked against the regime each cone block was planted in: nonnegative rows with y &gt; 0, s &gt; 0
 * or at the kink, second-order cones inside, polar or neither, PSD blocks of every eigenvalue sign
 * pattern, exponential and power triples), M's other columns are unit vectors, the dense block is
 * M restricted to the active coordinates, and at an exact solution z_S is its null vector. With and
 * without P, one lane and three lanes with per-lane data and regimes.
 */
class ReducedJacobianTest {
    private static final ConeDims CONES = ConeDims.builder().zero(2).nonneg(6).soc(3, 4, 3).psd(3, 2).exp(2)
            .power(0.4).build();

    static Stream<Arguments> tiles() {
        return Stream.of(
                Arguments.of("1 lane", 1, false, new int[] {0}),
                Arguments.of("1 lane+P", 1, true, new int[] {1}),
                Arguments.of("1 lane, shifted y and s", 1, false, new int[] {2}),
                Arguments.of("3 lanes", 3, false, new int[] {0, 1, 2}),
                Arguments.of("3 lanes+P", 3, true, new int[] {2, 0, 1}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tiles")
    void denseBlockIsTheFullJacobianOnTheActiveCoordinates(String name, int lanes, boolean withP, int[] variants) {
        Tile tile = Tile.random(CONES, 5, lanes, withP, variants, new Random(40 + lanes));
        ResidualMapOperator op = tile.operator();
        double[][] blocks = ReducedJacobian.coneBlocks(op.coneDerivative());
        int n = tile.n;
        int m = CONES.rows();
        for (int l = 0; l < lanes; l++) {
            String where = name + ", lane " + l;
            double[][] full = fullMatrix(op, l);
            ReducedJacobian red = ReducedJacobian.form(op, blocks, l, tile.y, tile.s);
            int[] coords = red.coords;
            assertArrayEquals(tile.expectedActive(l), coords, where + ": active coordinates");
            assertArrayEquals(coords, ReducedJacobian.activeCoordinates(op, blocks, l), where);
            assertArrayEquals(coords, ReducedJacobian.activeCoordinates(op,
                    ReducedJacobian.activeBlocks(op.coneDerivative()), l), where + ": the one-probe estimate");
            for (int j = 0; j < n; j++) {
                assertEquals(j, coords[j], where + ": every x coordinate is active");
            }
            assertEquals(n + m, coords[coords.length - 1], where + ": τ is active");

            double tol = 1e-14 * maxAbs(full);
            assertEquals(coords.length, red.matrix.length);
            for (int a = 0; a < coords.length; a++) {
                for (int b = 0; b < coords.length; b++) {
                    assertEquals(full[coords[a]][coords[b]], red.matrix[a][b], tol,
                            where + ": M_SS(" + coords[a] + ", " + coords[b] + ")");
                }
            }
            boolean[] active = new boolean[n + m + 1];
            for (int c : coords) {
                active[c] = true;
            }
            for (int j = 0; j < n + m + 1; j++) {
                if (!active[j]) {
                    for (int i = 0; i < n + m + 1; i++) {
                        assertEquals(i == j ? 1.0 : 0.0, full[i][j], 0.0, where + ": M(" + i + ", " + j
                                + ") of an inactive column");
                    }
                }
            }
            double[] z = new double[coords.length];
            for (int k = 0; k < coords.length; k++) {
                int c = coords[k];
                z[k] = c < n ? tile.x[c * lanes + l] : c < n + m
                        ? tile.y[(c - n) * lanes + l] - tile.s[(c - n) * lanes + l] : 1;
            }
            assertArrayEquals(z, red.nullVector, 0.0, where + ": z_S = (x, (y − s)_S, 1)");
        }
    }

    @Test
    void coneBlocksAreTheDiagonalBlocksOfTheConeDerivative() {
        int lanes = 3;
        Tile tile = Tile.random(CONES, 4, lanes, false, new int[] {1, 2, 0}, new Random(7));
        ConeDerivative cone = tile.operator().coneDerivative();
        double[][] blocks = ReducedJacobian.coneBlocks(cone);
        int[] bounds = cone.blockBounds();
        int m = CONES.rows();
        assertEquals(bounds.length - 1, blocks.length);
        for (int l = 0; l < lanes; l++) {
            double[] jac = cone.denseJacobian(l);
            for (int k = 0; k < blocks.length; k++) {
                int size = bounds[k + 1] - bounds[k];
                for (int i = 0; i < size; i++) {
                    for (int j = 0; j < size; j++) {
                        assertEquals(jac[(bounds[k] + i) * m + bounds[k] + j], blocks[k][(i * size + j) * lanes + l],
                                0.0, "block " + k + " lane " + l);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "P: {0}")
    @MethodSource("withAndWithoutP")
    void zIsTheNullVectorOfTheBlockAtAnExactSolution(boolean withP) {
        ConeDims cones = ConeDims.builder().zero(2).nonneg(8).soc(4, 3).psd(3).exp(1).dualExp(1).power(0.3, -0.5)
                .build();
        PlantedPrograms.Planted planted = PlantedPrograms.generate(cones, 6, 1.0, withP, 19);
        ConeProgram p = planted.program();
        ResidualMapOperator op = new ResidualMapOperator(cones, 1, p.a().pattern(), p.a().values(), true,
                p.p() == null ? null : p.p().pattern(), p.p() == null ? null : p.p().values(), true, p.b(), p.c(),
                planted.x(), planted.y(), planted.s());
        ReducedJacobian red = ReducedJacobian.form(op, ReducedJacobian.coneBlocks(op.coneDerivative()), 0,
                planted.y(), planted.s());
        assertTrue(red.coords.length < op.rows(), "some rows must be inactive for the test to mean something");
        double[] r = multiply(red.matrix, red.nullVector, false);
        double scale = DenseFixtures.frobenius(red.matrix) * norm(red.nullVector);
        assertTrue(norm(r) <= 1e-12 * scale, "‖M_SS·z_S‖ = " + norm(r) + " against " + scale);
    }

    static Stream<Boolean> withAndWithoutP() {
        return Stream.of(false, true);
    }

    /**
     * Random data for a tile (per-lane A and P on a shared dense pattern when lanes &gt; 1) and a point
     * (x, y, s) whose blocks sit in regimes chosen per lane by a variant number, with the coordinates
     * expected active there.
     */
    static final class Tile {
        final ConeDims cones;
        final int n;
        final int lanes;
        final SparsePattern aPattern;
        final double[] aValues;
        final SparsePattern pPattern;
        final double[] pValues;
        final double[] b;
        final double[] c;
        final double[] x;
        final double[] y;
        final double[] s;
        final List<int[]> active = new ArrayList<>();

        private Tile(ConeDims cones, int n, int lanes, SparsePattern aPattern, double[] aValues,
                     SparsePattern pPattern, double[] pValues) {
            this.cones = cones;
            this.n = n;
            this.lanes = lanes;
            this.aPattern = aPattern;
            this.aValues = aValues;
            this.pPattern = pPattern;
            this.pValues = pValues;
            int m = cones.rows();
            b = new double[m * lanes];
            c = new double[n * lanes];
            x = new double[n * lanes];
            y = new double[m * lanes];
            s = new double[m * lanes];
        }

        static Tile random(ConeDims cones, int n, int lanes, boolean withP, int[] variants, Random rnd) {
            int m = cones.rows();
            SparsePattern aPattern = CscMatrix.fromDense("A", gaussianMatrix(m, n, rnd)).pattern();
            double[] aValues = new double[aPattern.nnz() * lanes];
            SparsePattern pPattern = null;
            double[] pValues = null;
            if (withP) {
                pPattern = CscMatrix.upperTriangleOf("P", randomPsd(n, rnd)).pattern();
                pValues = new double[pPattern.nnz() * lanes];
            }
            Tile t = new Tile(cones, n, lanes, aPattern, aValues, pPattern, pValues);
            for (int l = 0; l < lanes; l++) {
                double[][] a = gaussianMatrix(m, n, rnd);
                t.scatterValues(aPattern, a, aValues, l);
                if (withP) {
                    t.scatterValues(pPattern, randomPsd(n, rnd), pValues, l);
                }
                for (int i = 0; i < m; i++) {
                    t.b[i * lanes + l] = rnd.nextGaussian();
                }
                for (int j = 0; j < n; j++) {
                    t.c[j * lanes + l] = rnd.nextGaussian();
                    t.x[j * lanes + l] = rnd.nextGaussian();
                }
                t.active.add(t.plantPoint(l, variants[l], rnd));
            }
            return t;
        }

        ResidualMapOperator operator() {
            return new ResidualMapOperator(cones, lanes, aPattern, aValues, lanes == 1, pPattern, pValues,
                    lanes == 1, b, c, x, y, s);
        }

        int[] expectedActive(int lane) {
            return active.get(lane);
        }

        private void scatterValues(SparsePattern pattern, double[][] dense, double[] values, int lane) {
            for (int j = 0; j < pattern.cols(); j++) {
                for (int k = pattern.colStart(j); k < pattern.colStart(j + 1); k++) {
                    values[k * lanes + lane] = dense[pattern.rowIndex(k)][j];
                }
            }
        }

        /**
         * Sets y and s of one lane block by block (variant 0, 1, 2 rotate the regimes; variant 2
         * also adds a common shift to y and s of the cone blocks, which leaves y − s alone) and
         * returns the coordinates where DΠ_{K*}(y − s) is not locally zero.
         */
        private int[] plantPoint(int lane, int variant, Random rnd) {
            int m = cones.rows();
            double[] v = new double[m];
            boolean[] on = new boolean[m];
            int row = 0;
            for (int i = 0; i < cones.zero(); i++, row++) {
                v[row] = rnd.nextGaussian();
                on[row] = true; // K* of the zero cone is the free cone: DΠ = I
            }
            int nonnegStart = row;
            for (int i = 0; i < cones.nonneg(); i++, row++) {
                int regime = (i + variant) % 3;
                double mag = 0.1 + Math.abs(rnd.nextGaussian());
                // y > 0 = s: active; y = 0 < s: inactive; y = s = 0: the kink, DΠ = ½
                y[row * lanes + lane] = regime == 0 ? mag : 0;
                s[row * lanes + lane] = regime == 1 ? mag : 0;
                on[row] = regime != 1;
            }
            int socBlock = 0;
            for (int size : cones.soc()) {
                int regime = (socBlock++ + variant) % 3;
                double tail = 0;
                for (int i = 1; i < size; i++) {
                    v[row + i] = rnd.nextGaussian();
                    tail += v[row + i] * v[row + i];
                }
                tail = Math.sqrt(tail);
                // inside K (DΠ = I), in the polar cone (DΠ = 0), or neither
                v[row] = regime == 0 ? tail + 0.5 : regime == 1 ? -tail - 0.5 : 0.3 * tail;
                Arrays.fill(on, row, row + size, regime != 1);
                row += size;
            }
            int psdBlock = 0;
            for (int order : cones.psd()) {
                int regime = (psdBlock++ + variant) % 3;
                double[] eig = new double[order];
                for (int i = 0; i < order; i++) {
                    double mag = 0.5 + rnd.nextDouble();
                    // mixed signs, all negative (polar: DΠ = 0), all positive
                    eig[i] = regime == 0 ? (i % 2 == 0 ? mag : -mag) : regime == 1 ? -mag : mag;
                }
                int len = ConeDims.svecLength(order);
                svec(order, eig, rnd, v, row);
                Arrays.fill(on, row, row + len, regime != 1);
                row += len;
            }
            for (int i = 0; i < cones.exp(); i++) {
                boolean polar = (i + variant) % 2 == 1;
                // (0, 1, 2) lies inside K_exp, so its negative is in the polar of K_exp*: DΠ = 0;
                // (1, 1, 1) is in neither K_exp* nor its polar
                double[] t = polar ? new double[] {0, -1, -2} : new double[] {1, 1, 1};
                System.arraycopy(t, 0, v, row, 3);
                Arrays.fill(on, row, row + 3, !polar);
                row += 3;
            }
            for (int i = 0; i < cones.dualExp(); i++, row += 3) {
                System.arraycopy(new double[] {1, 1, 1}, 0, v, row, 3);
                Arrays.fill(on, row, row + 3, true);
            }
            for (int i = 0; i < cones.power().length; i++, row += 3) {
                // (1, 1, 3) is in neither the power cone's dual (α = 0.4) nor its polar
                System.arraycopy(new double[] {1, 1, 3}, 0, v, row, 3);
                Arrays.fill(on, row, row + 3, true);
            }
            assertEquals(m, row);
            for (int i = 0; i < m; i++) {
                if (i >= nonnegStart && i < nonnegStart + cones.nonneg()) {
                    continue;
                }
                double shift = variant == 2 ? 0.25 + rnd.nextDouble() : 0;
                y[i * lanes + lane] = v[i] + shift;
                s[i * lanes + lane] = shift;
            }
            int[] coords = new int[n + m + 1];
            int count = 0;
            for (int j = 0; j < n; j++) {
                coords[count++] = j;
            }
            for (int i = 0; i < m; i++) {
                if (on[i]) {
                    coords[count++] = n + i;
                }
            }
            coords[count++] = n + m;
            return Arrays.copyOf(coords, count);
        }

        /** svec of Q·diag(eig)·Qᵀ (lower triangle by columns, off-diagonal times √2) into v at row. */
        private static void svec(int order, double[] eig, Random rnd, double[] v, int row) {
            double[][] q = orthogonal(order, rnd);
            int k = row;
            for (int j = 0; j < order; j++) {
                for (int i = j; i < order; i++) {
                    double e = 0;
                    for (int t = 0; t < order; t++) {
                        e += q[i][t] * eig[t] * q[j][t];
                    }
                    v[k++] = i == j ? e : Math.sqrt(2) * e;
                }
            }
        }

        private static double[][] randomPsd(int n, Random rnd) {
            double[][] g = gaussianMatrix(n, n, rnd);
            double[][] p = multiply(DenseFixtures.transpose(g), g);
            for (int i = 0; i < n; i++) {
                p[i][i] += 0.1;
            }
            return p;
        }
    }
}
