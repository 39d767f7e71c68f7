// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

/** {@link BorderedSolves} by the LU factors of B itself. */
record LuSolves(DenseLu lu) implements BorderedSolves {
    @Override
    public double[] solve(double[] b) {
        return lu.solve(b);
    }

    @Override
    public double[] solveTranspose(double[] b) {
        return lu.solveTranspose(b);
    }

    @Override
    public int depth() {
        return 0;
    }
}
