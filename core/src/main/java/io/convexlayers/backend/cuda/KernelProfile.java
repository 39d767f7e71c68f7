// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measured wall time per kernel on a real device. While a profile is attached ({@link Device#profile}),
 * every launch, transfer and synchronization is bracketed by device synchronizations, so each entry is
 * that operation's own time (launch overhead included) and nothing else. This serializes the stream and
 * so slows a solve down; it is a diagnostic, not a mode to measure throughput in. The time between the
 * device operations is the host's orchestration, reported as the remainder of the wall time.
 */
final class KernelProfile {
    private final Map<CudaKernel, long[]> kernels = new EnumMap<>(CudaKernel.class);
    private long transferNanos;
    private long transfers;
    private long transferBytes;
    private long syncNanos;
    private long syncs;
    private final long startNanos = System.nanoTime();

    void kernel(CudaKernel k, long nanos) {
        long[] a = kernels.computeIfAbsent(k, key -> new long[2]);
        a[0]++;
        a[1] += nanos;
    }

    void transfer(long bytes, long nanos) {
        transfers++;
        transferBytes += bytes;
        transferNanos += nanos;
    }

    void synchronization(long nanos) {
        syncs++;
        syncNanos += nanos;
    }

    /** Total time of the kernels, in nanoseconds. */
    long kernelNanos() {
        return kernels.values().stream().mapToLong(a -> a[1]).sum();
    }

    /** Launches recorded for {@code k}. */
    long launches(CudaKernel k) {
        long[] a = kernels.get(k);
        return a == null ? 0 : a[0];
    }

    /** A table: one line per kernel (most expensive first), then transfers, waits and the host's share. */
    String report() {
        double wall = (System.nanoTime() - startNanos) * 1e-9;
        double kernelTotal = kernelNanos() * 1e-9;
        StringBuilder sb = new StringBuilder();
        sb.append("| kernel | launches | total ms | mean us | share of wall |\n|---|---|---|---|---|\n");
        List<Map.Entry<CudaKernel, long[]>> rows = new ArrayList<>(kernels.entrySet());
        rows.sort((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]));
        for (Map.Entry<CudaKernel, long[]> e : rows) {
            long[] a = e.getValue();
            sb.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.1f | %.1f%% |%n", e.getKey().entry(), a[0],
                    a[1] * 1e-6, a[1] * 1e-3 / a[0], 100 * a[1] * 1e-9 / wall));
        }
        sb.append(String.format(Locale.ROOT, "| (transfers: %d, %.1f MB) | %d | %.2f | %.1f | %.1f%% |%n", transfers,
                transferBytes * 1e-6, transfers, transferNanos * 1e-6, transfers == 0 ? 0 : transferNanos * 1e-3
                        / transfers, 100 * transferNanos * 1e-9 / wall));
        double host = wall - kernelTotal - transferNanos * 1e-9 - syncNanos * 1e-9;
        sb.append(String.format(Locale.ROOT, "| (host between device calls) | | %.2f | | %.1f%% |%n", host * 1e3,
                100 * host / wall));
        sb.append(String.format(Locale.ROOT, "wall %.3f s, kernels %.3f s%n", wall, kernelTotal));
        return sb.toString();
    }
}
