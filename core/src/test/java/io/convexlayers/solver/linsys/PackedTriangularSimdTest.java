// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

import io.convexlayers.batch.LaneSimd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The 8-lane triangular solves on SIMD registers against the scalar ones, bit for bit, with a
 * factor per lane and one shared factor, a stored inverse diagonal and a unit one; and the pair of
 * solves against the matrix they invert (L·Lᵀ·x = b to rounding), so that both paths are right and
 * not only alike; and one lane's solves against the lanes of a tile.
 */
class PackedTriangularSimdTest {

    @AfterEach
    void restore() {
        LaneSimd.setEnabled(true);
    }

    @ParameterizedTest(name = "shared factor {0}, unit diagonal {1}")
    @CsvSource({"false, false", "false, true", "true, false", "true, true"})
    void solvesAreTheScalarSolvesBitForBit(boolean shared, boolean unit) {
        assumeTrue(LaneSimd.available(), LaneSimd.description());
        Random rnd = new Random((shared ? 2 : 0) + (unit ? 1 : 0));
        int n = 13;
        int fl = shared ? 1 : 8;
        double[] factor = new double[PackedTriangular.packedLength(n, fl)];
        double[] scale = unit ? null : new double[n * fl];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k <= i; k++) {
                for (int l = 0; l < fl; l++) {
                    double v = k == i ? 1.5 + rnd.nextDouble() : 0.3 * rnd.nextGaussian();
                    factor[(PackedTriangular.rowStart(i) + k) * fl + l] = v;
                    if (k == i && scale != null) {
                        scale[i * fl + l] = 1 / v;
                    }
                }
            }
        }
        int off = 16;
        double[] b = new double[off + n * 8];
        for (int i = 0; i < b.length; i++) {
            b[i] = rnd.nextGaussian();
        }
        double[][] results = new double[2][];
        for (int run = 0; run < 2; run++) {
            LaneSimd.setEnabled(run == 1);
            double[] z = b.clone();
            PackedTriangular.forward(factor, scale, n, fl, z, off, 8, new double[8]);
            PackedTriangular.backward(factor, scale, n, fl, z, off, 8, new double[8]);
            results[run] = z;
        }
        assertArrayEquals(results[0], results[1]);
        // L·Lᵀ·x = b lane by lane (diagonal 1 where the diagonal is unit).
        for (int l = 0; l < 8; l++) {
            for (int i = 0; i < n; i++) {
                double lltx = 0;
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    for (int k = 0; k <= Math.min(i, j); k++) {
                        sum += entry(factor, fl, l, i, k, unit) * entry(factor, fl, l, j, k, unit);
                    }
                    lltx += sum * results[1][off + j * 8 + l];
                }
                assertEquals(b[off + i * 8 + l], lltx, 1e-10, "lane " + l + " row " + i);
            }
        }
    }

    /**
     * One lane's solves (rows four at a time, then a tail) give each lane of the eight-lane solve with
     * the same shared factor, bit for bit, for orders with and without a tail.
     */
    @ParameterizedTest(name = "order {0}, unit diagonal {1}")
    @CsvSource({"13, false", "13, true", "8, false", "3, false", "1, true"})
    void oneLaneSolvesAreTheLanesOfATileBitForBit(int n, boolean unit) {
        Random rnd = new Random(n * 2L + (unit ? 1 : 0));
        double[] factor = new double[PackedTriangular.packedLength(n, 1)];
        double[] scale = unit ? null : new double[n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k <= i; k++) {
                double v = k == i ? 1.5 + rnd.nextDouble() : 0.3 * rnd.nextGaussian();
                factor[PackedTriangular.rowStart(i) + k] = v;
                if (k == i && scale != null) {
                    scale[i] = 1 / v;
                }
            }
        }
        double[] b = new double[n * 8];
        for (int i = 0; i < b.length; i++) {
            b[i] = rnd.nextGaussian();
        }
        double[] tile = b.clone();
        PackedTriangular.forward(factor, scale, n, 1, tile, 0, 8, new double[8]);
        PackedTriangular.backward(factor, scale, n, 1, tile, 0, 8, new double[8]);
        for (int l = 0; l < 8; l++) {
            int off = 3;
            double[] one = new double[off + n];
            for (int i = 0; i < n; i++) {
                one[off + i] = b[i * 8 + l];
            }
            PackedTriangular.forward(factor, scale, n, 1, one, off, 1, new double[1]);
            PackedTriangular.backward(factor, scale, n, 1, one, off, 1, new double[1]);
            for (int i = 0; i < n; i++) {
                assertEquals(Double.doubleToLongBits(tile[i * 8 + l]), Double.doubleToLongBits(one[off + i]),
                        "lane " + l + ", row " + i);
            }
        }
    }

    private static double entry(double[] factor, int fl, int lane, int i, int k, boolean unit) {
        if (unit && i == k) {
            return 1;
        }
        return factor[(PackedTriangular.rowStart(i) + k) * fl + (fl == 1 ? 0 : lane)];
    }
}
