// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SparseLdlTest extends LinearSystemContract {
    @Override
    LinearSystem create(TileMatrices mats) {
        return new SparseLdl(mats, false);
    }

    @Override
    boolean shared() {
        return false;
    }

    @Test
    void denseTailOnlyWhereFillIsDense() {
        RandomKkt dense = RandomKkt.create(8, RandomKkt.Spec.of(40, 80, 2, 1.0));
        SparseLdl d = new SparseLdl(dense.mats, false);
        assertTrue(d.denseTailOrder() >= 40, "tail " + d.denseTailOrder());
        RandomKkt sparse = RandomKkt.create(9, RandomKkt.Spec.of(200, 100, 2, 0.002).withP(false));
        assertEquals(0, new SparseLdl(sparse.mats, false).denseTailOrder());
    }

    @Test
    void names() {
        RandomKkt kkt = RandomKkt.create(7, RandomKkt.Spec.of(4, 5, 2, 0.5));
        LinearSystem sys = new SparseLdl(kkt.mats, false);
        assertEquals("sparse-ldl", sys.name());
        assertFalse(sys.sharedFactor());
    }
}
