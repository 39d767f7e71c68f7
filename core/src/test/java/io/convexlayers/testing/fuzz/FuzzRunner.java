// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.testing.fuzz;

import io.convexlayers.ConvexLayersException;

import java.lang.management.ManagementFactory;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a {@link FuzzTarget} on seeded inputs and classifies every outcome. Each input runs on a
 * worker thread so that a hang is cut off after the per-input bound (the stuck thread is a daemon
 * and abandoned; a fresh worker takes over), and so that the bytes it allocates can be measured.
 * The acceptable ends are a normal return (a solution or a status) and a typed
 * {@link ConvexLayersException}; any other exception, an {@link Error} such as
 * {@link OutOfMemoryError} or {@link StackOverflowError}, a hang and an allocation beyond the
 * budget are findings, reported with the seed, the input's number and the input itself.
 */
public final class FuzzRunner {
    private FuzzRunner() {
    }

    /** What one input did on the worker. */
    private record Outcome(String label, Throwable thrown, long bytes) {
    }

    /** Runs {@code target} under {@code config}; {@code name} labels the report and saved findings. */
    public static FuzzReport run(String name, FuzzConfig config, FuzzTarget target) {
        FuzzReport report = new FuzzReport(name, config);
        ExecutorService worker = newWorker(name);
        long start = System.nanoTime();
        try {
            for (long i = 0; i < config.inputs(); i++) {
                if ((System.nanoTime() - start) * 1e-9 >= config.seconds()) {
                    break;
                }
                byte[] input = target.input(new Random(config.inputSeed(i)));
                Future<Outcome> future = worker.submit(() -> attempt(target, input));
                Outcome o;
                try {
                    o = future.get((long) (config.perInputSeconds() * 1000), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    future.cancel(true);
                    worker.shutdownNow();
                    worker = newWorker(name);
                    report.finding(i, input, target, "hang: no end within " + config.perInputSeconds() + " s", null);
                    continue;
                } catch (ExecutionException e) {
                    o = new Outcome(null, e.getCause(), 0);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                classify(report, i, input, target, o, config);
            }
        } finally {
            worker.shutdownNow();
        }
        report.finish((System.nanoTime() - start) * 1e-9);
        return report;
    }

    private static void classify(FuzzReport report, long i, byte[] input, FuzzTarget target, Outcome o,
                                 FuzzConfig config) {
        if (o.bytes() > config.allocationBudget()) {
            report.finding(i, input, target, "memory: allocated " + o.bytes() + " bytes, more than the budget of "
                    + config.allocationBudget(), o.thrown());
        } else if (o.thrown() == null) {
            report.count(o.label());
        } else if (o.thrown() instanceof ConvexLayersException) {
            report.count(o.thrown().getClass().getSimpleName());
        } else {
            report.finding(i, input, target, "untyped outcome: " + o.thrown(), o.thrown());
        }
    }

    private static Outcome attempt(FuzzTarget target, byte[] input) {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = bean.getThreadAllocatedBytes(id);
        String label = null;
        Throwable thrown = null;
        try {
            label = target.run(input);
        } catch (Throwable t) {
            thrown = t; // OutOfMemoryError and StackOverflowError included: they are findings
        }
        return new Outcome(label, thrown, bean.getThreadAllocatedBytes(id) - before);
    }

    private static ExecutorService newWorker(String name) {
        return Executors.newSingleThreadExecutor(r -> {
            // A deep stack, so that a StackOverflowError means unbounded recursion, not a small default.
            Thread t = new Thread(null, r, "fuzz-" + name, 64L << 20);
            t.setDaemon(true);
            return t;
        });
    }
}
