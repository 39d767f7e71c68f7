// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

/**
 * What one kernel launch does to device memory and the FP64 units, as counted by
 * {@link KernelCosts}: bytes its threads load and store (the batch-minor layout makes a warp's loads of
 * per-lane data coalesced; lane-invariant operands are counted once per launch, see
 * {@link KernelCosts}) and double-precision operations (an add, multiply, divide, compare-and-select
 * or square root each count one; {@code exp}, {@code log} and {@code pow} count
 * {@link KernelCosts#TRANSCENDENTAL}).
 *
 * <p>A block-cooperative kernel whose blocks walk phases between barriers ({@code cl_hsde_fused}) also
 * states its critical path: the loads of the busiest thread of one block, phase by phase, summed over
 * the launch, and how many of its blocks an SM holds at once (the cost model turns them into time per
 * wave of resident blocks).
 *
 * @param bytesRead    bytes loaded from device memory
 * @param bytesWritten bytes stored to device memory
 * @param flops        double-precision operations
 * @param pathLoads    loads on one block's critical path that go to L2 or memory (0 with {@code l1PathLoads}
 *                     0: an ordinary kernel, the work-item rule applies)
 * @param l1PathLoads  loads on that path that hit L1 (the block re-reads a working set that fits there)
 * @param blocksPerSm  blocks resident on one SM at once (threads and shared memory permitting) when a
 *                     path is given, else 0
 */
record KernelCost(long bytesRead, long bytesWritten, long flops, long pathLoads, long l1PathLoads, int blocksPerSm) {
    static final KernelCost ZERO = new KernelCost(0, 0, 0);

    /** An ordinary kernel's cost (no critical-path term). */
    KernelCost(long bytesRead, long bytesWritten, long flops) {
        this(bytesRead, bytesWritten, flops, 0, 0, 0);
    }

    long bytes() {
        return bytesRead + bytesWritten;
    }
}
