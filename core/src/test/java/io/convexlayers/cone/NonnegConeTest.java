// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cone;

import io.convexlayers.data.ConeDims;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class NonnegConeTest extends ConeContractTest {

    @Override
    protected ConeDims dims() {
        return ConeDims.builder().nonneg(6).build();
    }

    @Override
    protected List<double[]> specialPoints(Random rng) {
        return List.of(
                new double[6],
                new double[] {-1, -2, -3, -4, -5, -6},
                new double[] {1, 2, 3, 4, 5, 6},
                new double[] {0, -0.0, 1e-300, -1e-300, 1e150, -1e150});
    }

    @Test
    void clipsAtZero() {
        double[] v = {-2, 0, 3, -0.5, 7, 1e-20};
        NonnegCone.project(v, 0, 6, 1);
        assertArrayEquals(new double[] {0, 0, 3, 0, 7, 1e-20}, v, 0.0);
    }

    @Test
    void derivativeIsOneHalfAtTheKink() {
        assertEquals(1.0, NonnegCone.derivative(2.0));
        assertEquals(0.5, NonnegCone.derivative(0.0));
        assertEquals(0.0, NonnegCone.derivative(-1e-300));
    }
}
