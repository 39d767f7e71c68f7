package io.convexlayers.solver.linsys;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
    void names() {
        RandomKkt kkt = RandomKkt.create(7, RandomKkt.Spec.of(4, 5, 2, 0.5));
        LinearSystem sys = new SparseLdl(kkt.mats, false);
        assertEquals("sparse-ldl", sys.name());
        assertFalse(sys.sharedFactor());
    }
}
