// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.SparsePattern;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import io.convexlayers.solver.hsde.Deadline;
import io.convexlayers.solver.hsde.Equilibration;
import io.convexlayers.solver.hsde.ResidualStats;
import io.convexlayers.solver.ipm.InteriorPointConstants;
import io.convexlayers.solver.ipm.InteriorPointSolver;
import io.convexlayers.solver.ipm.ScaledSolutionWriter;

/**
 * The interior-point method on the device for LPs and QPs whose reduced Newton matrix fits in a thread
 * block's shared memory: one launch of {@code cl_ipm_solve} (cuda-kernels/ipm.cu) solves a whole chunk,
 * one thread block per instance from the equilibrated data to the final status, with the host's
 * algorithm ({@code solver.ipm.InteriorPointMethod} with its reduced system), its constants
 * ({@link InteriorPointConstants}) and its termination tests. Per chunk the host sends nothing but what
 * the {@link ChunkSource} sends (θ, for a layer) and reads back x, y, s and a row of statistics per
 * instance; there is no synchronization per iteration. The data are equilibrated on the device as for
 * the first-order method (with the interior-point method's {@value InteriorPointConstants#RUIZ_PASSES}
 * passes; shared matrices once on the host) and copied into dense per-instance matrices
 * ({@code cl_ipm_scatter}) that the kernel reads every iteration.
 *
 * <p>An instance whose reduced system stays inaccurate after refinement — where the host's method
 * switches to the full Newton system — is solved again on the host ({@link InteriorPointSolver#solveInstances}).
 */
final class DeviceInteriorPoint {
    /** Threads of a block at most (and the register budget the kernel is compiled for: 2 blocks per SM). */
    static final int MAX_THREADS = 256;
    /** Rows of A staged per panel of the Newton matrix's assembly (CL_IPM_PANEL). */
    static final int PANEL = 16;
    /** Width of a lane's result row: the residual statistics, τ, κ and the cost scale. */
    static final int RESULT_WIDTH = ResidualStats.WIDTH + 3;
    /** System property that turns the device interior-point method off ({@code false}): such batches run first-order. */
    static final String PROPERTY = "convexlayers.cuda.ipm";

    /**
     * Chunks of at most this many instances of host data (and shared matrices) are equilibrated and
     * densified on the host and sent in one upload: a few instances cost the host microseconds, and the device's equilibration
     * (eleven graph replays) and its structure uploads would cost more host waits than that.
     */
    static final int HOST_PREPARED_LANES = 8;
    /** Ints of a lane's info row: status code, iterations, factored solves. */
    static final int INFO_WIDTH = 3;
    /** The kernel's status code for "solve this instance on the host". */
    static final int RETRY = 7;

    private DeviceInteriorPoint() {
    }

    /** Doubles of one lane's workspace (CL_IPM_LANE_DOUBLES: 14 vectors of length n, 23 of length m). */
    static int laneDoubles(int n, int m) {
        return 14 * n + 23 * m;
    }

    /**
     * Dynamic shared memory of a block: the reduced matrix (order N = n + zero rows) and four vectors of
     * length N, the assembly's panel (2·{@link #PANEL}·n doubles), the products' partial sums
     * ({@link #MAX_THREADS} doubles), then N + 1 ints.
     */
    static long sharedBytes(int n, int zero) {
        long order = n + (long) zero;
        return 8L * (order * order + 4 * order + 2L * PANEL * n + MAX_THREADS) + 4L * (order + 1);
    }

    /** Threads of a block: the longer of n and m rounded up to a warp, between 64 and {@link #MAX_THREADS}. */
    static int threads(int n, int m) {
        int rows = Math.max(n, m);
        int warps = (rows + LaunchGeometry.WARP - 1) / LaunchGeometry.WARP;
        return Math.max(2 * LaunchGeometry.WARP, Math.min(MAX_THREADS, warps * LaunchGeometry.WARP));
    }

    /**
     * True when a batch of this shape runs here: only zero and nonnegative cones, the block's shared memory
     * holds the reduced matrix, and the property is not {@code false}.
     */
    static boolean applies(Device dev, int n, int m, ConeDims cones) {
        boolean polyhedral = cones.soc().length == 0 && cones.psd().length == 0 && cones.exp() == 0
                && cones.dualExp() == 0 && cones.power().length == 0 && cones.zero() + cones.nonneg() == m;
        return polyhedral && n > 0 && sharedBytes(n, cones.zero()) <= dev.sharedBytesPerBlock()
                && !"false".equalsIgnoreCase(System.getProperty(PROPERTY, "true"));
    }

    /** Device memory per lane (workspace, dense matrices, factors, outputs) and shared, in bytes. */
    static ChunkPlanner.Footprint footprint(int n, int m, long nnzA, long nnzP, boolean shared) {
        long dense = 8L * m * n + 8L * n * n;
        // Workspace, the output row, raw b and c, the factors D and E.
        long perLane = 8L * (laneDoubles(n, m) + outWidth(n, m) + 2L * (n + m)) + 8;
        long sharedBytes = 8L * InteriorPointConstants.WIDTH + 16L * (nnzA + nnzP) + 4L * (m + n + 2);
        if (shared) {
            sharedBytes += dense + 8L * (nnzA + nnzP + m + n);
        } else {
            perLane += dense + 8L * (nnzA + nnzP) + DeviceEquilibration.bytesPerLane(n, m);
        }
        return new ChunkPlanner.Footprint(perLane * 6 / 5, sharedBytes * 6 / 5 + (1 << 20), Math.max(nnzA + nnzP, n + m));
    }

    /**
     * Solves instances {@code [first, first + lanes)} of {@code src} into {@code out} (instance indices of the
     * whole batch).
     */
    static void solveChunk(BufferPool pool, ChunkSource src, int first, int lanes, SolverSettings settings,
                           long deadline, BatchSolution.Builder out) {
        double[] prm = InteriorPointConstants.of(settings, Deadline.secondsLeft(deadline, System.nanoTime()));
        solveChunk(pool, src, first, lanes, settings, prm, deadline, out);
    }

    /**
     * As above with the kernel's parameter array given ({@link InteriorPointConstants}: tests change an
     * entry); returns the kernel's info rows (status code, iterations, factored solves per lane).
     */
    static int[] solveChunk(BufferPool pool, ChunkSource src, int first, int lanes, SolverSettings settings,
                            double[] parameters, long deadline, BatchSolution.Builder out) {
        long t0 = System.nanoTime();
        Device dev = pool.device();
        int n = src.n();
        int m = src.m();
        int zero = src.cones().zero();
        boolean shared = src.matricesShared();
        boolean hasP = src.pPattern() != null;
        int width = outWidth(n, m);
        double[] result = new double[width * lanes];
        double kernelSeconds;
        try (BufferPool.Lease lease = new BufferPool.Lease(pool)) {
            // A layer's batch made from θ on the device (MappedChunkSource) stays there: θ in, results out.
            boolean hostData = src instanceof HostChunkSource;
            Inputs in = shared || (hostData && lanes <= HOST_PREPARED_LANES)
                    ? hostPrepared(lease, src, first, lanes, settings, parameters)
                    : devicePrepared(lease, src, first, lanes, settings, parameters);
            DeviceBuffer work = lease.doubles(Math.max(1, laneDoubles(n, m) * lanes));
            DeviceBuffer outDev = lease.doubles(width * lanes);
            long k0 = System.nanoTime();
            // One block per lane (the kernel's block-stride loop would also take fewer).
            dev.launchBlocks(CudaKernel.IPM_SOLVE, lanes, threads(n, m), (int) sharedBytes(n, zero), lanes, n, m, zero,
                    hasP ? 1 : 0, shared ? 0 : m * n, shared ? 0 : n * n, shared ? 1 : 0, in.prm, in.a, in.p, in.b,
                    in.c, in.d, in.e, work, outDev);
            dev.download(outDev.ptr(), result, 0, width * lanes);
            kernelSeconds = (System.nanoTime() - k0) * 1e-9;
        }
        double setup = (System.nanoTime() - t0) * 1e-9 - kernelSeconds;
        int[] info = new int[INFO_WIDTH * lanes];
        int retries = 0;
        int res = 2 * n + 3 * m;
        for (int l = 0; l < lanes; l++) {
            for (int k = 0; k < INFO_WIDTH; k++) {
                info[INFO_WIDTH * l + k] = (int) result[l * width + res + RESULT_WIDTH + k];
            }
            retries += info[INFO_WIDTH * l] == RETRY ? 1 : 0;
        }
        int[] retry = new int[retries];
        int r = 0;
        SolverStatus[] statuses = SolverStatus.values();
        for (int l = 0; l < lanes; l++) {
            int code = info[INFO_WIDTH * l];
            if (code == RETRY) {
                retry[r++] = first + l;
                continue;
            }
            SolverStatus status = code >= 0 && code < statuses.length ? statuses[code] : SolverStatus.FAILED;
            int o = l * width;
            ScaledSolutionWriter.write(status, info[INFO_WIDTH * l + 1], kernelSeconds, setup, first + l, out, result,
                    o + res, result[o + res + ResidualStats.WIDTH], result[o + res + ResidualStats.WIDTH + 2], result, o,
                    result, o + n, result, o + n + m, result, o + n + 2 * m, result, o + n + 3 * m, 1);
        }
        if (retries > 0) {
            // Where the host's method would switch to the full Newton system: the host solves the instance.
            InteriorPointSolver.solveInstances(src.host(), retry, settings, deadline, out);
        }
        return info;
    }

    /** Doubles of a lane's output row: x, z, s, D, E, the result row and the info row. */
    static int outWidth(int n, int m) {
        return 2 * n + 3 * m + RESULT_WIDTH + INFO_WIDTH;
    }

    /** The kernel's inputs: the parameter array, dense A and P, raw b and c, the factors D and E. */
    private record Inputs(Object prm, Object a, Object p, Object b, Object c, Object d, Object e) {
    }

    /**
     * Inputs made on the host and sent in one upload: equilibrated (batch-minor values of
     * {@code valueLanes} lanes), densified, packed with the factors and the parameters — the whole chunk's
     * data for a small chunk, or, for shared matrices, the one set of matrices (b and c then come from the
     * source on the device).
     */
    private static Inputs hostPrepared(BufferPool.Lease lease, ChunkSource src, int first, int lanes,
                                       SolverSettings settings, double[] parameters) {
        int n = src.n();
        int m = src.m();
        SparsePattern aPattern = src.aPattern();
        SparsePattern pPattern = src.pPattern();
        boolean shared = src.matricesShared();
        boolean small = lanes <= HOST_PREPARED_LANES && src instanceof HostChunkSource;
        int valueLanes = shared ? 1 : lanes;
        double[] a = new double[aPattern.nnz() * valueLanes];
        double[] p = pPattern == null ? null : new double[pPattern.nnz() * valueLanes];
        BatchConeProgram host = small || !shared ? src.host() : null;
        if (shared) {
            src.sharedMatrices(first, a, p);
        } else {
            for (int q = 0; q < aPattern.nnz(); q++) {
                for (int k = 0; k < lanes; k++) {
                    a[q * lanes + k] = host.aValues().get(q, first + k);
                }
            }
            for (int q = 0; p != null && q < pPattern.nnz(); q++) {
                for (int k = 0; k < lanes; k++) {
                    p[q * lanes + k] = host.pValues().get(q, first + k);
                }
            }
        }
        Equilibration.Factors f = Equilibration.scaleMatrices(aPattern, a, pPattern, p, src.cones(), valueLanes,
                settings.equilibrate(), InteriorPointConstants.RUIZ_PASSES);
        int aLen = valueLanes * m * n;
        int pLen = pPattern == null ? 0 : valueLanes * n * n;
        int vecLen = small ? (m + n) * lanes : 0;
        double[] packed = new double[aLen + pLen + vecLen + (m + n) * valueLanes + parameters.length];
        DeviceMatrices.dense(aPattern, a, valueLanes, false, packed, 0);
        if (pPattern != null) {
            DeviceMatrices.dense(pPattern, p, valueLanes, true, packed, aLen);
        }
        int at = aLen + pLen;
        if (small) {
            for (int i = 0; i < m; i++) {
                for (int k = 0; k < lanes; k++) {
                    packed[at + i * lanes + k] = host.b().get(i, first + k);
                }
            }
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < lanes; k++) {
                    packed[at + m * lanes + j * lanes + k] = host.c().get(j, first + k);
                }
            }
        }
        int dAt = at + vecLen;
        System.arraycopy(f.d(), 0, packed, dAt, m * valueLanes);
        System.arraycopy(f.e(), 0, packed, dAt + m * valueLanes, n * valueLanes);
        int prmAt = dAt + (m + n) * valueLanes;
        System.arraycopy(parameters, 0, packed, prmAt, parameters.length);
        DeviceBuffer buf = lease.upload(packed);
        Object bArg;
        Object cArg;
        if (small) {
            bArg = buf.at(at);
            cArg = buf.at(at + m * lanes);
        } else {
            DeviceBuffer bDev = lease.doubles(Math.max(1, m * lanes));
            DeviceBuffer cDev = lease.doubles(Math.max(1, n * lanes));
            src.laneVectors(first, lanes, bDev, cDev);
            bArg = bDev;
            cArg = cDev;
        }
        return new Inputs(buf.at(prmAt), buf.at(0), buf.at(pPattern == null ? 0 : aLen), bArg, cArg, buf.at(dAt),
                buf.at(dAt + m * valueLanes));
    }

    /**
     * Inputs made on the device, for a larger chunk of per-instance matrices: the source writes the values
     * (an upload, or the parameter map from θ), the device equilibrates them ({@link DeviceEquilibration})
     * and scatters them into dense copies.
     */
    private static Inputs devicePrepared(BufferPool.Lease lease, ChunkSource src, int first, int lanes,
                                         SolverSettings settings, double[] parameters) {
        Device dev = lease.device();
        int n = src.n();
        int m = src.m();
        SparsePattern aPattern = src.aPattern();
        SparsePattern pPattern = src.pPattern();
        boolean hasP = pPattern != null;
        DeviceBuffer aVals = src.laneA(lease, first, lanes);
        DeviceBuffer pVals = hasP && pPattern.nnz() > 0 ? src.laneP(lease, first, lanes) : null;
        DeviceMatrices mat = new DeviceMatrices(lease, aPattern, aVals, pPattern, pVals, false, lanes);
        DeviceBuffer dDev = lease.doubles(Math.max(1, m * lanes));
        DeviceBuffer eDev = lease.doubles(Math.max(1, n * lanes));
        new DeviceEquilibration(lease, mat, src.cones()).run(settings.equilibrate(), dDev, eDev,
                InteriorPointConstants.RUIZ_PASSES);
        DeviceBuffer aDense = lease.doubles(Math.max(1, lanes * m * n));
        DeviceBuffer pDense = lease.doubles(Math.max(1, hasP ? lanes * n * n : 1));
        scatter(dev, lease, aPattern, aVals, lanes, n, m * n, false, aDense);
        if (hasP) {
            if (pVals != null) {
                scatter(dev, lease, pPattern, pVals, lanes, n, n * n, true, pDense);
            } else {
                dev.launch(CudaKernel.FILL, lanes * n * n, lanes * n * n, pDense, 0.0);
            }
        }
        DeviceBuffer bDev = lease.doubles(Math.max(1, m * lanes));
        DeviceBuffer cDev = lease.doubles(Math.max(1, n * lanes));
        src.laneVectors(first, lanes, bDev, cDev);
        return new Inputs(lease.upload(parameters), aDense, pDense, bDev, cDev, dDev, eDev);
    }

    /** Zeroes {@code dense} and writes the values of {@code pattern} into it (both triangles when symmetric). */
    private static void scatter(Device dev, BufferPool.Lease lease, SparsePattern pattern, DeviceBuffer vals,
                                int valueLanes, int cols, int laneStride, boolean symmetric, DeviceBuffer dense) {
        int total = valueLanes * laneStride;
        dev.launch(CudaKernel.FILL, total, total, dense, 0.0);
        int nnz = pattern.nnz();
        if (nnz == 0) {
            return;
        }
        int[][] entries = DeviceEquilibration.entries(pattern);
        int items = nnz * valueLanes;
        dev.launch(CudaKernel.IPM_SCATTER, items, nnz, valueLanes, cols, laneStride, symmetric ? 1 : 0,
                lease.upload(entries[0]), lease.upload(entries[1]), vals, dense);
    }
}
