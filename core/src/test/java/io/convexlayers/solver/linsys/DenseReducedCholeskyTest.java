// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DenseReducedCholeskyTest extends LinearSystemContract {
    @Override
    LinearSystem create(TileMatrices mats) {
        return new DenseReducedCholesky(mats, false);
    }

    @Override
    boolean shared() {
        return false;
    }

    @Test
    void denseRowsUsePanelsAndSparseRowsScatter() {
        RandomKkt dense = RandomKkt.create(5, RandomKkt.Spec.of(30, 50, 8, 1.0));
        ReducedMatrixAssembler a = new DenseReducedCholesky(dense.mats, false).assembler();
        assertTrue(a.usesPanels());
        assertFalse(a.usesScatter());
        RandomKkt sparse = RandomKkt.create(6, RandomKkt.Spec.of(200, 300, 8, 0.01));
        ReducedMatrixAssembler b = new DenseReducedCholesky(sparse.mats, false).assembler();
        assertTrue(b.usesScatter());
        assertFalse(b.usesPanels());
    }

    @Test
    void names() {
        RandomKkt kkt = RandomKkt.create(7, RandomKkt.Spec.of(4, 5, 2, 0.5));
        LinearSystem sys = new DenseReducedCholesky(kkt.mats, false);
        assertEquals("dense-cholesky", sys.name());
        assertFalse(sys.sharedFactor());
    }
}
