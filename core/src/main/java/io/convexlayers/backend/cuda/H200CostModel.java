// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * A predicted time on one NVIDIA H200 (SXM) for the work a {@link CostLedger} counted — a
 * prediction from counts, never a measurement:
 * <pre>
 *   T = (launches + device copies outside graphs) × {@link #LAUNCH_SECONDS}
 *     + graph launches × {@link #GRAPH_LAUNCH_SECONDS}
 *     + host waits × {@link #HOST_WAIT_SECONDS}
 *     + host↔device bytes / {@link #PAGEABLE_BYTES_PER_SECOND}
 *     + Σ over launch groups max(launches × {@link #MIN_KERNEL_SECONDS}, bytes / HBM bandwidth,
 *                                flops / FP64 peak, launches × waves × thread time)
 *     + device-copy bytes × 2 / HBM bandwidth
 * </pre>
 * A block-cooperative kernel takes its critical path ({@link #pathSeconds}) in place of the work-item
 * rule (its work items are blocks, not threads). The last
 * roofline term is the occupancy rule: a launch with fewer work items than the GPU keeps
 * resident ({@link #RESIDENT_THREADS} = 132 SMs × 2048 threads) cannot have enough loads in flight to
 * reach bandwidth, and then its time is that of its longest thread: per work item its loads (bytes /
 * 8) × {@link #LOAD_SECONDS} plus its flops × {@link #FLOP_SECONDS}, once per wave of resident
 * threads (waves = ⌈items / resident⌉). At full occupancy the bandwidth term takes over; with one
 * thread per lane over 1024 lanes (0.4% of the resident threads) the thread time dominates. The plain
 * rule "bandwidth × min(1, items / resident)" is the same form with 450 ns per load (one HBM latency
 * per load, no overlap): 7.5× the per-load time used here, too slow for kernels whose data
 * sits in L1/L2 (the kernels of one small QP: 55 ms instead of 11 ms), so a calibrated per-load
 * time is used.
 * Every launch of a group has the same work items; the group's bytes and flops are summed before the
 * roofline (a slight underestimate when launches of one group differ in kind).
 *
 * <p>The terms are added, not overlapped: on one stream a host that enqueues launches at
 * {@link #LAUNCH_SECONDS} each keeps short kernels waiting for work, so the sum is close for
 * launch-bound workloads and at most 2× pessimistic for kernel-bound ones. The constants (the host
 * side measured on the lent H200 machine, 2026-12-04, with {@link HostTimes}; that machine runs in a
 * gVisor sandbox, which intercepts every driver call):
 * <ul>
 *   <li>HBM3e bandwidth 4.8 TB/s and FP64 34 TFLOP/s (vector; 67 with tensor cores, which no kernel
 *       uses): NVIDIA's H200 SXM datasheet.</li>
 *   <li>Launch overhead 16 µs per kernel launched on its own (measured 13–20 µs per
 *       {@code cuLaunchKernel}); 3 µs per graph launch (measured 2.3–3.5 µs per {@code cuGraphLaunch}).</li>
 *   <li>Host wait 15 µs: a synchronization round trip (measured 10–15 µs for a small download),
 *       charged for each download, each upload (pageable copies synchronize the stream first) and each
 *       explicit synchronization.</li>
 *   <li>Host link 2.4 GB/s for pageable copies (measured: 164 MB of matrix values in 68 ms); pinned
 *       memory would reach about 50 GB/s on PCIe 5 x16. Double uploads of 1 MB and more go through a
 *       16 MB page-locked staging buffer: {@link #STAGED_BYTES_PER_SECOND}, assumed (host copy into
 *       the buffer, then the DMA), not yet measured.</li>
 *   <li>Minimum kernel time 2 µs on the GPU (grid start and drain of even an empty kernel).</li>
 *   <li>Thread time: 60 ns per load (an L2 hit, ~240 ns, with about four independent loads of an
 *       inner loop in flight per thread) and 2 ns per flop (a dependent DFMA, ~8 cycles at 1.98 GHz,
 *       for 2 flops): assumptions, to be replaced by measurements when a GPU is lent.</li>
 *   <li>L1 hit 15 ns per load on a block's critical path (~33 cycles of L1 latency, two loads in
 *       flight) for the iterations of a fused run after its first, when the block's working set fits in
 *       {@link #L1_BYTES_PER_SM} beside its shared memory: an assumption, like the thread time.</li>
 * </ul>
 * Bytes and flops count what the kernels ask for ({@link KernelCosts}), per-lane re-reads included,
 * so bandwidth-bound terms are upper bounds on HBM traffic where caches would serve re-reads.
 */
final class H200CostModel {
    static final double HBM_BYTES_PER_SECOND = 4.8e12;
    static final double FP64_FLOPS_PER_SECOND = 34e12;
    static final double LAUNCH_SECONDS = 16e-6;
    static final double GRAPH_LAUNCH_SECONDS = 3e-6;
    static final double HOST_WAIT_SECONDS = 15e-6;
    static final double PAGEABLE_BYTES_PER_SECOND = 2.4e9;
    static final double PINNED_BYTES_PER_SECOND = 50e9;
    /**
     * Uploads through the 16 MB page-locked staging buffer: a host copy into it (~10 GB/s) and then the
     * DMA (~50 GB/s), one after the other per 16 MB — about 8 GB/s. An assumption: not yet measured.
     */
    static final double STAGED_BYTES_PER_SECOND = 8e9;
    static final double MIN_KERNEL_SECONDS = 2e-6;
    static final int SMS = 132;
    static final int THREADS_PER_SM = 2048;
    static final long RESIDENT_THREADS = (long) SMS * THREADS_PER_SM;
    static final double LOAD_SECONDS = 60e-9;
    static final double FLOP_SECONDS = 2e-9;
    static final double L1_LOAD_SECONDS = 15e-9;
    /** Combined L1 and shared memory of one SM (Hopper): what a block's re-read working set must fit beside its shared memory. */
    static final int L1_BYTES_PER_SM = 256 * 1024;
    /** Resident blocks of one SM at most (Hopper). */
    static final int BLOCKS_PER_SM = 32;

    /** Blocks of {@code blockThreads} threads and {@code sharedBytes} of shared memory that one SM holds at once. */
    static int blocksPerSm(int blockThreads, long sharedBytes) {
        int byThreads = THREADS_PER_SM / Math.max(1, blockThreads);
        int byShared = sharedBytes > 0 ? (int) (Device.MAX_SHARED_BYTES / sharedBytes) : BLOCKS_PER_SM;
        return Math.max(1, Math.min(BLOCKS_PER_SM, Math.min(byThreads, byShared)));
    }

    /**
     * The predicted time and its parts, in seconds.
     *
     * @param operations  kernel launches plus device-to-device copies
     * @param launch      operations outside graphs × launch overhead + graph launches × graph overhead
     * @param hostWaits   host waits × synchronization latency
     * @param transfers   host↔device bytes over the host link
     * @param kernels     the kernels' roofline times, copies included
     * @param perKernel   the roofline time of each kernel
     */
    record Prediction(long operations, double launch, double hostWaits, double transfers, double kernels,
                      Map<CudaKernel, Double> perKernel) {
        double total() {
            return launch + hostWaits + transfers + kernels;
        }

        /** The largest of the four parts, by name. */
        String dominant() {
            double max = Math.max(Math.max(launch, hostWaits), Math.max(transfers, kernels));
            return max == launch ? "launch overhead" : max == hostWaits ? "host waits"
                    : max == transfers ? "host transfers" : "kernel time";
        }
    }

    private H200CostModel() {
    }

    /** The prediction for the counts of {@code ledger}. */
    static Prediction predict(CostLedger ledger) {
        return predict(ledger, 1);
    }

    /**
     * The prediction for the counts of {@code ledger} with every per-lane quantity (work items,
     * kernel bytes and flops, transfer bytes) multiplied by {@code laneScale}: a solve recorded on a
     * smaller batch stands for a batch {@code laneScale} times larger; operation and wait counts do
     * not depend on the batch size and stay as counted.
     */
    static Prediction predict(CostLedger ledger, double laneScale) {
        Map<CudaKernel, Double> perKernel = new EnumMap<>(CudaKernel.class);
        double kernels = 0;
        for (CostLedger.Group g : ledger.groups()) {
            double t;
            if (g.pathLoads + g.l1PathLoads > 0) {
                // A block-cooperative kernel: its critical path replaces the work-item rule (its items are blocks).
                t = Math.max(groupSeconds(g.launches, RESIDENT_THREADS, g.bytes() * laneScale, g.flops * laneScale),
                        pathSeconds(g.pathLoads, g.l1PathLoads, g.items * laneScale, g.blocksPerSm));
            } else {
                t = groupSeconds(g.launches, g.items * laneScale, g.bytes() * laneScale, g.flops * laneScale);
            }
            perKernel.merge(g.kernel, t, Double::sum);
            kernels += t;
        }
        kernels += 2.0 * ledger.copyBytes() * laneScale / HBM_BYTES_PER_SECOND;
        long operations = ledger.launches() + ledger.copies();
        double launch = (operations - ledger.graphNodes()) * LAUNCH_SECONDS
                + ledger.graphLaunches() * GRAPH_LAUNCH_SECONDS;
        double pageable = ledger.uploadBytes() - ledger.stagedUploadBytes() + ledger.downloadBytes();
        double transfers = (pageable / PAGEABLE_BYTES_PER_SECOND + ledger.stagedUploadBytes() / STAGED_BYTES_PER_SECOND)
                * laneScale;
        return new Prediction(operations, launch, ledger.hostWaits() * HOST_WAIT_SECONDS, transfers, kernels,
                perKernel);
    }

    /**
     * The roofline time of {@code launches} launches of {@code items} work items each that read and
     * wrote {@code bytes} and performed {@code flops} in all.
     */
    static double groupSeconds(long launches, double items, double bytes, double flops) {
        double waves = Math.ceil(items / RESIDENT_THREADS);
        double perItem = launches * items;
        double thread = waves * (bytes / perItem / 8 * LOAD_SECONDS + flops / perItem * FLOP_SECONDS);
        return Math.max(Math.max(launches * MIN_KERNEL_SECONDS, launches * thread),
                Math.max(bytes / HBM_BYTES_PER_SECOND, flops / FP64_FLOPS_PER_SECOND));
    }

    /**
     * The time of a block-cooperative kernel's critical path: the loads of one block's busiest thread,
     * {@code pathLoads} × {@link #LOAD_SECONDS} plus {@code l1PathLoads} (re-reads of a working set that fits
     * in L1) × {@link #L1_LOAD_SECONDS}, once per wave of resident blocks ({@code blocks} blocks,
     * {@code blocksPerSm} of them on each of the {@link #SMS} SMs at a time).
     */
    static double pathSeconds(long pathLoads, long l1PathLoads, double blocks, int blocksPerSm) {
        double waves = Math.max(1, Math.ceil(blocks / (SMS * (double) Math.max(1, blocksPerSm))));
        return (pathLoads * LOAD_SECONDS + l1PathLoads * L1_LOAD_SECONDS) * waves;
    }

    /** The constants, one line each, for reports. */
    static String constants() {
        return String.format(Locale.ROOT, String.join("%n",
                "H200 SXM cost model constants (datasheet figures; host side measured on the lent machine, see H200CostModel):",
                "  HBM3e bandwidth %.1f TB/s; FP64 peak %.0f TFLOP/s (vector; 67 with tensor cores, unused)",
                "  kernel launch %.0f us on its own, %.0f us per CUDA graph launch; minimum kernel time %.0f us",
                "  host wait %.0f us per download, pageable upload (stream sync) or synchronization",
                "  host link %.1f GB/s pageable; uploads >= 1 MB staged through page-locked memory at %.0f GB/s"
                        + " (assumed, not measured; pinned DMA ~%.0f GB/s)",
                "  occupancy: a launch takes at least its longest thread: per work item loads x %.0f ns"
                        + " + flops x %.0f ns, per wave of %d SMs x %d threads = %d"),
                HBM_BYTES_PER_SECOND / 1e12, FP64_FLOPS_PER_SECOND / 1e12, LAUNCH_SECONDS * 1e6,
                GRAPH_LAUNCH_SECONDS * 1e6, MIN_KERNEL_SECONDS * 1e6, HOST_WAIT_SECONDS * 1e6, PAGEABLE_BYTES_PER_SECOND / 1e9,
                STAGED_BYTES_PER_SECOND / 1e9, PINNED_BYTES_PER_SECOND / 1e9, LOAD_SECONDS * 1e9, FLOP_SECONDS * 1e9, SMS, THREADS_PER_SM,
                RESIDENT_THREADS);
    }
}
