// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.DeviceKernelException;

import java.util.ArrayList;
import java.util.List;

/**
 * Device memory and kernel launches, the only things the CUDA backend's host code needs from a GPU.
 * {@link JCudaDevice} is the real one (JCuda driver API); the emulated device of the tests runs the kernels'
 * Java twins on host arrays, so the orchestration runs and is tested on machines without a GPU.
 * Launches are asynchronous on a real device; downloads wait for them. A device is used by one thread
 * at a time.
 */
abstract class Device implements AutoCloseable {
    /**
     * System property of the debug mode: wait for every launch, so that a failing kernel is named
     * exactly (slow: one synchronization per launch).
     */
    static final String DEBUG_PROPERTY = "convexlayers.cuda.debug";

    /**
     * Dynamic shared memory one block may ask for: 227 KiB, the opt-in limit of compute capability 8.0
     * and newer (Ampere, Hopper). Callers that need more than 48 KiB check {@link #sharedBytesPerBlock}.
     */
    static final int MAX_SHARED_BYTES = 227 * 1024;

    /**
     * System property that turns replaying repeated launch sequences as graphs off
     * ({@code -Dconvexlayers.cuda.graphs=false}); on by default.
     */
    static final String GRAPHS_PROPERTY = "convexlayers.cuda.graphs";

    private static final System.Logger LOG = System.getLogger("io.convexlayers.backend");

    private final boolean debug = Boolean.getBoolean(DEBUG_PROPERTY);
    private boolean graphs = !"false".equalsIgnoreCase(System.getProperty(GRAPHS_PROPERTY));
    // Non-null while Device#replayable records a body: operations are collected, not executed.
    private List<DeviceOp> recording;
    private long downloads;
    private long downloadedBytes;
    private long launches;
    private CudaKernel lastLaunched;
    private final HostTimes hostTimes = new HostTimes();
    // Null unless a cost model is recording: one null test per operation keeps the hot path unchanged.
    private CostLedger ledger;
    // Null unless a profile is being measured (then every operation is bracketed by synchronizations).
    private KernelProfile profile;

    /** A short description for logs, e.g. the GPU's name. */
    abstract String name();

    /** Streaming multiprocessors (used by {@link LaunchGeometry}). */
    abstract int multiprocessors();

    /** The dynamic shared memory one block of this device can be given, in bytes. */
    int sharedBytesPerBlock() {
        return MAX_SHARED_BYTES;
    }

    /** Device memory currently free, in bytes. */
    abstract long freeBytes();

    /** Allocates {@code count} doubles (contents undefined). */
    abstract DeviceBuffer allocDoubles(int count);

    /** Allocates {@code count} ints (contents undefined). */
    abstract DeviceBuffer allocInts(int count);

    abstract void free(DeviceBuffer buffer);

    protected abstract void uploadImpl(double[] src, int srcOff, DeviceBuffer.Ptr dst, int count);

    protected abstract void uploadImpl(int[] src, int srcOff, DeviceBuffer.Ptr dst, int count);

    protected abstract void downloadImpl(DeviceBuffer.Ptr src, double[] dst, int dstOff, int count);

    protected abstract void downloadImpl(DeviceBuffer.Ptr src, int[] dst, int dstOff, int count);

    protected abstract void copyImpl(DeviceBuffer.Ptr src, DeviceBuffer.Ptr dst, int count);

    /**
     * Launches {@code kernel}; {@code args} are already checked. {@code geometry} is null for a
     * grid-stride kernel over {@code threads} work items (the device picks the shape), or the exact
     * shape of a block-cooperative kernel with {@code sharedBytes} of dynamic shared memory per block.
     */
    protected abstract void launchImpl(CudaKernel kernel, int threads, LaunchGeometry geometry, int sharedBytes,
                                       Object[] args);

    /** Waits for all launched work. */
    protected abstract void synchronizeImpl();

    /**
     * Turns {@code ops} into something {@link #launchGraphImpl} can replay (a CUDA graph on a real device;
     * the list itself on the emulated one), or returns null where the device has no graphs (the ops are
     * then executed one by one). Nothing is executed.
     */
    protected Object captureGraphImpl(List<DeviceOp> ops) {
        return null;
    }

    /** Executes a graph made by {@link #captureGraphImpl} once, ordered after earlier work. */
    protected void launchGraphImpl(Object graph) {
        throw new UnsupportedOperationException("no graphs on " + name());
    }

    /** Frees a graph made by {@link #captureGraphImpl}. */
    protected void destroyGraph(Object graph) {
    }

    /** Whether {@link #replayable} may use graphs (off in debug and profile modes, or by property). */
    final boolean graphsEnabled() {
        return graphs && !debug && profile == null;
    }

    /** Turns graph replay on or off for this device (tests compare both). */
    final void useGraphs(boolean on) {
        this.graphs = on;
    }

    /**
     * Runs {@code body}, a sequence of launches and device copies that repeats, through {@code slot}:
     * the body is first run in recording mode (its operations collected, none executed); when they equal
     * the slot's last recording the slot's graph is launched with one call, otherwise a new graph is
     * captured and launched. A body that transfers to or from the host is run eagerly from then on, and
     * a device that cannot build graphs falls back to eager execution, announced once.
     */
    final void replayable(LaunchGraph slot, Runnable body) {
        if (!graphsEnabled() || slot.unsafe() || recording != null) {
            body.run();
            return;
        }
        List<DeviceOp> ops = new ArrayList<>();
        recording = ops;
        try {
            body.run();
        } catch (HostTransferWhileRecording e) {
            recording = null;
            slot.markUnsafe();
            body.run(); // nothing of the recorded part ran: run the whole body for real
            return;
        } finally {
            recording = null;
        }
        if (slot.graph() == null || !ops.equals(slot.ops())) {
            Object graph;
            try {
                graph = captureGraphImpl(ops);
            } catch (RuntimeException e) {
                graphs = false;
                LOG.log(System.Logger.Level.WARNING, "convexlayers: CUDA graphs unavailable on " + name()
                        + " (" + e.getMessage() + "); launching kernels one by one");
                graph = null;
            }
            if (graph == null) {
                ops.forEach(this::execute);
                return;
            }
            slot.set(ops, graph);
        }
        if (ledger != null) {
            ledger.graph(ops.size());
            ops.forEach(op -> {
                if (op.isCopy()) {
                    ledger.copy(8L * op.copyCount);
                } else {
                    ledger.launch(op.kernel, op.threads, hostView(op.args));
                }
            });
        }
        launches += ops.size();
        lastLaunched = lastKernel(ops);
        try {
            long t0 = System.nanoTime();
            launchGraphImpl(slot.graph());
            hostTimes.graphNanos += System.nanoTime() - t0;
            hostTimes.graphs++;
        } catch (RuntimeException e) {
            throw new DeviceKernelException(lastLaunched == null ? null : lastLaunched.entry(), "CUDA graph of "
                    + ops + " failed on " + name() + ": " + e.getMessage(), e);
        }
        slot.replayed();
    }

    private static CudaKernel lastKernel(List<DeviceOp> ops) {
        for (int k = ops.size() - 1; k >= 0; k--) {
            if (!ops.get(k).isCopy()) {
                return ops.get(k).kernel;
            }
        }
        return null;
    }

    /** Executes one recorded operation now (the eager path). */
    private void execute(DeviceOp op) {
        if (op.isCopy()) {
            copy(op.copySrc, op.copyDst, op.copyCount);
        } else {
            executeLaunch(op.kernel, op.threads, op.geometry, op.sharedBytes, op.args);
        }
    }

    /** Thrown inside a recorded body that needs the host: such a body cannot be a graph. */
    private static final class HostTransferWhileRecording extends RuntimeException {
        HostTransferWhileRecording() {
            super(null, null, false, false);
        }
    }

    private void refuseWhileRecording() {
        if (recording != null) {
            throw new HostTransferWhileRecording();
        }
    }

    /**
     * The launch's arguments as host arrays, so that a {@link CostLedger} can read the index
     * structures a kernel walks (its cost depends on them); null where device memory is not host
     * memory, and then a ledger counts the launch without its bytes and flops.
     */
    protected CudaKernel.TwinArgs hostView(Object[] resolvedArgs) {
        return null;
    }

    /**
     * Makes every later launch, copy, transfer and synchronization feed {@code costLedger} (null
     * stops recording). Recording reads arguments only, so it never changes what is computed.
     */
    final void record(CostLedger costLedger) {
        this.ledger = costLedger;
    }

    /**
     * Makes every later operation synchronize before and after itself and add its time to
     * {@code kernelProfile} (null stops profiling). For diagnostics on a real device only.
     */
    final void profile(KernelProfile kernelProfile) {
        if (kernelProfile != null) {
            synchronizeImpl();
        }
        this.profile = kernelProfile;
    }

    private long profileStart() {
        if (profile == null) {
            return 0;
        }
        synchronizeImpl();
        return System.nanoTime();
    }

    private void profileTransfer(long t0, long bytes) {
        if (profile != null) {
            synchronizeImpl();
            profile.transfer(bytes, System.nanoTime() - t0);
        }
    }

    /**
     * Double uploads of at least this many bytes go through a page-locked staging buffer on a real
     * device ({@link JCudaDevice}); the cost model charges them at its staged rate.
     */
    static final long STAGED_UPLOAD_MIN_BYTES = 1 << 20;

    /** Copies {@code count} doubles from the host (on a real device: waits for earlier launches). */
    final void upload(double[] src, int srcOff, DeviceBuffer.Ptr dst, int count) {
        toDevice(8L * count, 8L * count >= STAGED_UPLOAD_MIN_BYTES, () -> uploadImpl(src, srcOff, dst, count));
    }

    /** Copies {@code count} ints from the host (on a real device: waits for earlier launches). */
    final void upload(int[] src, int srcOff, DeviceBuffer.Ptr dst, int count) {
        toDevice(4L * count, false, () -> uploadImpl(src, srcOff, dst, count));
    }

    /** The accounting around one upload of {@code bytes} (ledger, profile, host times). */
    private void toDevice(long bytes, boolean staged, Runnable impl) {
        refuseWhileRecording();
        if (ledger != null) {
            ledger.upload(bytes, staged);
        }
        long t0 = profileStart();
        long h0 = System.nanoTime();
        impl.run();
        hostTimes.uploadNanos += System.nanoTime() - h0;
        hostTimes.uploads++;
        profileTransfer(t0, bytes);
    }

    /** Copies {@code count} doubles between device buffers (ordered after earlier launches). */
    final void copy(DeviceBuffer.Ptr src, DeviceBuffer.Ptr dst, int count) {
        if (recording != null) {
            recording.add(DeviceOp.copy(src, dst, count));
            return;
        }
        if (ledger != null) {
            ledger.copy(8L * count);
        }
        long t0 = profileStart();
        copyImpl(src, dst, count);
        profileTransfer(t0, 8L * count);
    }

    /**
     * Waits for all launched work.
     *
     * @throws DeviceKernelException when launched work failed, naming the last kernel launched
     */
    final void synchronize() {
        refuseWhileRecording();
        if (ledger != null) {
            ledger.synchronize();
        }
        long t0 = System.nanoTime();
        try {
            synchronizeImpl();
        } catch (RuntimeException e) {
            throw failure("while waiting for launched work", e);
        }
        if (profile != null) {
            profile.synchronization(System.nanoTime() - t0);
        }
    }

    @Override
    public abstract void close();

    /**
     * Brings the device back after a fault: a kernel that faulted leaves a CUDA context unusable (every
     * later call fails), so the real device resets it and loads the module again. Every earlier
     * allocation and graph is gone afterwards. The emulated device has nothing to reset.
     */
    void recover() {
        recording = null;
        lastLaunched = null;
    }

    /** Copies device doubles to the host (waits for earlier launches). Counted for tests. */
    final void download(DeviceBuffer.Ptr src, double[] dst, int dstOff, int count) {
        toHost(8L * count, () -> downloadImpl(src, dst, dstOff, count));
    }

    /** Copies device ints to the host (waits for earlier launches). Counted for tests. */
    final void download(DeviceBuffer.Ptr src, int[] dst, int dstOff, int count) {
        toHost(4L * count, () -> downloadImpl(src, dst, dstOff, count));
    }

    /**
     * The accounting around one download of {@code bytes} (counters, ledger, profile, host times); a
     * failure surfacing there is attributed to the last kernel launched.
     */
    private void toHost(long bytes, Runnable impl) {
        refuseWhileRecording();
        downloads++;
        downloadedBytes += bytes;
        if (ledger != null) {
            ledger.download(bytes);
        }
        long t0 = profileStart();
        try {
            long h0 = System.nanoTime();
            impl.run();
            hostTimes.downloadNanos += System.nanoTime() - h0;
            hostTimes.downloads++;
        } catch (RuntimeException e) {
            throw failure("while copying results to the host", e);
        }
        profileTransfer(t0, bytes);
    }

    /**
     * Launches {@code kernel} over {@code threads} work items (nothing when {@code threads} is 0).
     * Arguments are Integer, Double, {@link DeviceBuffer.Ptr}, {@link DeviceBuffer} or {@link DeviceVector},
     * checked against {@link CudaKernel#signature()}.
     */
    final void launch(CudaKernel kernel, int threads, Object... args) {
        launchChecked(kernel, threads, null, 0, args);
    }

    /**
     * Launches the block-cooperative {@code kernel} on {@code blocks} thread blocks of
     * {@code threadsPerBlock} threads with {@code sharedBytes} of dynamic shared memory each (nothing when
     * {@code blocks} is 0). Such a kernel loops over its own units of work (lanes) with a block-stride
     * loop, so fewer blocks than units is correct.
     */
    final void launchBlocks(CudaKernel kernel, int blocks, int threadsPerBlock, int sharedBytes, Object... args) {
        if (threadsPerBlock < 1 || threadsPerBlock > 1024 || threadsPerBlock % LaunchGeometry.WARP != 0) {
            throw new IllegalArgumentException(kernel.entry() + ": block of " + threadsPerBlock
                    + " threads (a multiple of 32 up to 1024)");
        }
        if (sharedBytes < 0 || sharedBytes > MAX_SHARED_BYTES) {
            throw new IllegalArgumentException(kernel.entry() + ": " + sharedBytes
                    + " bytes of shared memory per block (at most " + MAX_SHARED_BYTES + ")");
        }
        int grid = Math.min(blocks, LaunchGeometry.MAX_GRID);
        launchChecked(kernel, blocks, grid == 0 ? null : new LaunchGeometry(grid, threadsPerBlock), sharedBytes,
                args);
    }

    private void launchChecked(CudaKernel kernel, int threads, LaunchGeometry geometry, int sharedBytes,
                               Object[] args) {
        checkArgs(kernel, args);
        if (threads < 0) {
            throw new IllegalArgumentException(kernel.entry() + ": negative work size " + threads);
        }
        if (threads == 0) {
            return;
        }
        Object[] resolved = new Object[args.length];
        for (int k = 0; k < args.length; k++) {
            Object a = args[k];
            if (a instanceof DeviceBuffer b) {
                resolved[k] = b.ptr();
            } else if (a instanceof DeviceVector v) {
                resolved[k] = v.ptr();
            } else {
                resolved[k] = a;
            }
        }
        if (recording != null) {
            recording.add(DeviceOp.launch(kernel, threads, geometry, sharedBytes, resolved));
            return;
        }
        executeLaunch(kernel, threads, geometry, sharedBytes, resolved);
    }

    private void executeLaunch(CudaKernel kernel, int threads, LaunchGeometry geometry, int sharedBytes,
                               Object[] resolved) {
        launches++;
        lastLaunched = kernel;
        if (ledger != null && !kernel.costAfterLaunch()) {
            // Before the launch: the cost is that of the state the kernel starts from (masks, counts).
            ledger.launch(kernel, threads, hostView(resolved));
        }
        try {
            long t0 = profileStart();
            long h0 = System.nanoTime();
            launchImpl(kernel, threads, geometry, sharedBytes, resolved);
            if (ledger != null && kernel.costAfterLaunch()) {
                // After: the kernel reports the work it did (iterations, solves) in its outputs.
                ledger.launch(kernel, threads, hostView(resolved));
            }
            hostTimes.launchNanos += System.nanoTime() - h0;
            hostTimes.launches++;
            if (profile != null) {
                synchronizeImpl();
                profile.kernel(kernel, System.nanoTime() - t0);
            }
            if (debug) {
                if (ledger != null) {
                    ledger.synchronize();
                }
                synchronizeImpl();
            }
        } catch (RuntimeException e) {
            throw new DeviceKernelException(kernel.entry(), "CUDA kernel " + kernel.entry() + " failed on "
                    + name() + " (" + threads + " work items): " + e.getMessage(), e);
        }
    }

    /**
     * A failure that surfaced after launches: on a real device errors are asynchronous, so the
     * kernel named is the last one launched, which is the culprit only in the debug mode.
     */
    private DeviceKernelException failure(String when, RuntimeException e) {
        if (e instanceof DeviceKernelException d) {
            return d;
        }
        String kernel = lastLaunched == null ? null : lastLaunched.entry();
        String attribution = kernel == null ? "before any kernel was launched"
                : debug ? "after kernel " + kernel
                : "after kernel " + kernel + " (the last launched; -D" + DEBUG_PROPERTY
                        + "=true names the failing one exactly)";
        return new DeviceKernelException(kernel, "CUDA device " + name() + " failed " + when + ", " + attribution
                + ": " + e.getMessage(), e);
    }

    /** A snapshot of the host's time in device calls so far ({@link HostTimes#since} compares two). */
    final HostTimes hostTimes() {
        return hostTimes.copy();
    }

    /** Number of downloads so far (the host readbacks). */
    final long downloads() {
        return downloads;
    }

    final long downloadedBytes() {
        return downloadedBytes;
    }

    final long launches() {
        return launches;
    }

    static void checkArgs(CudaKernel kernel, Object[] args) {
        String sig = kernel.signature();
        if (args.length != sig.length()) {
            throw new IllegalArgumentException(kernel.entry() + " takes " + sig.length() + " arguments, got "
                    + args.length);
        }
        for (int k = 0; k < args.length; k++) {
            Object a = args[k];
            char want = sig.charAt(k);
            boolean ok = switch (want) {
                case 'i' -> a instanceof Integer;
                case 'd' -> a instanceof Double;
                case 'p' -> a instanceof DeviceVector
                        || (a instanceof DeviceBuffer b && !b.isInts())
                        || (a instanceof DeviceBuffer.Ptr p && !p.buffer().isInts());
                case 'q' -> (a instanceof DeviceBuffer b && b.isInts())
                        || (a instanceof DeviceBuffer.Ptr p && p.buffer().isInts());
                default -> false;
            };
            if (!ok) {
                throw new IllegalArgumentException(kernel.entry() + " argument " + k + " must be "
                        + describe(want) + ", got " + (a == null ? "null" : a.getClass().getSimpleName()));
            }
        }
    }

    private static String describe(char c) {
        return switch (c) {
            case 'i' -> "an int";
            case 'd' -> "a double";
            case 'p' -> "a double pointer";
            case 'q' -> "an int pointer";
            default -> "?";
        };
    }
}
