// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.DeviceKernelException;

import io.convexlayers.backend.cpu.CpuBackend;
import io.convexlayers.solver.Backend;
import io.convexlayers.BackendUnavailableException;
import io.convexlayers.solver.hsde.ResidualStats;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.hsde.Deadline;
import io.convexlayers.solver.hsde.HsdeIteration;
import io.convexlayers.diff.ResidualMapPolisher;
import io.convexlayers.solver.hsde.SolutionPolisher;
import io.convexlayers.solver.IterationListener;
import io.convexlayers.solver.LinearSystemKind;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.WarmStart;
import io.convexlayers.solver.Acceleration;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.ipm.AlgorithmChoice;
import io.convexlayers.solver.device.ParametricBatch;
import io.convexlayers.solver.device.ParametricSolver;

/**
 * The GPU backend: runs the same algorithm ({@link HsdeIteration}) as the CPU backend, over
 * {@link CudaHsdeKernels}, with a whole chunk of the batch as the lanes. A batch that does not fit in
 * device memory is solved in equal chunks one after another ({@link ChunkPlanner}); device buffers are
 * kept in a pool and reused by the next solve of the same sizes. Solves on one backend are serialized
 * (one device, one stream). Each chunk's results are written straight into the batch's solution as
 * its lanes finish. Of the {@link ExecutionSettings}, only the threads matter here (host-side
 * equilibration at setup); the chunk, not a CPU tile, is the unit of work.
 *
 * <p>Data reaches the chunks through a {@link ChunkSource}: an instantiated {@link BatchConeProgram}
 * is uploaded lane by lane ({@link HostChunkSource}); a {@link ParametricBatch} (a layer's forward) is
 * made on the device from θ by the parameter map ({@link MappedChunkSource}), so that θ goes in and
 * only the solutions and per-lane scalars come out.
 */
public final class CudaBackend implements Backend, ParametricSolver {
    /** Largest n for which per-instance matrices use the batched dense Cholesky (else Jacobi CG). */
    public static final int DENSE_MAX_N = 400;

    private static final System.Logger LOG = System.getLogger("io.convexlayers.backend");
    private static CudaBackend shared;

    private final Device device;
    private final BufferPool pool;
    private final int maxChunkLanes;
    private String lastShape;
    private final boolean cpuOnFault;
    // The parameter maps of the last parametric solve (a layer's next forward sends θ only).
    private final ResidentMaps residentMaps = new ResidentMaps();
    // Set when a reset after a fault failed too: later solves go to the CPU.
    private String unusable;

    /**
     * The CUDA backend on device 0, one per process (selection goes through
     * {@code io.convexlayers.backend.Backends}).
     *
     * @throws BackendUnavailableException with the reason when CUDA cannot run here
     */
    public static synchronized CudaBackend open() {
        if (shared == null) {
            CudaProbe.Result r = CudaProbe.get();
            if (!r.available()) {
                throw new BackendUnavailableException("CUDA backend unavailable: " + r.reason());
            }
            shared = new CudaBackend(r.device(), 0);
        }
        return shared;
    }

    /** Why CUDA cannot run here, or null when it can. Probes once per process. */
    public static String unavailableReason() {
        return CudaProbe.get().reason();
    }

    /**
     * System property of what a device fault does to a solve: {@code cpu} (the default) resets the
     * device and solves that batch on the CPU, announced; {@code fail} resets the device and throws the
     * {@link io.convexlayers.DeviceKernelException}.
     */
    public static final String ON_FAULT_PROPERTY = "convexlayers.cuda.onFault";

    /** A backend on {@code device}; {@code maxChunkLanes} (0 = none) caps the lanes of one chunk. */
    CudaBackend(Device device, int maxChunkLanes) {
        this(device, maxChunkLanes, !"fail".equalsIgnoreCase(System.getProperty(ON_FAULT_PROPERTY, "cpu")));
    }

    /** As above; {@code cpuOnFault} chooses between the CPU fallback and the exception after a fault. */
    CudaBackend(Device device, int maxChunkLanes, boolean cpuOnFault) {
        this.device = device;
        this.pool = new BufferPool(device);
        this.maxChunkLanes = maxChunkLanes;
        this.cpuOnFault = cpuOnFault;
    }


    @Override
    public String name() {
        return "cuda";
    }

    /** The GPU's name. */
    public String deviceName() {
        return device.name();
    }

    Device device() {
        return device;
    }

    /** Makes the device's context current on the calling thread (a no-op for the emulated device). */
    void bindToCurrentThread() {
        if (device instanceof JCudaDevice jc) {
            jc.makeCurrent();
        }
    }

    BufferPool pool() {
        return pool;
    }

    /** Whether a device fault sends the work to the CPU (else the exception is thrown after the reset). */
    boolean cpuOnFault() {
        return cpuOnFault;
    }

    /** Why this backend sends work to the CPU after a failed recovery, or null while the device is usable. */
    String unusable() {
        return unusable;
    }

    @Override
    public BatchSolution solve(BatchConeProgram batch, SolverSettings settings, ExecutionSettings execution,
                               WarmStart warmStart, IterationListener listener) {
        return solve(new HostChunkSource(batch), settings, execution, warmStart, listener);
    }

    /** Solves a layer's batch with its data made on the device from θ (see {@link MappedChunkSource}). */
    @Override
    public BatchSolution solve(ParametricBatch batch, SolverSettings settings, ExecutionSettings execution,
                               WarmStart warmStart, IterationListener listener) {
        return solve(new MappedChunkSource(batch, residentMaps), settings, execution, warmStart, listener);
    }

    private BatchSolution solve(ChunkSource src, SolverSettings settings, ExecutionSettings execution,
                                WarmStart warmStart, IterationListener listener) {
        long t0 = System.nanoTime();
        int total = src.batch();
        if (warmStart != null) {
            warmStart.validate(total, src.n(), src.m());
        }
        long deadline = Deadline.after(t0, settings.timeLimitSeconds());
        BatchSolution.Builder out = BatchSolution.builder(total, src.n(), src.m());
        synchronized (this) {
            if (unusable != null) {
                return CpuBackend.INSTANCE.solve(src.host(), settings, execution, warmStart, listener);
            }
            try {
                return solveOnDevice(src, settings, execution, warmStart, listener, deadline, out);
            } catch (DeviceKernelException e) {
                recoverFrom(e);
                if (!cpuOnFault) {
                    throw e;
                }
                LOG.log(System.Logger.Level.WARNING, "convexlayers: " + e.getMessage() + "; the device was reset"
                        + (unusable != null ? " without success (" + unusable + "), later batches go to the CPU"
                        : "") + "; this batch is solved on the CPU");
                return CpuBackend.INSTANCE.solve(src.host(), settings, execution, warmStart, listener);
            }
        }
    }

    /** Resets the device after a fault; its buffers and graphs are gone, so the pool forgets them. */
    void recoverFrom(DeviceKernelException e) {
        pool.forget();
        residentMaps.forget();
        lastShape = null;
        try {
            device.recover();
        } catch (RuntimeException r) {
            e.addSuppressed(r);
            unusable = String.valueOf(r.getMessage());
        }
    }

    private BatchSolution solveOnDevice(ChunkSource src, SolverSettings settings, ExecutionSettings execution,
                                        WarmStart warmStart, IterationListener listener, long deadline,
                                        BatchSolution.Builder out) {
        int total = src.batch();
        bindToCurrentThread();
        LinearSystemKind kind = CudaHsdeKernels.chooseKind(settings.linearSystem(), src.matricesShared(), src.n());
        // Buffers are kept for the next solve of the same shape; a different shape frees them first,
        // so that a long-running process with changing batch sizes does not accumulate idle memory.
        String shape = total + "/" + src.n() + "/" + src.m() + "/" + src.aPattern().nnz() + "/"
                + src.matricesShared() + "/" + kind;
        if (!shape.equals(lastShape)) {
            pool.releaseIdle();
            lastShape = shape;
        }
        try {
            src.open(pool);
        } catch (OutOfDeviceMemoryException e) {
            pool.releaseIdle();
            LOG.log(System.Logger.Level.INFO, "convexlayers: the parameters do not fit on " + device.name()
                    + " (" + e.getMessage() + "); solving on the CPU");
            return CpuBackend.INSTANCE.solve(src.host(), settings, execution, warmStart, listener);
        }
        Algorithm method = AlgorithmChoice.resolve(total, src.n(), src.m(), src.cones(), src.aPattern(),
                src.pPattern(), settings, warmStart != null);
        boolean interiorPoint = method == Algorithm.INTERIOR_POINT
                && DeviceInteriorPoint.applies(device, src.n(), src.m(), src.cones());
        if (method == Algorithm.INTERIOR_POINT && !interiorPoint && settings.algorithm() == Algorithm.INTERIOR_POINT) {
            // Asked for by name where the device's method does not reach: the host's interior-point method.
            LOG.log(System.Logger.Level.INFO, "convexlayers: the device interior-point method takes zero and "
                    + "nonnegative cones whose reduced Newton matrix fits in a block's shared memory; " + src.cones()
                    + " with n = " + src.n() + " is solved by the host's interior-point method");
            return CpuBackend.INSTANCE.solve(src.host(), settings, execution, warmStart, listener);
        }
        if (interiorPoint) {
            out.algorithm(Algorithm.INTERIOR_POINT);
        }
        try {
            ChunkPlanner.Footprint fp = interiorPoint
                    ? DeviceInteriorPoint.footprint(src.n(), src.m(), src.aPattern().nnz(),
                    src.pPattern() == null ? 0 : src.pPattern().nnz(), src.matricesShared())
                    : footprint(src.n(), src.m(), src.aPattern().nnz(),
                    src.pPattern() == null ? 0 : src.pPattern().nnz(), src.cones(), src.matricesShared(), settings);
            ChunkPlanner.Plan plan;
            try {
                plan = ChunkPlanner.plan(total, fp, device.freeBytes() + pool.idleBytes(), maxChunkLanes);
            } catch (OutOfDeviceMemoryException e) {
                LOG.log(System.Logger.Level.INFO, "convexlayers: one instance does not fit on " + device.name()
                        + " (" + e.getMessage() + "); solving on the CPU");
                return CpuBackend.INSTANCE.solve(src.host(), settings, execution, warmStart, listener);
            }
            int first = 0;
            int chunkLanes = plan.chunkLanes();
            while (first < total) {
                int lanes = Math.min(chunkLanes, total - first);
                try {
                    if (interiorPoint) {
                        DeviceInteriorPoint.solveChunk(pool, src, first, lanes, settings, deadline, out);
                    } else {
                        solveChunk(src, settings, execution, warmStart, first, lanes, deadline,
                                first == 0 ? listener : null, out);
                    }
                    first += lanes;
                } catch (OutOfDeviceMemoryException e) {
                    pool.releaseIdle();
                    if (lanes == 1) {
                        // Not even one instance fits beside what else holds the device now.
                        LOG.log(System.Logger.Level.INFO, "convexlayers: out of memory on " + device.name() + " ("
                                + e.getMessage() + ") with one instance per chunk; this batch is solved on the CPU");
                        return CpuBackend.INSTANCE.solve(src.host(), settings, execution, warmStart, listener);
                    }
                    chunkLanes = Math.max(1, lanes / 2);
                }
            }
        } finally {
            src.close();
        }
        // Polishing runs on the host over the downloaded solutions (the CPU's sparse LDLᵀ) and host data.
        if (settings.polishing().polishes(src.cones(), src.n(), src.m()) && !interiorPoint) {
            SolutionPolisher.polishBatch(src.host(), settings, execution, out, deadline);
            if (!SolutionPolisher.supports(src.cones()) && !Deadline.passed(deadline, System.nanoTime())) {
                return ResidualMapPolisher.polish(src.host(), out.build(), settings, execution, deadline);
            }
        }
        return out.build();
    }

    private void solveChunk(ChunkSource src, SolverSettings settings, ExecutionSettings execution,
                            WarmStart warmStart, int first, int lanes, long deadline, IterationListener listener,
                            BatchSolution.Builder out) {
        long s0 = System.nanoTime();
        try (CudaHsdeKernels kernels = new CudaHsdeKernels(pool, src, first, lanes, settings, execution)) {
            WarmStart.Lanes w = warmStart == null ? null
                    : warmStart.lanes(first, lanes, lanes, src.n(), src.m());
            double setup = (System.nanoTime() - s0) * 1e-9;
            new HsdeIteration<>(kernels, settings).run(out, first, lanes, w, deadline, listener, setup);
        }
    }

    /** The device memory a solve of {@code batch} needs per lane and in total, with a 20% margin. */
    static ChunkPlanner.Footprint footprint(BatchConeProgram batch, SolverSettings settings) {
        return footprint(batch.n(), batch.m(), batch.aPattern().nnz(),
                batch.pPattern() == null ? 0 : batch.pPattern().nnz(), batch.cones(), batch.matricesShared(), settings);
    }

    /**
     * As above from the batch's shape. What a {@link MappedChunkSource} holds (θ, the maps) is allocated
     * before the plan is made, so the free memory the plan sees has it taken already.
     */
    static ChunkPlanner.Footprint footprint(int n, int m, long nnzA, long nnzP, ConeDims cones, boolean shared,
                                            SolverSettings settings) {
        long len = n + m + 1L;
        long perLane = 8L * (6 * len + 4L * m + 4L * n + ResidualStats.WIDTH + 4) + 8;
        perLane += 8L * (n + m) + 16L * len + 8; // g's right-hand side, the gathered reads, their index and mask
        long sharedBytes = 4L * (2 * (n + 1) + 2 * (m + 1) + 4 * nnzA + 6 * nnzP + n + 8L * cones.soc().length);
        long maxElems = Math.max(len, nnzA + nnzP);
        if (shared) {
            sharedBytes += 8L * (nnzA + nnzP);
        } else {
            perLane += 8L * (nnzA + nnzP) + DeviceEquilibration.bytesPerLane(n, m);
            sharedBytes += 8L * (nnzA + nnzP) + 8L * m; // entry rows and columns, cone groups
        }
        switch (CudaHsdeKernels.chooseKind(settings.linearSystem(), shared, n)) {
            case SHARED -> {
                perLane += 8L * (n + m);
                sharedBytes += 8L * n * n;
            }
            case DENSE -> {
                perLane += BatchedCholeskyKkt.bytesPerLane(n) + 8L * m + 4;
                sharedBytes += 12L * n * (n + 1) / 2;
                maxElems = Math.max(maxElems, (long) n * n);
            }
            default -> perLane += JacobiCgKkt.bytesPerLane(n, m);
        }
        perLane += DeviceCones.bytesPerLane(cones);
        if (settings.acceleration().resolve(nnzP > 0, cones) == Acceleration.ANDERSON) {
            perLane += DeviceAnderson.bytesPerLane((int) len, settings.andersonMemory());
            maxElems = Math.max(maxElems, settings.andersonMemory() * len);
        }
        return new ChunkPlanner.Footprint(perLane * 6 / 5, sharedBytes * 6 / 5 + (1 << 20), maxElems);
    }

    /** The kind of linear system a solve of {@code batch} uses on the device. */
    static LinearSystemKind deviceKind(BatchConeProgram batch, SolverSettings settings) {
        return CudaHsdeKernels.chooseKind(settings.linearSystem(), batch.matricesShared(), batch.n());
    }
}
