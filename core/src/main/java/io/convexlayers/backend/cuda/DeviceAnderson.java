// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

/**
 * Type-II Anderson acceleration with per-lane memory on the device, step for step the same as
 * {@link io.convexlayers.backend.cpu.CpuAnderson}: the histories, Gram matrices and the small
 * per-lane solves live on the device; the host keeps only each lane's counters (filled slots, next
 * slot, whether a previous point exists) and uploads a few ints per lane per step.
 */
final class DeviceAnderson {
    private static final double MAX_WEIGHT = 1e6;

    private final Device dev;
    private final int len;
    private final int lanes;
    private final int memory;
    private final double regularization;
    private final DeviceBuffer dx;
    private final DeviceBuffer df;
    private final DeviceBuffer lastAnchor;
    private final DeviceBuffer lastResidual;
    private final DeviceBuffer residual;
    private final DeviceBuffer savedG;
    private final DeviceBuffer gram;
    private final DeviceBuffer rhs;
    private final DeviceBuffer nx;
    private final DeviceBuffer nf;
    private final DeviceBuffer gamma;
    private final DeviceBuffer ok;
    // slot, updateLast, count and apply of a step, uploaded together (one host call instead of four).
    private final DeviceBuffer stepInts;
    private final int[] stepHost;
    private final DeviceBuffer.Ptr slotDev;
    private final DeviceBuffer.Ptr updateLastDev;
    private final DeviceBuffer.Ptr countDev;
    private final DeviceBuffer.Ptr applyDev;
    private final LaunchGraph stepGraph;
    private final DeviceBuffer maskDev;
    private final int[] count;
    private final int[] next;
    private final boolean[] hasLast;
    private final boolean[] skipNext;
    private final int[] slot;
    private final int[] updateLast;
    private final int[] applyHost;
    private final int[] mask;

    DeviceAnderson(BufferPool.Lease lease, int len, int lanes, int memory, double regularization) {
        this.dev = lease.device();
        this.len = len;
        this.lanes = lanes;
        this.memory = memory;
        this.regularization = regularization;
        int vec = len * lanes;
        this.dx = lease.doubles(memory * vec);
        this.df = lease.doubles(memory * vec);
        this.lastAnchor = lease.doubles(vec);
        this.lastResidual = lease.doubles(vec);
        this.residual = lease.doubles(vec);
        this.savedG = lease.doubles(vec);
        this.gram = lease.doubles(memory * memory * lanes);
        this.rhs = lease.doubles(memory * lanes);
        this.nx = lease.doubles(memory * lanes);
        this.nf = lease.doubles(memory * lanes);
        this.gamma = lease.doubles(memory * lanes);
        this.ok = lease.ints(lanes);
        this.stepInts = lease.ints(4 * lanes);
        this.stepHost = new int[4 * lanes];
        this.slotDev = stepInts.at(0);
        this.updateLastDev = stepInts.at(lanes);
        this.countDev = stepInts.at(2 * lanes);
        this.applyDev = stepInts.at(3 * lanes);
        this.stepGraph = new LaunchGraph(dev);
        this.maskDev = lease.ints(lanes);
        this.count = new int[lanes];
        this.next = new int[lanes];
        this.hasLast = new boolean[lanes];
        this.skipNext = new boolean[lanes];
        this.slot = new int[lanes];
        this.updateLast = new int[lanes];
        this.applyHost = new int[lanes];
        this.mask = new int[lanes];
    }

    /** Device memory per lane for vectors of length len, in bytes. */
    static long bytesPerLane(int len, int memory) {
        return 8L * ((2L * memory + 4) * len + memory * memory + 5L * memory) + 24;
    }

    /** See {@link io.convexlayers.solver.hsde.HsdeKernels#andersonStep}. */
    void step(DeviceVector v, DeviceVector anchor, boolean[] apply) {
        for (int l = 0; l < lanes; l++) {
            slot[l] = -1;
            updateLast[l] = 0;
            applyHost[l] = 0;
            if (skipNext[l]) {
                skipNext[l] = false;
                continue;
            }
            if (hasLast[l]) {
                slot[l] = next[l];
                next[l] = (next[l] + 1) % memory;
                count[l] = Math.min(count[l] + 1, memory);
            }
            updateLast[l] = 1;
            hasLast[l] = true;
            applyHost[l] = apply[l] && count[l] > 0 ? 1 : 0;
        }
        System.arraycopy(slot, 0, stepHost, 0, lanes);
        System.arraycopy(updateLast, 0, stepHost, lanes, lanes);
        System.arraycopy(count, 0, stepHost, 2 * lanes, lanes);
        System.arraycopy(applyHost, 0, stepHost, 3 * lanes, lanes);
        dev.upload(stepHost, 0, stepInts.ptr(), 4 * lanes);
        int vec = len * lanes;
        // The same launches every step (the per-lane choices travel in stepInts): one graph.
        dev.replayable(stepGraph, () -> {
            dev.launch(CudaKernel.AA_PREPARE, vec, vec, lanes, len, slotDev, updateLastDev, v, anchor, lastAnchor,
                    lastResidual, residual, savedG, dx, df);
            int grams = memory * memory * lanes;
            dev.launch(CudaKernel.AA_GRAM, grams, grams, lanes, len, memory, countDev, dx, df, gram);
            int rhsTotal = memory * lanes;
            dev.launch(CudaKernel.AA_RHS, rhsTotal, rhsTotal, lanes, len, countDev, dx, df, residual, rhs, nx, nf);
            dev.launch(CudaKernel.AA_SOLVE, lanes, lanes, memory, countDev, applyDev, regularization, MAX_WEIGHT,
                    gram, rhs, nx, nf, gamma, ok);
            dev.launch(CudaKernel.AA_UPDATE, vec, vec, lanes, len, countDev, ok, gamma, dx, df, v);
            dev.copy(v.ptr(), anchor.ptr(), vec);
        });
    }

    /** See {@link io.convexlayers.solver.hsde.HsdeKernels#andersonReject}. */
    void reject(DeviceVector v, DeviceVector anchor, boolean[] reject) {
        boolean any = false;
        for (int l = 0; l < lanes; l++) {
            mask[l] = reject[l] ? 1 : 0;
            if (reject[l]) {
                any = true;
                count[l] = 0;
                next[l] = 0;
                hasLast[l] = false;
                skipNext[l] = true;
            }
        }
        if (!any) {
            return;
        }
        dev.upload(mask, 0, maskDev.ptr(), lanes);
        int vec = len * lanes;
        dev.launch(CudaKernel.MASKED_COPY, vec, vec, lanes, maskDev, savedG, v);
        dev.launch(CudaKernel.MASKED_COPY, vec, vec, lanes, maskDev, savedG, anchor);
    }

    /** Forgets the history of the lanes where {@code lanesToReset[l]} holds. */
    void reset(boolean[] lanesToReset) {
        for (int l = 0; l < lanes; l++) {
            if (lanesToReset[l]) {
                count[l] = 0;
                next[l] = 0;
                hasLast[l] = false;
                skipNext[l] = false;
            }
        }
    }

    /** Releases the step's graph (the buffers belong to the lease). */
    void close() {
        stepGraph.close();
    }
}
