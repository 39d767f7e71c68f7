// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.hsde;

import io.convexlayers.data.ConeDims;
import io.convexlayers.data.CscMatrix;
import io.convexlayers.data.SparsePattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Equilibration of a single instance (one lane, the loop that keeps a column's norm in a register)
 * against the same instance as a lane of a three-lane tile (the general loop over lanes): the same
 * scaled values and factors, bit for bit, with and without P, for the ∞-norm passes and the ℓ2 pass
 * (no Ruiz pass: ℓ2 norms from the start), with a second-order cone whose rows share one factor.
 */
class EquilibrationTest {
    private static final int LANES = 3;

    @ParameterizedTest(name = "with P {0}, {1} Ruiz passes")
    @CsvSource({"true, 25", "false, 25", "true, 0", "true, 3"})
    void aSingleInstanceIsScaledAsItsLaneOfATile(boolean withP, int passes) {
        Random rnd = new Random(withP ? 61 : 62);
        int m = 15;
        int n = 11;
        SparsePattern a = pattern(m, n, 0.45, false, rnd);
        SparsePattern p = withP ? pattern(n, n, 0.4, true, rnd) : null;
        double[] aTile = spread(a.nnz() * LANES, rnd);
        double[] pTile = withP ? spread(p.nnz() * LANES, rnd) : null;
        ConeDims cones = ConeDims.builder().zero(2).nonneg(m - 6).soc(4).build(); // the cone: rows m − 4 … m − 1

        double[] aScaled = aTile.clone();
        double[] pScaled = withP ? pTile.clone() : null;
        Equilibration.Factors tile = Equilibration.scaleMatrices(a, aScaled, p, pScaled, cones, LANES, true, passes);
        for (int l = 0; l < LANES; l++) {
            double[] aOne = lane(aTile, l);
            double[] pOne = withP ? lane(pTile, l) : null;
            Equilibration.Factors one = Equilibration.scaleMatrices(a, aOne, p, pOne, cones, 1, true, passes);
            assertArrayEquals(lane(aScaled, l), aOne, "A, lane " + l);
            if (withP) {
                assertArrayEquals(lane(pScaled, l), pOne, "P, lane " + l);
            }
            assertArrayEquals(lane(tile.d(), l), one.d(), "D, lane " + l);
            assertArrayEquals(lane(tile.e(), l), one.e(), "E, lane " + l);
        }
        // The passes did something: the factors span orders of magnitude, and the cone's rows share one.
        double[] d = lane(tile.d(), 0);
        assertTrue(max(d) / min(d) > 3, "row factors " + java.util.Arrays.toString(d));
        for (int i = m - 3; i < m; i++) {
            assertEquals(d[m - 4], d[i], "second-order cone rows share a factor");
        }
    }

    private static SparsePattern pattern(int rows, int cols, double density, boolean upper, Random rnd) {
        double[][] mask = new double[rows][cols];
        for (int j = 0; j < cols; j++) {
            for (int i = 0; i < (upper ? j + 1 : rows); i++) {
                mask[i][j] = (upper && i == j) || rnd.nextDouble() < density ? 1 : 0;
            }
        }
        for (int i = 0; i < rows && !upper; i++) {
            mask[i][i % cols] = 1; // no empty row
        }
        return CscMatrix.fromDense("M", mask).pattern();
    }

    /** Gaussian entries over six orders of magnitude, so that the passes have something to equalize. */
    private static double[] spread(int len, Random rnd) {
        double[] v = new double[len];
        for (int i = 0; i < len; i++) {
            v[i] = rnd.nextGaussian() * Math.pow(10, rnd.nextInt(7) - 3);
        }
        return v;
    }

    private static double[] lane(double[] batchMinor, int l) {
        double[] out = new double[batchMinor.length / LANES];
        for (int k = 0; k < out.length; k++) {
            out[k] = batchMinor[k * LANES + l];
        }
        return out;
    }

    private static double max(double[] v) {
        double r = v[0];
        for (double x : v) {
            r = Math.max(r, x);
        }
        return r;
    }

    private static double min(double[] v) {
        double r = v[0];
        for (double x : v) {
            r = Math.min(r, x);
        }
        return r;
    }

    /** σ = 1/max(‖Db‖∞, ‖Ec‖∞) whatever the size, with sizes below {@link Equilibration#MIN_NORM} counted as it. */
    @org.junit.jupiter.api.Test
    void sigmaBringsAnyCostOrRightHandSideToOne() {
        double[] db = {3, -1, 0.5, 2, -2, 1}; // two lanes, batch-minor: lane 0 max 3, lane 1 max 2
        double[] ec = {1e10, 1, -4, 0.5};      // lane 0 max 1e10, lane 1 max 1
        assertEquals(1e-10, Equilibration.sigma(db, ec, 3, 2, 2, 0), 1e-25);
        assertEquals(0.5, Equilibration.sigma(db, ec, 3, 2, 2, 1), 0);
        double[] tiny = {1e-9, -1e-8};
        assertEquals(1 / Equilibration.MIN_NORM, Equilibration.sigma(tiny, tiny, 2, 2, 1, 0), 0);
    }
}
