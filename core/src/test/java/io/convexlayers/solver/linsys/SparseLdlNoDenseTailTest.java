// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

/** The contract for {@link SparseLdl} with a forced split: the pure sparse path (no dense tail). */
class SparseLdlNoDenseTailTest extends LinearSystemContract {
    @Override
    LinearSystem create(TileMatrices mats) {
        int size = mats.n() + mats.m();
        return new SparseLdl(mats, false, null, size);
    }

    @Override
    boolean shared() {
        return false;
    }
}
