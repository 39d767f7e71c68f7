// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

import io.convexlayers.batch.TileScheduler;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.IterationListener;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.hsde.Deadline;

/**
 * The interior-point method over a batch on the CPU: instances are independent, cut into tiles of
 * {@link ExecutionSettings#tileLanes()} and spread over {@link ExecutionSettings#threads()} workers
 * (the batch's shared structure, {@link IpmLayout}, is built once). Where {@link #tiles} allows — LPs,
 * QPs and SOCPs with the dense reduction — a worker runs a tile's instances in lock-step
 * ({@link TileInteriorPointMethod}: 2–2.7× less CPU time on the benchmark batches); otherwise it
 * solves them one after the other with one workspace. Each instance gets its own status, so a bad
 * instance never spoils the others. Warm starts are not used: an interior-point method starts from
 * the interior, not from a previous solution.
 */
public final class InteriorPointSolver {
    /** Most variables of a batch solved in lock-step tiles (a lane's packed reduced matrix: 260 KB). */
    static final int MAX_TILED_ORDER = 256;
    private static volatile boolean tilesEnabled = !"false".equals(System.getProperty("convexlayers.ipm.tiles"));

    private InteriorPointSolver() {
    }

    /** Whether the method handles these cones (zero, nonnegative, second-order, positive semidefinite). */
    public static boolean supports(ConeDims cones) {
        return IpmLayout.supports(cones);
    }

    /**
     * Whether the method handles this batch: its cones, and a Newton system that fits — the dense
     * reduction of order n + (zero rows) ≤ 5000, or (zero and nonnegative cones only) a sparse
     * factorization of at most {@value NewtonSystemChoice#MAX_SPARSE_ENTRIES} entries.
     */
    public static boolean supports(BatchConeProgram batch) {
        return newtonSystem(batch) != NewtonSystemChoice.NONE;
    }

    /** How this batch's Newton system would be factored; NONE when the method does not handle it. */
    static NewtonSystemChoice newtonSystem(BatchConeProgram batch) {
        var k = batch.cones();
        if (!supports(k)) {
            return NewtonSystemChoice.NONE;
        }
        return NewtonSystemChoice.of(batch.n(), batch.m(), k.zero(), k.soc().length + k.psd().length, batch.aPattern(),
                batch.pPattern());
    }

    /** Whether the full Newton system (order n + m) is kept dense as a fallback for this batch. */
    static boolean hasFullFallback(BatchConeProgram batch) {
        return batch.n() + (long) batch.m() <= ReducedKkt.MAX_FULL_ORDER;
    }

    /**
     * Solves every instance of the batch.
     *
     * @param listener progress of instance 0 at every iteration, or null
     * @throws IllegalArgumentException when the batch is not supported ({@link #supports(BatchConeProgram)})
     */
    public static BatchSolution solve(BatchConeProgram batch, SolverSettings settings, ExecutionSettings execution,
                                      IterationListener listener) {
        return solve(batch, settings, execution, listener, null);
    }

    /**
     * {@link #solve(BatchConeProgram, SolverSettings, ExecutionSettings, IterationListener)} with the
     * Newton system's factorization forced (null: chosen from the structure).
     */
    static BatchSolution solve(BatchConeProgram batch, SolverSettings settings, ExecutionSettings execution,
                               IterationListener listener, NewtonSystemChoice newton) {
        return solve(batch, settings, execution, listener, newton, null);
    }

    /**
     * As above, with the tiled method ({@link TileInteriorPointMethod}) forced on or off (null: where
     * {@link #tiles} says it applies).
     */
    static BatchSolution solve(BatchConeProgram batch, SolverSettings settings, ExecutionSettings execution,
                               IterationListener listener, NewtonSystemChoice newton, Boolean tiled) {
        NewtonSystemChoice chosen = newton != null ? newton : newtonSystem(batch);
        if (chosen == NewtonSystemChoice.NONE) {
            throw new IllegalArgumentException("the interior-point method does not support " + batch.cones()
                    + " with n = " + batch.n());
        }
        long t0 = System.nanoTime();
        long deadline = Deadline.after(t0, settings.timeLimitSeconds());
        int total = batch.batch();
        BatchSolution.Builder out = BatchSolution.builder(total, batch.n(), batch.m());
        out.algorithm(Algorithm.INTERIOR_POINT);
        int lanes = TileScheduler.lanesFor(total, execution.tileLanes());
        InteriorPointMethod recent = RecentWorkspace.take(batch, chosen);
        IpmLayout layout = recent != null ? recent.layout() : new IpmLayout(batch, chosen);
        boolean lockStep = tiled != null ? tiled && tileable(layout) : tiles(layout, total, lanes);
        if (lockStep && settings.equilibrate()) {
            out.keepScaling(); // for the derivative's active KKT matrix (ActiveKktMatrix)
        }
        if (!lockStep && total <= lanes) {
            // One tile, solved on this thread: with the workspace of the last solve of this structure,
            // so that a layer's batch of one does not rebuild it call after call.
            InteriorPointMethod method = recent != null ? recent : new InteriorPointMethod(layout);
            for (int k = 0; k < total; k++) {
                method.solve(batch, k, settings, deadline, k == 0 ? listener : null, out);
            }
            RecentWorkspace.keep(method);
            return out.build();
        }
        if (recent != null) {
            RecentWorkspace.keep(recent); // not used by this solve: left for the next one
        }
        TileScheduler.run(total, lanes, execution.threads(), () -> new Workspaces(layout, lanes),
                (mine, tile, first, tileLanes, live) -> {
                    if (lockStep) {
                        int[] back = mine.tile().solve(batch, first, live, settings, deadline,
                                first == 0 ? listener : null, out);
                        for (int k : back) {
                            mine.single().solve(batch, k, settings, deadline, k == 0 ? listener : null, out);
                        }
                        return;
                    }
                    InteriorPointMethod method = mine.single();
                    for (int k = first; k < first + live; k++) {
                        method.solve(batch, k, settings, deadline, k == 0 ? listener : null, out);
                    }
                });
        return out.build();
    }

    /** One worker's workspaces for one solve, each made when first needed. */
    private static final class Workspaces {
        private final IpmLayout layout;
        private final int lanes;
        private InteriorPointMethod single;
        private TileInteriorPointMethod tile;

        Workspaces(IpmLayout layout, int lanes) {
            this.layout = layout;
            this.lanes = lanes;
        }

        InteriorPointMethod single() {
            if (single == null) {
                single = new InteriorPointMethod(layout);
            }
            return single;
        }

        TileInteriorPointMethod tile() {
            if (tile == null) {
                tile = new TileInteriorPointMethod(layout, lanes);
            }
            return tile;
        }
    }

    /**
     * Whether a batch runs in lock-step tiles ({@link TileInteriorPointMethod}): tiles of more than one
     * lane, and a structure the tiled method takes ({@link #tileable}).
     */
    static boolean tiles(IpmLayout layout, int total, int lanes) {
        return tilesEnabled && lanes > 1 && total > 1 && tileable(layout);
    }

    /**
     * Turns lock-step tiles on or off for later solves (on by default; the system property
     * {@code convexlayers.ipm.tiles=false} starts with them off), for comparisons in one process.
     *
     * @return the previous setting
     */
    public static boolean useTiles(boolean enabled) {
        boolean before = tilesEnabled;
        tilesEnabled = enabled;
        return before;
    }

    /**
     * Whether the tiled method takes this structure: zero, nonnegative and second-order cones (not
     * positive semidefinite ones, which {@link InteriorPointMethod} solves one instance at a time), the
     * dense reduction, at most {@value #MAX_TILED_ORDER} variables and no
     * more equality rows than variables (each lane keeps a dense reduced matrix, M⁻¹A_Eᵀ and the
     * equality rows' Schur complement).
     */
    static boolean tileable(IpmLayout layout) {
        return layout.newton == NewtonSystemChoice.DENSE && layout.n <= MAX_TILED_ORDER && layout.zero <= layout.n
                && layout.psdCount() == 0;
    }

    /**
     * Solves instances {@code instances} of the batch one after the other on the calling thread into
     * {@code out} (the instances another solver handed back: the device's lanes whose reduced Newton
     * system needed the full one).
     */
    public static void solveInstances(BatchConeProgram batch, int[] instances, SolverSettings settings, long deadline,
                                      BatchSolution.Builder out) {
        NewtonSystemChoice chosen = newtonSystem(batch);
        if (chosen == NewtonSystemChoice.NONE) {
            throw new IllegalArgumentException("the interior-point method does not support " + batch.cones()
                    + " with n = " + batch.n());
        }
        InteriorPointMethod method = new InteriorPointMethod(new IpmLayout(batch, chosen));
        for (int k : instances) {
            method.solve(batch, k, settings, deadline, null, out);
        }
    }
}
