// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.device;

import io.convexlayers.solver.Backend;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.IterationListener;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.WarmStart;

/**
 * A backend that takes a batch as parameters and their maps ({@link ParametricBatch}) and makes the
 * data where it solves: the CUDA backend applies the maps on the device, so a forward sends θ there,
 * not the per-instance matrices. The layer uses it when its backend implements it ({@link #of}) and
 * otherwise instantiates the data on the host and calls {@link Backend#solve}.
 */
public interface ParametricSolver {

    /**
     * Solves every instance of {@code batch}; the same results (to rounding) as {@link Backend#solve} on
     * {@link ParametricBatch#hostProgram()}.
     */
    BatchSolution solve(ParametricBatch batch, SolverSettings settings, ExecutionSettings execution,
                        WarmStart warmStart, IterationListener listener);

    /** {@code backend} as a parametric solver, or null when it only takes instantiated data. */
    static ParametricSolver of(Backend backend) {
        return backend instanceof ParametricSolver p ? p : null;
    }
}
