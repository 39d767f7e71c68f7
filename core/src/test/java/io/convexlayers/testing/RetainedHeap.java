// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.testing;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/** The heap that survives collections, for tests that check repeated calls keep nothing behind. */
public final class RetainedHeap {
    private RetainedHeap() {
    }

    /** Heap in use after a full collection, the smallest of three readings (bytes). */
    public static long bytes() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long least = Long.MAX_VALUE;
        for (int k = 0; k < 3; k++) {
            System.gc();
            Thread.sleep(20);
            least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
        }
        return least;
    }
}
