// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SharedDenseReducedCholeskyTest extends LinearSystemContract {
    @Override
    LinearSystem create(TileMatrices mats) {
        return new DenseReducedCholesky(mats, true);
    }

    @Override
    boolean shared() {
        return true;
    }

    @Test
    void names() {
        RandomKkt kkt = RandomKkt.create(7, RandomKkt.Spec.of(4, 5, 2, 0.5).shared());
        LinearSystem sys = new DenseReducedCholesky(kkt.mats, true);
        assertEquals("shared-dense-cholesky", sys.name());
        assertTrue(sys.sharedFactor());
    }

    @Test
    void perLaneMatricesAreRejected() {
        RandomKkt kkt = RandomKkt.create(8, RandomKkt.Spec.of(4, 5, 2, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new DenseReducedCholesky(kkt.mats, true));
    }
}
