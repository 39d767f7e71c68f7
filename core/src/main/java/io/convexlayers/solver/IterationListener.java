// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver;

/**
 * Receives progress of the first instance of a solve at every termination check (used by the
 * command line's {@code --verbose} table). Called from a solver thread.
 */
@FunctionalInterface
public interface IterationListener {
    /**
     * @param iteration      iterations done
     * @param primalResidual ‖Ax + s − b‖∞ of the current iterate
     * @param dualResidual   ‖Px + Aᵀy + c‖∞
     * @param gap            duality gap
     * @param objective      primal objective
     * @param scale          current dual scale
     * @param seconds        time since the solve started
     */
    void onCheck(int iteration, double primalResidual, double dualResidual, double gap, double objective,
                 double scale, double seconds);
}
