// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Cuts a batch into tiles of a few lanes and runs them on a shared pool of daemon worker threads,
 * each worker taking the next tile until none is left. Exceptions from a tile are rethrown to the
 * caller.
 */
public final class TileScheduler {
    private static final class PoolHolder {
        static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "convexlayers-cpu");
            t.setDaemon(true);
            return t;
        });
    }

    /** The work of one tile: instances {@code [first, first + live)} in a tile of {@code lanes} lanes. */
    @FunctionalInterface
    public interface TileTask {
        void run(int tileIndex, int first, int lanes, int live);
    }

    /** The work of one tile with the workspace of the worker that runs it. */
    @FunctionalInterface
    public interface WorkerTileTask<W> {
        void run(W workspace, int tileIndex, int first, int lanes, int live);
    }

    private TileScheduler() {
    }

    /** The tile width for a batch of {@code total} with the requested width. */
    public static int lanesFor(int total, int requested) {
        return Math.max(1, Math.min(requested, total));
    }

    /**
     * Runs {@code task} for every tile of a batch of {@code total} instances.
     *
     * @param threads worker threads, 0 = all cores
     */
    public static void run(int total, int lanes, int threads, TileTask task) {
        run(total, lanes, threads, () -> null, (ignored, tile, first, tileLanes, live) ->
                task.run(tile, first, tileLanes, live));
    }

    /**
     * {@link #run(int, int, int, TileTask)} with a workspace per worker: each worker makes one from
     * {@code workspace} before its first tile and hands it to every tile it runs, and drops it when the
     * batch is done. Workspaces made per call this way, not in a {@code ThreadLocal} made per call: a
     * pool thread's map keeps a dead {@code ThreadLocal}'s value until it happens to purge the entry,
     * and solve after solve those values piled up into hundreds of megabytes and long collections.
     */
    public static <W> void run(int total, int lanes, int threads, Supplier<W> workspace, WorkerTileTask<W> task) {
        int tiles = (total + lanes - 1) / lanes;
        int workers = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        workers = Math.max(1, Math.min(workers, tiles));
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            W mine = null;
            boolean made = false;
            for (int t = next.getAndIncrement(); t < tiles; t = next.getAndIncrement()) {
                if (!made) { // before the first tile only: a worker that finds none left makes none
                    mine = workspace.get();
                    made = true;
                }
                int first = t * lanes;
                task.run(mine, t, first, lanes, Math.min(lanes, total - first));
            }
        };
        if (workers == 1) {
            worker.run();
            return;
        }
        // The caller is one of the workers: a batch of two tiles then hands one tile to the pool,
        // not two, and the caller's wait is work.
        List<Future<?>> futures = new ArrayList<>();
        for (int k = 1; k < workers; k++) {
            futures.add(PoolHolder.POOL.submit(worker));
        }
        Throwable failure = null;
        try {
            worker.run();
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        // Every worker has finished (or failed) before this returns, even when the caller's failed.
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause();
                }
            }
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }
}
