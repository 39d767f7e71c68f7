// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUstream;
import jcuda.driver.CUstreamCaptureMode;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A GPU through JCuda's driver API only ({@code cuModuleLoadData}, {@code cuLaunchKernel}, memory
 * and graph calls), which needs nothing but the driver ({@code libcuda.so.1}) at run time. Uses the
 * device's primary context and one blocking stream for launches and device copies, which host
 * transfers (on the legacy default stream) are ordered with; that stream can be captured into graphs.
 * The shipped PTX module is JIT-compiled when the device is opened, and every kernel of
 * {@link CudaKernel} is looked up then, so a stale module fails early.
 */
final class JCudaDevice extends Device {
    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final CUmodule module = new CUmodule();
    private static final int DEFAULT_SHARED_BYTES = 48 * 1024;
    private final Map<CudaKernel, CUfunction> functions = new EnumMap<>(CudaKernel.class);
    private final Map<CudaKernel, Integer> sharedOptIn = new EnumMap<>(CudaKernel.class);
    private final int sharedBytesPerBlock;
    // Blocking (flag 0): work on the legacy default stream (the synchronous host copies) waits for it
    // and it waits for that work, so eager execution keeps the order of a single stream.
    private final CUstream stream = new CUstream();
    // Uploads of at least PINNED_MIN_BYTES go through STAGING_BYTES of page-locked memory.
    private static final long PINNED_MIN_BYTES = STAGED_UPLOAD_MIN_BYTES;
    private static final int STAGING_BYTES = 16 << 20;
    private Pointer staging;
    private DoubleBuffer stagingDoubles;
    private boolean pinnedRefused;
    private final String name;
    private final String ptx; // the module as loaded (kept to reload it after a reset)
    private final int multiprocessors;
    private boolean closed;

    /**
     * Opens device {@code ordinal}. JCuda's exceptions are enabled, so every failing call throws a
     * {@link CudaException} naming the error.
     */
    JCudaDevice(int ordinal, String ptx) {
        JCudaDriver.setExceptionsEnabled(true);
        JCudaDriver.cuInit(0);
        JCudaDriver.cuDeviceGet(device, ordinal);
        byte[] nameBytes = new byte[256];
        JCudaDriver.cuDeviceGetName(nameBytes, nameBytes.length, device);
        int len = 0;
        while (len < nameBytes.length && nameBytes[len] != 0) {
            len++;
        }
        this.name = new String(nameBytes, 0, len, StandardCharsets.US_ASCII);
        int[] v = new int[1];
        JCudaDriver.cuDeviceGetAttribute(v, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, device);
        this.multiprocessors = v[0];
        JCudaDriver.cuDeviceGetAttribute(v,
                CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, device);
        this.sharedBytesPerBlock = Math.min(v[0], MAX_SHARED_BYTES);
        JCudaDriver.cuDevicePrimaryCtxRetain(context, device);
        JCudaDriver.cuCtxSetCurrent(context);
        String loaded = ptx;
        try {
            JCudaDriver.cuModuleLoadData(module, (ptx + "\0").getBytes(StandardCharsets.US_ASCII));
        } catch (CudaException e) {
            if (e.getMessage() == null || !e.getMessage().contains("UNSUPPORTED_PTX_VERSION")) {
                throw e;
            }
            // A driver older than the nvcc that wrote the module: the kernels use nothing newer than
            // PTX ISA 8.0 (CUDA 12.0), so declare that version and let this driver JIT it.
            loaded = Ptx.withIsaVersion(ptx, Ptx.FALLBACK_ISA);
            JCudaDriver.cuModuleLoadData(module, (loaded + "\0").getBytes(StandardCharsets.US_ASCII));
        }
        this.ptx = loaded;
        JCudaDriver.cuStreamCreate(stream, 0);
        for (CudaKernel k : CudaKernel.values()) {
            CUfunction f = new CUfunction();
            JCudaDriver.cuModuleGetFunction(f, module, k.entry());
            functions.put(k, f);
        }
    }

    @Override
    void recover() {
        super.recover();
        try {
            JCudaDriver.cuDevicePrimaryCtxReset(device);
        } catch (CudaException e) {
            // A reset of a context that is already torn down may report an error; the retain below decides.
        }
        staging = null; // freed with the context
        stagingDoubles = null;
        sharedOptIn.clear();
        JCudaDriver.cuDevicePrimaryCtxRetain(context, device);
        JCudaDriver.cuCtxSetCurrent(context);
        JCudaDriver.cuModuleLoadData(module, (ptx + "\0").getBytes(StandardCharsets.US_ASCII));
        for (CudaKernel k : CudaKernel.values()) {
            JCudaDriver.cuModuleGetFunction(functions.get(k), module, k.entry());
        }
        JCudaDriver.cuStreamCreate(stream, 0);
    }

    /** Number of CUDA devices the driver reports (initializes the driver). */
    static int deviceCount() {
        JCudaDriver.setExceptionsEnabled(true);
        JCudaDriver.cuInit(0);
        int[] count = new int[1];
        JCudaDriver.cuDeviceGetCount(count);
        return count[0];
    }

    /** The driver's CUDA version as "major.minor". */
    static String driverVersion() {
        int[] v = new int[1];
        JCudaDriver.cuDriverGetVersion(v);
        return (v[0] / 1000) + "." + (v[0] % 1000) / 10;
    }

    /** Makes this device's context current on the calling thread. */
    void makeCurrent() {
        JCudaDriver.cuCtxSetCurrent(context);
    }

    @Override
    String name() {
        return name;
    }

    @Override
    int multiprocessors() {
        return multiprocessors;
    }

    @Override
    int sharedBytesPerBlock() {
        return sharedBytesPerBlock;
    }

    @Override
    long freeBytes() {
        long[] free = new long[1];
        long[] total = new long[1];
        JCudaDriver.cuMemGetInfo(free, total);
        return free[0];
    }

    @Override
    DeviceBuffer allocDoubles(int count) {
        return new DeviceBuffer(this, false, count, alloc(8L * count));
    }

    @Override
    DeviceBuffer allocInts(int count) {
        return new DeviceBuffer(this, true, count, alloc(4L * count));
    }

    private CUdeviceptr alloc(long bytes) {
        CUdeviceptr p = new CUdeviceptr();
        try {
            JCudaDriver.cuMemAlloc(p, Math.max(bytes, 8));
        } catch (CudaException e) {
            if (e.getMessage() != null && e.getMessage().contains("CUDA_ERROR_OUT_OF_MEMORY")) {
                throw new OutOfDeviceMemoryException(bytes, freeBytes());
            }
            throw e;
        }
        return p;
    }

    @Override
    void free(DeviceBuffer buffer) {
        if (!buffer.isFreed()) {
            JCudaDriver.cuMemFree((CUdeviceptr) buffer.handle());
            buffer.markFreed();
        }
    }

    private static CUdeviceptr address(DeviceBuffer.Ptr p) {
        DeviceBuffer b = p.buffer();
        return ((CUdeviceptr) b.handle()).withByteOffset((long) p.offset() * (b.isInts() ? 4 : 8));
    }

    @Override
    protected void uploadImpl(double[] src, int srcOff, DeviceBuffer.Ptr dst, int count) {
        if (count <= 0) {
            return;
        }
        if (8L * count >= PINNED_MIN_BYTES && staging()) {
            // Large uploads (a chunk's matrices) go through a page-locked buffer: a pageable copy ran at
            // 2.4 GB/s on the measured machine, a page-locked one runs at the link's speed.
            try {
                int per = STAGING_BYTES / 8;
                for (int done = 0; done < count; done += per) {
                    int c = Math.min(per, count - done);
                    stagingDoubles.clear();
                    stagingDoubles.put(src, srcOff + done, c);
                    JCudaDriver.cuMemcpyHtoDAsync(address(dst).withByteOffset(8L * done), staging, 8L * c,
                            stream);
                    JCudaDriver.cuStreamSynchronize(stream); // the buffer is refilled for the next piece
                }
                return;
            } catch (CudaException e) {
                // Not a fault of the data: stop using the staging buffer and copy the pageable way below
                // (the copy is idempotent). A fault of earlier kernels surfaces there again, typed.
                refusePinned(e);
            }
        }
        JCudaDriver.cuMemcpyHtoD(address(dst), Pointer.to(src).withByteOffset(8L * srcOff), 8L * count);
    }

    /** The page-locked staging buffer, allocated on first use; false where the driver refuses one. */
    private boolean staging() {
        if (staging == null && !pinnedRefused) {
            Pointer p = new Pointer();
            try {
                JCudaDriver.cuMemAllocHost(p, STAGING_BYTES);
                staging = p;
                stagingDoubles = p.getByteBuffer(0, STAGING_BYTES).order(ByteOrder.nativeOrder()).asDoubleBuffer();
            } catch (RuntimeException e) {
                refusePinned(e);
            }
        }
        return staging != null;
    }

    /** Gives the staging buffer up for good (announced once): uploads stay pageable. */
    private void refusePinned(RuntimeException e) {
        pinnedRefused = true;
        if (staging != null) {
            try {
                JCudaDriver.cuMemFreeHost(staging);
            } catch (CudaException ignored) {
                // Best effort: the buffer is not used again either way.
            }
        }
        staging = null;
        stagingDoubles = null;
        System.getLogger("io.convexlayers.backend").log(System.Logger.Level.INFO,
                "convexlayers: page-locked uploads unavailable on " + name + " (" + e.getMessage()
                        + "); uploads stay pageable");
    }

    @Override
    protected void uploadImpl(int[] src, int srcOff, DeviceBuffer.Ptr dst, int count) {
        if (count > 0) {
            JCudaDriver.cuMemcpyHtoD(address(dst), Pointer.to(src).withByteOffset(4L * srcOff), 4L * count);
        }
    }

    @Override
    protected void downloadImpl(DeviceBuffer.Ptr src, double[] dst, int dstOff, int count) {
        if (count > 0) {
            JCudaDriver.cuMemcpyDtoH(Pointer.to(dst).withByteOffset(8L * dstOff), address(src), 8L * count);
        }
    }

    @Override
    protected void downloadImpl(DeviceBuffer.Ptr src, int[] dst, int dstOff, int count) {
        if (count > 0) {
            JCudaDriver.cuMemcpyDtoH(Pointer.to(dst).withByteOffset(4L * dstOff), address(src), 4L * count);
        }
    }

    @Override
    protected void copyImpl(DeviceBuffer.Ptr src, DeviceBuffer.Ptr dst, int count) {
        if (count > 0) {
            JCudaDriver.cuMemcpyDtoDAsync(address(dst), address(src), 8L * count, stream);
        }
    }

    @Override
    protected void launchImpl(CudaKernel kernel, int threads, LaunchGeometry geometry, int sharedBytes,
                              Object[] args) {
        Pointer[] params = new Pointer[args.length];
        for (int k = 0; k < args.length; k++) {
            Object a = args[k];
            if (a instanceof Integer i) {
                params[k] = Pointer.to(new int[] {i});
            } else if (a instanceof Double d) {
                params[k] = Pointer.to(new double[] {d});
            } else {
                params[k] = Pointer.to(address((DeviceBuffer.Ptr) a));
            }
        }
        LaunchGeometry g = geometry != null ? geometry : LaunchGeometry.of(threads, multiprocessors);
        CUfunction f = functions.get(kernel);
        if (sharedBytes > DEFAULT_SHARED_BYTES && sharedOptIn.getOrDefault(kernel, 0) < sharedBytes) {
            // Above 48 KiB a kernel must opt in to its dynamic shared memory before it is launched.
            JCudaDriver.cuFuncSetAttribute(f, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                    sharedBytes);
            sharedOptIn.put(kernel, sharedBytes);
        }
        JCudaDriver.cuLaunchKernel(f, g.blocks(), 1, 1, g.threadsPerBlock(), 1, 1, sharedBytes, stream,
                Pointer.to(params), null);
    }

    @Override
    protected Object captureGraphImpl(List<DeviceOp> ops) {
        // Thread-local capture: only this thread's calls must not touch the legacy stream meanwhile, and
        // the recorded body makes no such call (Device refuses transfers while recording).
        JCudaDriver.cuStreamBeginCapture(stream, CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL);
        CUgraph graph = new CUgraph();
        try {
            for (DeviceOp op : ops) {
                if (op.isCopy()) {
                    copyImpl(op.copySrc, op.copyDst, op.copyCount);
                } else {
                    launchImpl(op.kernel, op.threads, op.geometry, op.sharedBytes, op.args);
                }
            }
        } catch (RuntimeException e) {
            try {
                JCudaDriver.cuStreamEndCapture(stream, graph);
            } catch (CudaException ignored) {
                // The capture is already invalidated; ending it only returns the stream to normal.
            }
            throw e;
        }
        JCudaDriver.cuStreamEndCapture(stream, graph);
        CUgraphExec exec = new CUgraphExec();
        try {
            JCudaDriver.cuGraphInstantiate(exec, graph, 0);
        } finally {
            JCudaDriver.cuGraphDestroy(graph);
        }
        return exec;
    }

    @Override
    protected void launchGraphImpl(Object graph) {
        JCudaDriver.cuGraphLaunch((CUgraphExec) graph, stream);
    }

    @Override
    protected void destroyGraph(Object graph) {
        try {
            JCudaDriver.cuGraphExecDestroy((CUgraphExec) graph);
        } catch (CudaException e) {
            // Best effort: a broken context frees everything anyway.
        }
    }

    @Override
    protected void synchronizeImpl() {
        JCudaDriver.cuCtxSynchronize();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                if (staging != null) {
                    JCudaDriver.cuMemFreeHost(staging);
                }
                JCudaDriver.cuStreamDestroy(stream);
                JCudaDriver.cuModuleUnload(module);
                JCudaDriver.cuDevicePrimaryCtxRelease(device);
            } catch (CudaException e) {
                // Closing is best effort: the process may be shutting down.
            }
        }
    }

    /** A readable name for a CUresult code. */
    static String errorName(int code) {
        return CUresult.stringFor(code);
    }
}
