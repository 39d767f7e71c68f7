// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A device whose memory is Java arrays and whose kernels are their Java twins ({@link KernelTwins}).
 * It lets the CUDA backend's host code run, and be tested, where no GPU exists; with a small memory
 * budget it also exercises the chunking of large batches.
 */
final class EmulatedDevice extends Device {
    private final long memoryBytes;
    private long usedBytes;
    private final Map<CudaKernel, Integer> launchCounts = new EnumMap<>(CudaKernel.class);
    private long graphCaptures;
    private int sharedBytes = MAX_SHARED_BYTES;
    private CudaKernel faultKernel;
    private int faultCountdown;
    private boolean broken;
    private int recoveries;
    private long graphLaunches;

    private final boolean graphsFail;

    /** @param memoryBytes the memory this device pretends to have */
    EmulatedDevice(long memoryBytes) {
        this(memoryBytes, false);
    }

    /**
     * @param memoryBytes the memory this device pretends to have
     * @param graphsFail  whether building a graph fails, as on a driver without graph support (the
     *                    fallback to launching one by one is tested with it)
     */
    EmulatedDevice(long memoryBytes, boolean graphsFail) {
        this.memoryBytes = memoryBytes;
        this.graphsFail = graphsFail;
    }

    @Override
    String name() {
        return "emulated";
    }

    @Override
    int multiprocessors() {
        return 4;
    }

    @Override
    long freeBytes() {
        return memoryBytes - usedBytes;
    }

    @Override
    DeviceBuffer allocDoubles(int count) {
        reserve(8L * count);
        double[] a = new double[count];
        java.util.Arrays.fill(a, Double.NaN);
        return new DeviceBuffer(this, false, count, a);
    }

    @Override
    DeviceBuffer allocInts(int count) {
        reserve(4L * count);
        int[] a = new int[count];
        java.util.Arrays.fill(a, 0x7fbadbad);
        return new DeviceBuffer(this, true, count, a);
    }

    private void reserve(long bytes) {
        if (usedBytes + bytes > memoryBytes) {
            throw new OutOfDeviceMemoryException(bytes, memoryBytes - usedBytes);
        }
        usedBytes += bytes;
    }

    @Override
    void free(DeviceBuffer buffer) {
        if (!buffer.isFreed()) {
            usedBytes -= buffer.bytes();
            buffer.markFreed();
        }
    }

    @Override
    protected void uploadImpl(double[] src, int srcOff, DeviceBuffer.Ptr dst, int count) {
        System.arraycopy(src, srcOff, (double[]) dst.buffer().handle(), dst.offset(), count);
    }

    @Override
    protected void uploadImpl(int[] src, int srcOff, DeviceBuffer.Ptr dst, int count) {
        System.arraycopy(src, srcOff, (int[]) dst.buffer().handle(), dst.offset(), count);
    }

    @Override
    protected void downloadImpl(DeviceBuffer.Ptr src, double[] dst, int dstOff, int count) {
        System.arraycopy((double[]) src.buffer().handle(), src.offset(), dst, dstOff, count);
    }

    @Override
    protected void downloadImpl(DeviceBuffer.Ptr src, int[] dst, int dstOff, int count) {
        System.arraycopy((int[]) src.buffer().handle(), src.offset(), dst, dstOff, count);
    }

    @Override
    protected void copyImpl(DeviceBuffer.Ptr src, DeviceBuffer.Ptr dst, int count) {
        System.arraycopy((double[]) src.buffer().handle(), src.offset(), (double[]) dst.buffer().handle(),
                dst.offset(), count);
    }

    @Override
    protected void launchImpl(CudaKernel kernel, int threads, LaunchGeometry geometry, int sharedBytes,
                              Object[] args) {
        launchCounts.merge(kernel, 1, Integer::sum);
        if (kernel == faultKernel && --faultCountdown == 0) {
            faultKernel = null;
            broken = true;
        }
        if (broken) {
            // As a real context after a fault: every later launch fails until the device is recovered.
            throw new IllegalStateException("CUDA_ERROR_ILLEGAL_ADDRESS (emulated fault)");
        }
        KernelTwinTable.run(kernel, hostView(args), geometry, sharedBytes);
    }

    /** A graph here is its list of operations, replayed through the twins in order. */
    @Override
    protected Object captureGraphImpl(List<DeviceOp> ops) {
        if (graphsFail) {
            throw new IllegalStateException("CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED (emulated)");
        }
        graphCaptures++;
        return List.copyOf(ops);
    }

    @Override
    protected void launchGraphImpl(Object graph) {
        graphLaunches++;
        @SuppressWarnings("unchecked")
        List<DeviceOp> ops = (List<DeviceOp>) graph;
        for (DeviceOp op : ops) {
            if (op.isCopy()) {
                copyImpl(op.copySrc, op.copyDst, op.copyCount);
            } else {
                launchImpl(op.kernel, op.threads, op.geometry, op.sharedBytes, op.args);
            }
        }
    }

    /**
     * Makes the {@code nth} later launch of {@code kernel} fault (tests of the recovery); from then on
     * every launch fails, as on a real device, until {@link #recover}.
     */
    void faultAt(CudaKernel kernel, int nth) {
        this.faultKernel = kernel;
        this.faultCountdown = nth;
    }

    @Override
    void recover() {
        super.recover();
        broken = false;
        recoveries++;
    }

    /** Recoveries so far. */
    int recoveries() {
        return recoveries;
    }

    /** Pretends a block may use only {@code bytes} of shared memory (tests of the paths that need less). */
    void limitSharedMemory(int bytes) {
        this.sharedBytes = bytes;
    }

    @Override
    int sharedBytesPerBlock() {
        return sharedBytes;
    }

    /** Graphs captured so far. */
    long graphCaptures() {
        return graphCaptures;
    }

    /** Graph launches so far. */
    long graphLaunches() {
        return graphLaunches;
    }

    @Override
    protected CudaKernel.TwinArgs hostView(Object[] args) {
        return new CudaKernel.TwinArgs() {
            @Override
            public int i(int k) {
                return (Integer) args[k];
            }

            @Override
            public double d(int k) {
                return (Double) args[k];
            }

            @Override
            public DPtr p(int k) {
                DeviceBuffer.Ptr p = (DeviceBuffer.Ptr) args[k];
                return new DPtr((double[]) p.buffer().handle(), p.offset());
            }

            @Override
            public IPtr q(int k) {
                DeviceBuffer.Ptr p = (DeviceBuffer.Ptr) args[k];
                return new IPtr((int[]) p.buffer().handle(), p.offset());
            }
        };
    }

    /** How often each kernel was launched. */
    Map<CudaKernel, Integer> launchCounts() {
        return launchCounts;
    }

    long usedBytes() {
        return usedBytes;
    }

    @Override
    protected void synchronizeImpl() {
    }

    @Override
    public void close() {
    }
}
