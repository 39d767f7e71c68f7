// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

/** The contract for {@link SparseLdl} with a forced split: the shared factor with half of the columns in the dense tail. */
class SharedSparseLdlHalfDenseTest extends LinearSystemContract {
    @Override
    LinearSystem create(TileMatrices mats) {
        int size = mats.n() + mats.m();
        return new SparseLdl(mats, true, null, size / 2);
    }

    @Override
    boolean shared() {
        return true;
    }
}
