// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.batch;

import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TileScheduler}: every tile runs once with its instances, the caller works as one of the
 * workers, a worker's workspace serves its tiles alone and is gone after the call, and a tile's
 * failure reaches the caller only after every other worker has stopped.
 */
class TileSchedulerTest {

    @Test
    void eachWorkerHasItsOwnWorkspaceAndNoneOutlivesTheCall() throws InterruptedException {
        int total = 64;
        int lanes = 4;
        int threads = 3;
        List<WeakReference<Object>> made = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        Map<Object, Thread> owner = new ConcurrentHashMap<>();
        AtomicInteger tiles = new AtomicInteger();
        TileScheduler.run(total, lanes, threads, () -> {
            Object workspace = new long[1 << 16]; // half a megabyte, as a tile workspace might be
            made.add(new WeakReference<>(workspace));
            return workspace;
        }, (workspace, tile, first, tileLanes, live) -> {
            // A workspace is never shared between threads, so a tile may use it without locks.
            assertSame(Thread.currentThread(), owner.computeIfAbsent(workspace, w -> Thread.currentThread()));
            tiles.incrementAndGet();
        });
        assertEquals(total / lanes, tiles.get());
        assertTrue(made.size() >= 1 && made.size() <= threads, "one workspace per worker: " + made.size());
        owner.clear();
        // Nothing holds a workspace once the call is back: not the pool's threads (as a ThreadLocal made
        // per call would, until the thread's map happened to purge the entry), not the scheduler.
        for (int attempt = 0; attempt < 20 && made.stream().anyMatch(r -> r.get() != null); attempt++) {
            System.gc();
            Thread.sleep(10);
        }
        assertTrue(made.stream().allMatch(r -> r.get() == null), "a workspace outlived the call");
    }

    @Test
    void everyTileRunsOnceWithItsInstances() {
        for (int threads : new int[] {1, 2, 3, 0}) {
            int total = 37;
            int lanes = 8;
            AtomicIntegerArray runs = new AtomicIntegerArray(5);
            AtomicIntegerArray covered = new AtomicIntegerArray(total);
            TileScheduler.run(total, lanes, threads, (tile, first, tileLanes, live) -> {
                runs.incrementAndGet(tile);
                assertEquals(tile * lanes, first);
                assertEquals(lanes, tileLanes);
                assertEquals(Math.min(lanes, total - first), live);
                for (int k = first; k < first + live; k++) {
                    covered.incrementAndGet(k);
                }
            });
            for (int t = 0; t < 5; t++) {
                assertEquals(1, runs.get(t), "tile " + t + " with " + threads + " threads");
            }
            for (int k = 0; k < total; k++) {
                assertEquals(1, covered.get(k), "instance " + k + " with " + threads + " threads");
            }
        }
    }

    @Test
    void theCallerIsOneOfTheWorkers() {
        Set<Thread> workers = ConcurrentHashMap.newKeySet();
        // Enough slow tiles that both workers take some.
        TileScheduler.run(64, 1, 2, (tile, first, lanes, live) -> {
            workers.add(Thread.currentThread());
            sleepQuietly(2);
        });
        assertTrue(workers.contains(Thread.currentThread()), "the caller ran tiles: " + workers);
        assertEquals(2, workers.size(), workers::toString);
    }

    @Test
    void aFailureIsRethrownAfterTheOtherWorkersStopped() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        IllegalArgumentException boom = new IllegalArgumentException("tile 0");
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
                () -> TileScheduler.run(40, 1, 2, (tile, first, lanes, live) -> {
                    running.incrementAndGet();
                    try {
                        if (tile == 0) {
                            throw boom;
                        }
                        sleepQuietly(1);
                        finished.incrementAndGet();
                    } finally {
                        running.decrementAndGet();
                    }
                }));
        assertSame(boom, thrown);
        assertEquals(0, running.get(), "no tile still running when the failure reaches the caller");
        // The failing worker stops; the other takes every remaining tile.
        assertEquals(39, finished.get());
    }

    @Test
    void anErrorIsRethrownAsItIs() {
        AssertionError error = new AssertionError("tile 3");
        AssertionError thrown = assertThrows(AssertionError.class,
                () -> TileScheduler.run(8, 1, 2, (tile, first, lanes, live) -> {
                    if (tile == 3) {
                        throw error;
                    }
                }));
        assertSame(error, thrown);
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
