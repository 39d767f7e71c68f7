// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver;

import io.convexlayers.InvalidSettingsException;

/**
 * How batched work is spread over the CPU, kept apart from what is computed ({@link SolverSettings}
 * for the algorithm, {@code DerivativeSettings} for the derivative). One value serves both the
 * forward solve ({@link Backend#solve(io.convexlayers.data.BatchConeProgram, SolverSettings,
 * ExecutionSettings, WarmStart, IterationListener)}) and the derivative
 * ({@code SolutionDerivative.at(program, solution, settings, execution)}); a layer holds one
 * ({@code ConvexLayer.Builder.execution}) and hands it to both.
 *
 * <p>Execution does not change the answers beyond rounding, with one exception: when P and A are
 * shared by the batch, the lanes of a CPU tile adapt their scale jointly (one factorization), so
 * {@code tileLanes} can change iteration counts there (unless their b/c balances differ by more than
 * {@code Equilibration.MAX_SHARED_BALANCE_SPREAD}: then the tile factors per lane).
 *
 * @param threads   worker threads of the CPU tiles (the CPU backend's solve, the CUDA backend's
 *                  host-side equilibration, the derivative), 0 = one per available core
 *                  (default 0: tiles are independent, so every core is useful)
 * @param tileLanes instances solved together in one CPU tile (default 8: eight doubles are one
 *                  64-byte cache line, so the innermost loop over a tile's lanes vectorizes, and a
 *                  tile's whole working set stays in one core's cache for its whole solve,
 *                  DESIGN §2); the CUDA backend runs whole chunks and ignores it
 * @param compactLanes  whether a CPU tile of the first-order method continues its running lanes in
 *                      a narrower tile (4, 2, 1 lanes) once they fit, so that lanes that have
 *                      finished stop costing work (default true; the results are the same bit for
 *                      bit either way, see {@link BatchSolution#laneIterations()}); the CUDA backend
 *                      ignores it
 */
public record ExecutionSettings(int threads, int tileLanes, boolean compactLanes) {

    private static final ExecutionSettings DEFAULTS = new ExecutionSettings(0, 8, true);

    /** With lane compaction on (the default). */
    public ExecutionSettings(int threads, int tileLanes) {
        this(threads, tileLanes, true);
    }

    /** Validates every field; the exception names the field. */
    public ExecutionSettings {
        if (threads < 0) {
            throw new InvalidSettingsException("threads", threads, "must be >= 0 (0 = all cores)");
        }
        if (tileLanes < 1) {
            throw new InvalidSettingsException("tileLanes", tileLanes, "must be >= 1");
        }
    }

    /** The documented defaults: all cores, tiles of 8 instances. */
    public static ExecutionSettings defaults() {
        return DEFAULTS;
    }

    /** These settings with {@code count} worker threads (0 = all cores). */
    public ExecutionSettings withThreads(int count) {
        return new ExecutionSettings(count, tileLanes, compactLanes);
    }

    /** These settings with tiles of {@code lanes} instances. */
    public ExecutionSettings withTileLanes(int lanes) {
        return new ExecutionSettings(threads, lanes, compactLanes);
    }

    /** These settings with lane compaction on or off (off: for comparisons; the results do not change). */
    public ExecutionSettings withCompactLanes(boolean on) {
        return new ExecutionSettings(threads, tileLanes, on);
    }
}
