// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

/** The contract for {@link SparseLdl} with a forced split: half of the columns sparse, half in the dense tail. */
class SparseLdlHalfDenseTest extends LinearSystemContract {
    @Override
    LinearSystem create(TileMatrices mats) {
        int size = mats.n() + mats.m();
        return new SparseLdl(mats, false, null, size / 2);
    }

    @Override
    boolean shared() {
        return false;
    }
}
