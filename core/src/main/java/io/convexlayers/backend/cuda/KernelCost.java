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
 * @param bytesRead    bytes loaded from device memory
 * @param bytesWritten bytes stored to device memory
 * @param flops        double-precision operations
 */
record KernelCost(long bytesRead, long bytesWritten, long flops) {
    static final KernelCost ZERO = new KernelCost(0, 0, 0);

    long bytes() {
        return bytesRead + bytesWritten;
    }
}
