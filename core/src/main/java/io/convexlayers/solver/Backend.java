// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver;

import io.convexlayers.data.BatchConeProgram;

/**
 * Where the batched numerics run. The algorithm is written once against a kernel contract; a
 * backend supplies the kernels and decides how a batch is laid out over its hardware: the CPU
 * backend solves tiles of a few instances, one tile per core; a GPU backend solves the whole batch.
 * Obtain one from {@code io.convexlayers.backend.Backends} ({@code cpu()}, {@code cuda()},
 * {@code auto()}).
 */
public interface Backend {

    /** A short name for logs: "cpu", "cuda". */
    String name();

    /**
     * Solves every instance of a batch.
     *
     * @param settings  the algorithm's settings
     * @param execution how the work is spread over the CPU (threads, tile width); give the
     *                  derivative the same value
     * @param warmStart per-instance starting points, or null
     * @param listener  progress of the first instance, or null
     * @return the solutions, batch-minor as the iteration produced them
     */
    BatchSolution solve(BatchConeProgram batch, SolverSettings settings, ExecutionSettings execution,
                        WarmStart warmStart, IterationListener listener);

    /**
     * Solves every instance of a batch with {@link ExecutionSettings#defaults()} (all cores, tiles of
     * 8 instances).
     */
    default BatchSolution solve(BatchConeProgram batch, SolverSettings settings, WarmStart warmStart,
                                IterationListener listener) {
        return solve(batch, settings, ExecutionSettings.defaults(), warmStart, listener);
    }
}
