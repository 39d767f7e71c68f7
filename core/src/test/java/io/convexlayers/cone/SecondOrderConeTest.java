// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cone;

import io.convexlayers.data.ConeDims;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class SecondOrderConeTest extends ConeContractTest {
    private static final int[] SIZES = {1, 2, 4, 7};

    @Override
    protected ConeDims dims() {
        return ConeDims.builder().soc(SIZES).build();
    }

    /** Every cone of the point gets the same kind of hard value. */
    @Override
    protected List<double[]> specialPoints(Random rng) {
        List<double[]> list = new ArrayList<>();
        list.add(new double[dims().rows()]);   // apex
        for (double tFactor : new double[] {1.0, -1.0, 0.0, 0.5, -0.5, 1 + 1e-14, 1 - 1e-14, -1 - 1e-14, 2.0, -2.0}) {
            double[] v = new double[dims().rows()];
            int row = 0;
            for (int q : SIZES) {
                double sq = 0;
                for (int i = 1; i < q; i++) {
                    v[row + i] = rng.nextGaussian();
                    sq += v[row + i] * v[row + i];
                }
                v[row] = tFactor * Math.sqrt(sq) + (q == 1 ? tFactor : 0);
                row += q;
            }
            list.add(v);
        }
        return list;
    }

    /** Near, not on, both region boundaries ‖x‖ = ±t, and far inside each region. */
    @Override
    protected List<double[]> smoothPoints(Random rng) {
        List<double[]> list = new ArrayList<>();
        for (double tFactor : new double[] {1.001, 0.999, -0.999, -1.001, 0.3, -0.3, 3.0, -3.0}) {
            double[] v = new double[dims().rows()];
            int row = 0;
            for (int q : SIZES) {
                double sq = 0;
                for (int i = 1; i < q; i++) {
                    v[row + i] = rng.nextGaussian();
                    sq += v[row + i] * v[row + i];
                }
                v[row] = q == 1 ? tFactor : tFactor * Math.sqrt(sq);
                row += q;
            }
            list.add(v);
        }
        return list;
    }

    @Test
    void closedFormOnASmallExample() {
        // (t, x) = (1, (3, 4)): ν = 5, Π = (1 + 5)/2 · (1, (3, 4)/5) = (3, 1.8, 2.4)
        double[] v = {1, 3, 4};
        SecondOrderCone.project(v, 0, 3);
        assertArrayEquals(new double[] {3, 1.8, 2.4}, v, 1e-15);
        double[] w = {-6, 3, 4};
        SecondOrderCone.project(w, 0, 3);
        assertArrayEquals(new double[] {0, 0, 0}, w, 0.0);
        double[] inside = {6, 3, 4};
        SecondOrderCone.project(inside, 0, 3);
        assertArrayEquals(new double[] {6, 3, 4}, inside, 0.0);
    }

    @Test
    void singleInstanceAndBatchedFunctionsAgree() {
        Random rng = new Random(5);
        int lanes = 3;
        int q = 5;
        double[] tile = new double[q * lanes];
        for (int i = 0; i < tile.length; i++) {
            tile[i] = rng.nextGaussian();
        }
        double[][] single = new double[lanes][q];
        for (int l = 0; l < lanes; l++) {
            for (int r = 0; r < q; r++) {
                single[l][r] = tile[r * lanes + l];
            }
            SecondOrderCone.project(single[l], 0, q);
        }
        SecondOrderCone.project(tile, 0, q, lanes, new double[SecondOrderCone.workspaceSize(lanes)]);
        for (int l = 0; l < lanes; l++) {
            for (int r = 0; r < q; r++) {
                assertArrayEquals(new double[] {single[l][r]}, new double[] {tile[r * lanes + l]}, 0.0);
            }
        }
    }
}
