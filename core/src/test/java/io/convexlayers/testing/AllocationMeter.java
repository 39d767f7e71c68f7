// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.testing;

import java.lang.management.ManagementFactory;

/**
 * Bytes the current thread allocates while running a piece of code, from the JDK's thread
 * management bean: how tests show that a reader's memory follows the input, not its claims.
 */
public final class AllocationMeter {
    private AllocationMeter() {
    }

    /** Code that may throw anything; the meter reports what it allocated either way. */
    @FunctionalInterface
    public interface Action {
        void run() throws Throwable;
    }

    /** What {@link #measure} saw: the bytes allocated and what the action threw, if anything. */
    public record Measured(long bytes, Throwable thrown) {
    }

    /** Runs {@code action} on this thread and returns the bytes it allocated and what it threw. */
    public static Measured measure(Action action) {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = bean.getThreadAllocatedBytes(id);
        Throwable thrown = null;
        try {
            action.run();
        } catch (Throwable t) {
            thrown = t;
        }
        return new Measured(bean.getThreadAllocatedBytes(id) - before, thrown);
    }
}
