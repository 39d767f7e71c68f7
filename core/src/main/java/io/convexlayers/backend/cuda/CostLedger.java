// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts of what a device was asked to do while recording ({@link Device#record}): kernel launches
 * with their bytes and flops ({@link KernelCosts}), grouped by kernel and work-item count (launches of
 * one group have the same occupancy, which is what {@link H200CostModel} needs), device-to-device
 * copies, host↔device transfers and explicit synchronizations. Zero-length transfers and copies are
 * not counted: the device skips them. It only adds numbers; it never touches device memory.
 */
final class CostLedger {
    /** Launches of one kernel over one number of work items, summed. */
    static final class Group {
        final CudaKernel kernel;
        final long items;
        long launches;
        long bytesRead;
        long bytesWritten;
        long flops;
        // Block-cooperative kernels: critical-path loads summed over launches, and blocks resident per SM.
        long pathLoads;
        long l1PathLoads;
        int blocksPerSm;

        Group(CudaKernel kernel, long items) {
            this.kernel = kernel;
            this.items = items;
        }

        long bytes() {
            return bytesRead + bytesWritten;
        }
    }

    private final Map<Long, Group> groups = new HashMap<>();
    private final Map<CudaKernel, Long> perKernel = new EnumMap<>(CudaKernel.class);
    private long launches;
    private long uncosted;
    private long synchronizations;
    private long uploads;
    private long uploadBytes;
    private long stagedUploadBytes;
    private long downloads;
    private long downloadBytes;
    private long copies;
    private long copyBytes;
    private long graphLaunches;
    private long graphNodes;

    void launch(CudaKernel kernel, int items, CudaKernel.TwinArgs hostView) {
        launches++;
        perKernel.merge(kernel, 1L, Long::sum);
        Group g = groups.computeIfAbsent(((long) kernel.ordinal() << 32) | items, k -> new Group(kernel, items));
        g.launches++;
        if (hostView == null) {
            uncosted++;
            return;
        }
        KernelCost c = KernelCosts.of(kernel, items, hostView);
        g.bytesRead += c.bytesRead();
        g.bytesWritten += c.bytesWritten();
        g.flops += c.flops();
        g.pathLoads += c.pathLoads();
        g.l1PathLoads += c.l1PathLoads();
        g.blocksPerSm = Math.max(g.blocksPerSm, c.blocksPerSm());
    }

    void upload(long bytes) {
        upload(bytes, false);
    }

    /** An upload; {@code staged} when it goes through the page-locked staging buffer. */
    void upload(long bytes, boolean staged) {
        if (bytes > 0) {
            uploads++;
            uploadBytes += bytes;
            if (staged) {
                stagedUploadBytes += bytes;
            }
        }
    }

    /** Bytes of the uploads that went through the page-locked staging buffer (part of {@link #uploadBytes}). */
    long stagedUploadBytes() {
        return stagedUploadBytes;
    }

    void download(long bytes) {
        if (bytes > 0) {
            downloads++;
            downloadBytes += bytes;
        }
    }

    void copy(long bytes) {
        if (bytes > 0) {
            copies++;
            copyBytes += bytes;
        }
    }

    void synchronize() {
        synchronizations++;
    }

    /**
     * One graph launch replaying {@code nodes} operations (each also counted by {@link #launch} or
     * {@link #copy}, for the work it does): the host pays one graph launch instead of {@code nodes}.
     */
    void graph(int nodes) {
        graphLaunches++;
        graphNodes += nodes;
    }

    /** Graph launches. */
    long graphLaunches() {
        return graphLaunches;
    }

    /** Operations (launches and copies) that ran inside graphs. */
    long graphNodes() {
        return graphNodes;
    }

    /** Kernel launches. */
    long launches() {
        return launches;
    }

    /** Launches of {@code kernel}. */
    long launches(CudaKernel kernel) {
        return perKernel.getOrDefault(kernel, 0L);
    }

    /** Launches counted without bytes and flops (the device had no host view of their arguments). */
    long uncostedLaunches() {
        return uncosted;
    }

    /** Explicit synchronizations (the debug mode's, one per launch). */
    long synchronizations() {
        return synchronizations;
    }

    long uploads() {
        return uploads;
    }

    long uploadBytes() {
        return uploadBytes;
    }

    long downloads() {
        return downloads;
    }

    long downloadBytes() {
        return downloadBytes;
    }

    /** Device-to-device copies ({@code cuMemcpyDtoD}: queued like a launch, no host wait). */
    long copies() {
        return copies;
    }

    /** Bytes copied device to device (each is read once and written once). */
    long copyBytes() {
        return copyBytes;
    }

    /**
     * Points where the host waits for the device: explicit synchronizations, every download (it
     * returns when the copy is done) and every upload (from pageable memory the driver synchronizes
     * the stream before the copy, CUDA driver API "API synchronization behavior").
     */
    long hostWaits() {
        return synchronizations + downloads + uploads;
    }

    /** Bytes kernels read and wrote, summed over launches. */
    long kernelBytes() {
        long s = 0;
        for (Group g : groups.values()) {
            s += g.bytes();
        }
        return s;
    }

    /** Flops of all launches. */
    long flops() {
        long s = 0;
        for (Group g : groups.values()) {
            s += g.flops;
        }
        return s;
    }

    /** The launch groups, largest byte count first. */
    List<Group> groups() {
        List<Group> list = new ArrayList<>(groups.values());
        list.sort((a, b) -> Long.compare(b.bytes(), a.bytes()));
        return Collections.unmodifiableList(list);
    }

    /** Launches per kernel. */
    Map<CudaKernel, Long> launchesPerKernel() {
        return Collections.unmodifiableMap(perKernel);
    }
}
