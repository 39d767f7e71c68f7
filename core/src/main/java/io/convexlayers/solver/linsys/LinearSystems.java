// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

/** Argument checks shared by the {@link LinearSystem} implementations. */
final class LinearSystems {
    private LinearSystems() {
    }

    /**
     * @throws IllegalArgumentException when rhoX is not positive and finite or rhoY has the wrong
     *                                  length
     */
    static void checkWeights(double rhoX, double[] rhoY, int m, int lanes) {
        if (!(rhoX > 0) || !Double.isFinite(rhoX)) {
            throw new IllegalArgumentException("rhoX must be positive and finite, got " + rhoX);
        }
        if (rhoY == null || rhoY.length < m * lanes) {
            throw new IllegalArgumentException("rhoY must hold m*lanes = " + (m * lanes) + " entries, got "
                    + (rhoY == null ? "null" : rhoY.length));
        }
    }
}
