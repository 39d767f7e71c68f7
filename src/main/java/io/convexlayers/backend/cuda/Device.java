package io.convexlayers.backend.cuda;

import io.convexlayers.DeviceKernelException;

/**
 * Device memory and kernel launches, the only things the CUDA backend's host code needs from a GPU.
 * {@link JCudaDevice} is the real one (JCuda driver API); {@link EmulatedDevice} runs the kernels'
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

    private final boolean debug = Boolean.getBoolean(DEBUG_PROPERTY);
    private long downloads;
    private long downloadedBytes;
    private long launches;
    private CudaKernel lastLaunched;
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

    /** Copies {@code count} doubles from the host (on a real device: waits for earlier launches). */
    final void upload(double[] src, int srcOff, DeviceBuffer.Ptr dst, int count) {
        if (ledger != null) {
            ledger.upload(8L * count);
        }
        long t0 = profileStart();
        uploadImpl(src, srcOff, dst, count);
        profileTransfer(t0, 8L * count);
    }

    /** Copies {@code count} ints from the host (on a real device: waits for earlier launches). */
    final void upload(int[] src, int srcOff, DeviceBuffer.Ptr dst, int count) {
        if (ledger != null) {
            ledger.upload(4L * count);
        }
        long t0 = profileStart();
        uploadImpl(src, srcOff, dst, count);
        profileTransfer(t0, 4L * count);
    }

    /** Copies {@code count} doubles between device buffers (ordered after earlier launches). */
    final void copy(DeviceBuffer.Ptr src, DeviceBuffer.Ptr dst, int count) {
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

    /** Copies device doubles to the host (waits for earlier launches). Counted for tests. */
    final void download(DeviceBuffer.Ptr src, double[] dst, int dstOff, int count) {
        downloads++;
        downloadedBytes += 8L * count;
        if (ledger != null) {
            ledger.download(8L * count);
        }
        long t0 = profileStart();
        try {
            downloadImpl(src, dst, dstOff, count);
        } catch (RuntimeException e) {
            throw failure("while copying results to the host", e);
        }
        profileTransfer(t0, 8L * count);
    }

    /** Copies device ints to the host (waits for earlier launches). Counted for tests. */
    final void download(DeviceBuffer.Ptr src, int[] dst, int dstOff, int count) {
        downloads++;
        downloadedBytes += 4L * count;
        if (ledger != null) {
            ledger.download(4L * count);
        }
        long t0 = profileStart();
        try {
            downloadImpl(src, dst, dstOff, count);
        } catch (RuntimeException e) {
            throw failure("while copying results to the host", e);
        }
        profileTransfer(t0, 4L * count);
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
        launches++;
        lastLaunched = kernel;
        if (ledger != null) {
            // Before the launch: the cost is that of the state the kernel starts from (masks, counts).
            ledger.launch(kernel, threads, hostView(resolved));
        }
        try {
            long t0 = profileStart();
            launchImpl(kernel, threads, geometry, sharedBytes, resolved);
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
