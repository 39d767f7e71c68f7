package io.convexlayers.backend.cpu;

import io.convexlayers.backend.Backend;
import io.convexlayers.solver.BatchConeProgram;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.HsdeIteration;
import io.convexlayers.solver.IterationListener;
import io.convexlayers.solver.Solution;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.WarmStart;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.ArrayList;

/**
 * The pure-Java backend: splits a batch into tiles of {@link SolverSettings#tileLanes()} instances
 * and solves each tile with {@link CpuHsdeKernels} on a pool of worker threads, so that each tile's
 * working set stays in one core's cache for its whole solve (DESIGN §2).
 */
public final class CpuBackend implements Backend {
    /** The shared instance; its thread pool is created lazily and uses daemon threads. */
    public static final CpuBackend INSTANCE = new CpuBackend();

    private static final class PoolHolder {
        static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "convexlayers-cpu");
            t.setDaemon(true);
            return t;
        });
    }

    private CpuBackend() {
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public BatchSolution solve(BatchConeProgram batch, SolverSettings settings, WarmStart warmStart,
                               IterationListener listener) {
        long t0 = System.nanoTime();
        int total = batch.batch();
        if (warmStart != null) {
            warmStart.validate(total, batch.n(), batch.m());
        }
        int lanes = Math.min(settings.tileLanes(), total);
        int tiles = (total + lanes - 1) / lanes;
        int threads = settings.threads() > 0 ? settings.threads() : Runtime.getRuntime().availableProcessors();
        threads = Math.max(1, Math.min(threads, tiles));
        long deadline = settings.timeLimitSeconds() > 0
                ? t0 + (long) (settings.timeLimitSeconds() * 1e9) : Long.MAX_VALUE;
        Solution[] results = new Solution[total];
        AtomicInteger nextTile = new AtomicInteger();
        Runnable worker = () -> {
            for (int t = nextTile.getAndIncrement(); t < tiles; t = nextTile.getAndIncrement()) {
                int first = t * lanes;
                solveTile(batch, settings, warmStart, first, lanes, Math.min(lanes, total - first), deadline,
                        t == 0 ? listener : null, results);
            }
        };
        if (threads == 1) {
            worker.run();
        } else {
            List<Future<?>> futures = new ArrayList<>();
            for (int k = 0; k < threads; k++) {
                futures.add(PoolHolder.POOL.submit(worker));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while solving", e);
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof RuntimeException re) {
                        throw re;
                    }
                    if (c instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException(c);
                }
            }
        }
        return new BatchSolution(Arrays.asList(results));
    }

    private static void solveTile(BatchConeProgram batch, SolverSettings settings, WarmStart warmStart, int first,
                                  int lanes, int live, long deadline, IterationListener listener,
                                  Solution[] results) {
        long t0 = System.nanoTime();
        CpuHsdeKernels kernels = new CpuHsdeKernels(batch, first, lanes, settings);
        boolean[] warm = null;
        double[] wx = null;
        double[] wy = null;
        double[] ws = null;
        if (warmStart != null) {
            int n = batch.n();
            int m = batch.m();
            warm = new boolean[lanes];
            wx = new double[n * lanes];
            wy = new double[m * lanes];
            ws = new double[m * lanes];
            for (int l = 0; l < live; l++) {
                double[] x = warmStart.x()[first + l];
                if (x == null) {
                    continue;
                }
                warm[l] = true;
                scatter(x, wx, l, lanes);
                scatter(warmStart.y()[first + l], wy, l, lanes);
                scatter(warmStart.s()[first + l], ws, l, lanes);
            }
        }
        double setup = (System.nanoTime() - t0) * 1e-9;
        Solution[] tile = new HsdeIteration<>(kernels, settings).run(live, warm, wx, wy, ws, deadline, listener,
                setup);
        System.arraycopy(tile, 0, results, first, live);
    }

    private static void scatter(double[] src, double[] dst, int lane, int lanes) {
        for (int i = 0; i < src.length; i++) {
            dst[i * lanes + lane] = src[i];
        }
    }
}
