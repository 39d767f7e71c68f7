// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cone;

import io.convexlayers.data.ConeDims;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Equality rows: K = {0}, K* = R (free). */
class ZeroConeTest extends ConeContractTest {

    @Override
    protected ConeDims dims() {
        return ConeDims.builder().zero(5).build();
    }

    @Override
    protected List<double[]> specialPoints(Random rng) {
        return List.of(
                new double[5],
                new double[] {-0.0, 0.0, 1e-300, -1e300, Double.MIN_VALUE},
                new double[] {1, -2, 3, -4, 5});
    }

    @Test
    void primalZeroesDualKeeps() {
        double[] v = {-0.0, 1, -2, 3e300, Double.MIN_VALUE};
        double[] p = project(v, false);
        double[] d = project(v, true);
        assertArrayEquals(new double[5], p, 0.0);
        assertArrayEquals(v, d, 0.0);
    }
}
