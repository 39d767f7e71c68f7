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

    /**
     * A one-lane factor with a dense tail takes the blocked path, with sparse columns whose tail parts
     * enter as a dense rank update; it must solve as accurately as a factor without a tail and as the
     * row-by-row form a compacted factor keeps.
     */
    @Test
    void blockedTailWithDeferredColumnsSolvesLikeTheRowByRowForms() {
        RandomKkt kkt = RandomKkt.create(5, RandomKkt.Spec.of(30, 90, 1, 0.5));
        SparseLdl blocked = new SparseLdl(kkt.mats, false);
        assertTrue(blocked.denseTailOrder() >= 24, "tail " + blocked.denseTailOrder());
        assertTrue(blocked.deferredColumnCount() > 0, "no column deferred");
        int size = kkt.mats.n() + kkt.mats.m();
        SparseLdl noTail = new SparseLdl(kkt.mats, false, null, size);
        double[] rhoY = kkt.rhoY(0.5, 5, false);
        double[] rhs = kkt.rhs();
        double[] a = rhs.clone();
        double[] b = rhs.clone();
        blocked.factor(0.1, rhoY);
        blocked.solve(a);
        noTail.factor(0.1, rhoY);
        noTail.solve(b);
        assertTrue(kkt.relativeResidual(0, 0.1, rhoY, rhs, a) < 1e-14);
        double diff = 0;
        for (int k = 0; k < size; k++) {
            diff = Math.max(diff, Math.abs(a[k] - b[k]) / (1 + Math.abs(b[k])));
        }
        assertTrue(diff < 1e-12, "blocked vs no tail " + diff);
    }

    @Test
    void names() {
        RandomKkt kkt = RandomKkt.create(7, RandomKkt.Spec.of(4, 5, 2, 0.5));
        LinearSystem sys = new SparseLdl(kkt.mats, false);
        assertEquals("sparse-ldl", sys.name());
        assertFalse(sys.sharedFactor());
    }
}
