// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cpu;

import io.convexlayers.batch.TileScheduler;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.diff.ResidualMapPolisher;
import io.convexlayers.solver.Backend;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.hsde.Deadline;
import io.convexlayers.solver.IterationListener;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.WarmStart;
import io.convexlayers.solver.hsde.HsdeIteration;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.ipm.AlgorithmChoice;
import io.convexlayers.solver.ipm.InteriorPointSolver;
import io.convexlayers.solver.hsde.SolutionPolisher;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The pure-Java backend: splits a batch into tiles of {@link ExecutionSettings#tileLanes()}
 * instances and solves each tile with {@link CpuHsdeKernels} on {@link ExecutionSettings#threads()}
 * worker threads, so that each tile's working set stays in one core's cache for its whole solve
 * (DESIGN §2). Each tile writes its instances' results straight into the batch's solution.
 * {@link SolverSettings#algorithm()} picks the method per batch ({@link AlgorithmChoice}); the
 * interior-point method ({@link InteriorPointSolver}) runs on the same tiles and threads. A request
 * for the interior-point method on cones it does not support is announced once per cone
 * description and solved by the first-order method; the result says which ran.
 */
public final class CpuBackend implements Backend {
    /** The shared instance; its thread pool is created lazily and uses daemon threads. */
    public static final CpuBackend INSTANCE = new CpuBackend();
    private static final System.Logger LOG = System.getLogger("io.convexlayers.backend");
    private static final java.util.Set<String> ANNOUNCED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private CpuBackend() {
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public BatchSolution solve(BatchConeProgram batch, SolverSettings settings, ExecutionSettings execution,
                               WarmStart warmStart, IterationListener listener) {
        Algorithm method = AlgorithmChoice.resolve(batch, settings, warmStart != null);
        if (method == Algorithm.INTERIOR_POINT) {
            if (warmStart != null) {
                warmStart.validate(batch.batch(), batch.n(), batch.m());
            }
            return InteriorPointSolver.solve(batch, settings, execution, listener);
        }
        if (settings.algorithm() == Algorithm.INTERIOR_POINT && ANNOUNCED.add(batch.cones().toString())) {
            LOG.log(System.Logger.Level.INFO, "convexlayers: the interior-point method supports zero, nonnegative "
                    + "and second-order cones and n + (zero rows) <= 5000 only; " + batch.cones() + " with n = "
                    + batch.n() + " is solved by the first-order method");
        }
        long t0 = System.nanoTime();
        int total = batch.batch();
        if (warmStart != null) {
            warmStart.validate(total, batch.n(), batch.m());
        }
        int lanes = TileScheduler.lanesFor(total, execution.tileLanes());
        long deadline = Deadline.after(t0, settings.timeLimitSeconds());
        BatchSolution.Builder out = BatchSolution.builder(total, batch.n(), batch.m());
        if (settings.equilibrate()) {
            out.keepScaling(); // for the derivative's active KKT matrix (ActiveKktMatrix)
        }
        // Tiles fill disjoint instances of `out`; TileScheduler.run returns after every tile has finished.
        // Polishing workspaces go from tile to tile (one per worker at a time), keeping their arrays.
        Queue<SolutionPolisher.Workspace> polishing = new ConcurrentLinkedQueue<>();
        TileScheduler.run(total, lanes, execution.threads(), (tile, first, tileLanes, live) ->
                solveTile(batch, settings, warmStart, first, tileLanes, live, deadline,
                        tile == 0 ? listener : null, execution.compactLanes(), polishing, out));
        // Polishing beyond zero and nonnegative cones: Newton refinement on the residual map, over the whole
        // batch, unless the time limit has passed.
        if (SolutionPolisher.polishes(settings, batch) && !SolutionPolisher.supports(batch.cones())
                && !Deadline.passed(deadline, System.nanoTime())) {
            return ResidualMapPolisher.polish(batch, out.build(), settings, execution, deadline);
        }
        return out.build();
    }

    private static void solveTile(BatchConeProgram batch, SolverSettings settings, WarmStart warmStart, int first,
                                  int lanes, int live, long deadline, IterationListener listener,
                                  boolean compactLanes, Queue<SolutionPolisher.Workspace> workspaces,
                                  BatchSolution.Builder out) {
        long t0 = System.nanoTime();
        CpuHsdeKernels kernels = new CpuHsdeKernels(batch, first, lanes, settings);
        WarmStart.Lanes w = warmStart == null ? null : warmStart.lanes(first, lanes, live, batch.n(), batch.m());
        double setup = (System.nanoTime() - t0) * 1e-9;
        SolutionPolisher.Workspace polishing = workspaces.poll();
        if (polishing == null) {
            polishing = new SolutionPolisher.Workspace(batch);
        }
        polishing.home(first, live);
        new HsdeIteration<>(kernels, settings).polishing(polishing).compaction(compactLanes)
                .run(out, first, live, w, deadline, listener, setup);
        SolutionPolisher.polish(polishing, settings, out, first, live, deadline);
        workspaces.offer(polishing);
    }
}
