// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.SparsePattern;
import io.convexlayers.solver.Acceleration;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.LinearSystemKind;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.hsde.Equilibration;
import io.convexlayers.solver.hsde.HsdeKernels;
import io.convexlayers.solver.hsde.ResidualStats;

/**
 * {@link HsdeKernels} for a whole chunk of a batch on a CUDA device: every lane of the chunk is one
 * lane here, every vector lives in device memory (batch-minor), and every per-iteration operation is
 * one or a few kernel launches. The chunk's data comes from a {@link ChunkSource} (uploaded, or made on
 * the device from θ); per-lane matrices are equilibrated and b, c scaled on the device, shared matrices
 * equilibrated and factored on the host at setup. Only {@link #residuals}, {@link #fixedPointResidual} (per-lane scalars every
 * few iterations) and {@link #readSolution} (once per finished lane, one download per check) read
 * back; the CG solver adds one int every few CG steps.
 *
 * <p>The numbers are those of {@link io.convexlayers.backend.cpu.CpuHsdeKernels}: the same scaling,
 * the same R = diag(ρ_x, ρ_y, d), the same formulas, kernel by kernel (see the kernels' Java twins in the tests).
 */
final class CudaHsdeKernels implements HsdeKernels<DeviceVector>, AutoCloseable {
    /** Weight d of τ in R, as on the CPU. */
    static final double TAU_WEIGHT = 10;
    /** Zero-cone rows get a 1000× smaller R_y entry, as on the CPU. */
    static final double ZERO_CONE_FACTOR = 1000;
    /** Lanes equilibrated together on one host thread during setup. */

    private final Device dev;
    private final BufferPool.Lease lease;
    private final int n;
    private final int m;
    private final int lanes;
    private final int len;
    private final ConeDims cones;
    private final double rhoX;
    private final double[] d;
    private final double[] e;
    private final double[] sigma;
    private final double[] rhoYHost;
    private final DeviceBuffer rhoY;
    private final DeviceBuffer dDev;
    private final DeviceBuffer eDev;
    private final DeviceBuffer sigmaDev;
    private final DeviceBuffer bHatDev;
    private final DeviceBuffer cHatDev;
    private final DeviceMatrices matrices;
    private final DeviceKkt kkt;
    private final LaunchGraph iterationGraph;
    // Only zero and nonnegative cones: the iteration's tail is one kernel.
    private final boolean polyhedral;
    private final LaunchGraph checkGraph;
    // Runs between checks as one fused launch (small per-lane dense instances with polyhedral cones), or null.
    private final FusedIterations fused;
    private final double[] lastScale;
    private DeviceBuffer gRhs;
    // prepareReads: the lanes gathered, each lane's column among them (-1: not gathered), and the buffers.
    private final int[] gatherIdx;
    private final int[] gatheredColumn;
    private int gatheredLanes;
    private final DeviceBuffer gatherIdxDev;
    private final DeviceVector gatheredU;
    private final DeviceVector gatheredRsk;
    private final DeviceCones coneOps;
    private final DeviceAnderson anderson;
    private final DeviceVector g;
    private final DeviceBuffer workM;
    private final DeviceBuffer workN;
    private final DeviceBuffer workN2;
    private final DeviceBuffer laneWork;
    /**
     * Halpern's staged weights, per row: 1 − w on the anchor (lanes 0…) then w on the iterate; allocated
     * for the longest run staged so far, one upload per run.
     */
    private DeviceBuffer anchorWeights;
    private double[] anchorWeightsHost = new double[0];
    /** The settings' acceleration resolved for this program. */
    private final Acceleration acceleration;
    private final DeviceBuffer statsDev;
    /** max|A| per lane, then max(max|A|, max|P|), of the unscaled lanes (ResidualStats.CERT_X_SCALE). */
    private final DeviceBuffer magnitudesDev;
    private final DeviceBuffer maskDev;
    private final int[] maskHost;
    private final double[] hostU;
    private final double[] hostRsk;
    private long epoch;
    private long cachedEpoch = -1;
    private DeviceVector cachedU;
    private DeviceVector cachedRsk;

    /** A chunk of an instantiated batch on the host ({@link HostChunkSource}: every lane's values uploaded). */
    CudaHsdeKernels(BufferPool pool, BatchConeProgram batch, int first, int lanes, SolverSettings settings,
                    ExecutionSettings execution) {
        this(pool, hostSource(pool, batch), first, lanes, settings, execution);
    }

    private static ChunkSource hostSource(BufferPool pool, BatchConeProgram batch) {
        HostChunkSource src = new HostChunkSource(batch);
        src.open(pool);
        return src;
    }

    /**
     * Builds the chunk of instances {@code [first, first + lanes)} of {@code src} on the pool's device.
     * Per-lane matrices come from the source straight into device buffers ({@link ChunkSource#laneA}: an
     * upload, or the parameter map on the device) and are equilibrated there ({@link DeviceEquilibration});
     * shared matrices are equilibrated once on the host. b and c come the same way and are scaled on the
     * device ({@link DeviceScaling}: b̂ = σDb, ĉ = σEc with the host's order of operations). Then sets up
     * the linear system chosen by {@link #chooseKind}. Host copies kept: D, E and σ (to unscale the
     * solutions). ({@code execution} is kept for the host work a chunk may need.)
     */
    CudaHsdeKernels(BufferPool pool, ChunkSource src, int first, int lanes, SolverSettings settings,
                    ExecutionSettings execution) {
        this.lease = new BufferPool.Lease(pool);
        this.dev = pool.device();
        this.n = src.n();
        this.m = src.m();
        this.lanes = lanes;
        this.len = n + m + 1;
        this.cones = src.cones();
        this.rhoX = settings.rhoX();
        try {
            boolean shared = src.matricesShared();
            SparsePattern aPattern = src.aPattern();
            SparsePattern pPattern = src.pPattern();
            this.d = new double[m * lanes];
            this.e = new double[n * lanes];
            double[] aVals = null;
            double[] pVals = null;
            if (shared) {
                aVals = new double[aPattern.nnz()];
                pVals = pPattern == null ? null : new double[pPattern.nnz()];
                // One set of matrices: equilibrated once on the host, the factors spread over the lanes.
                src.sharedMatrices(first, aVals, pVals);
                // Two numbers for the chunk, spread on the device (the uploads do not grow with the lanes).
                double[] magnitudes = ResidualStats.matrixMagnitudes(aVals, pVals, 1, 1, new double[2]);
                Equilibration.Factors f = equilibrateShared(settings, aPattern, aVals, pPattern, pVals);
                this.matrices = new DeviceMatrices(lease, aPattern, aVals, pPattern, pVals, shared, lanes);
                this.dDev = spreadOnDevice(f.d(), m);
                this.eDev = spreadOnDevice(f.e(), n);
                this.magnitudesDev = spreadOnDevice(magnitudes, 2);
            } else {
                // Per-lane matrices: written by the source on the device and equilibrated there, in place.
                boolean hasP = pPattern != null && pPattern.nnz() > 0;
                this.matrices = new DeviceMatrices(lease, aPattern, src.laneA(lease, first, lanes), pPattern,
                        hasP ? src.laneP(lease, first, lanes) : null, shared, lanes);
                this.dDev = lease.doubles(Math.max(1, m * lanes));
                this.eDev = lease.doubles(Math.max(1, n * lanes));
                this.magnitudesDev = laneMagnitudes(aPattern.nnz(), hasP ? pPattern.nnz() : 0);
                new DeviceEquilibration(lease, matrices, cones).run(settings.equilibrate(), dDev, eDev);
                dev.download(dDev.ptr(), d, 0, m * lanes);
                dev.download(eDev.ptr(), e, 0, n * lanes);
            }

            this.bHatDev = lease.doubles(Math.max(1, m * lanes));
            this.cHatDev = lease.doubles(Math.max(1, n * lanes));
            this.sigmaDev = lease.doubles(lanes);
            src.laneVectors(first, lanes, bHatDev, cHatDev);
            DeviceScaling.scaleVectors(dev, lanes, m, n, bHatDev, cHatDev, dDev, eDev, sigmaDev);
            this.sigma = new double[lanes];
            dev.download(sigmaDev.ptr(), sigma, 0, lanes);
            this.rhoYHost = new double[m * lanes];
            this.rhoY = lease.doubles(Math.max(1, m * lanes));
            // Shared matrices keep one factorization (one scale) only for lanes of similar b/c balance.
            boolean oneScale = shared && !(settings.linearSystem() == LinearSystemKind.AUTO && lanes > 1
                    && balanceSpread() > Equilibration.MAX_SHARED_BALANCE_SPREAD);
            this.kkt = switch (chooseKind(settings.linearSystem(), oneScale, n)) {
                case SHARED -> new SharedInverseKkt(lease, matrices, rhoY, aVals, pVals);
                case DENSE -> new BatchedCholeskyKkt(lease, matrices, rhoY);
                default -> new JacobiCgKkt(lease, matrices, rhoY);
            };
            this.coneOps = new DeviceCones(lease, cones, lanes);
            this.acceleration = settings.acceleration().resolve(pPattern != null && pPattern.nnz() > 0, cones);
            this.anderson = acceleration == Acceleration.ANDERSON
                    ? new DeviceAnderson(lease, len, lanes, settings.andersonMemory(), 1e-8) : null;
            this.g = lease.vector(len, lanes);
            this.workM = lease.doubles(Math.max(1, m * lanes));
            this.workN = lease.doubles(Math.max(1, n * lanes));
            this.workN2 = lease.doubles(Math.max(1, n * lanes));
            this.laneWork = lease.doubles(lanes);
            this.statsDev = lease.doubles(lanes * ResidualStats.WIDTH);
            this.maskDev = lease.ints(lanes);
            this.maskHost = new int[lanes];
            this.iterationGraph = new LaunchGraph(dev);
            this.polyhedral = cones.soc().length == 0 && cones.psd().length == 0 && cones.exp() == 0
                    && cones.dualExp() == 0 && cones.power().length == 0;
            this.checkGraph = new LaunchGraph(dev);
            this.fused = FusedIterations.applies(kkt, cones, n, m)
                    ? new FusedIterations(lease, matrices, rhoY, (BatchedCholeskyKkt) kkt, cones) : null;
            this.gatherIdx = new int[lanes];
            this.gatheredColumn = new int[lanes];
            java.util.Arrays.fill(gatheredColumn, -1);
            this.gatherIdxDev = lease.ints(lanes);
            this.gatheredU = lease.vector(len, lanes);
            this.gatheredRsk = lease.vector(len, lanes);
            this.lastScale = new double[lanes];
            java.util.Arrays.fill(lastScale, Double.NaN);
            this.hostU = new double[len * lanes];
            this.hostRsk = new double[len * lanes];
        } catch (RuntimeException | Error ex) {
            lease.close();
            throw ex;
        }
    }

    /**
     * The device strategy for a requested kind: shared matrices → one shared inverse (AUTO, SHARED);
     * per-lane matrices of order up to {@link CudaBackend#DENSE_MAX_N} → batched dense Cholesky (AUTO,
     * DENSE, and SHARED when the matrices are not shared); otherwise, and for SPARSE and CG, Jacobi CG.
     */
    static LinearSystemKind chooseKind(LinearSystemKind requested, boolean shared, int n) {
        return switch (requested) {
            case AUTO -> shared ? LinearSystemKind.SHARED
                    : n <= CudaBackend.DENSE_MAX_N ? LinearSystemKind.DENSE : LinearSystemKind.CG;
            case SHARED -> shared ? LinearSystemKind.SHARED : LinearSystemKind.DENSE;
            case DENSE -> LinearSystemKind.DENSE;
            case SPARSE, CG -> LinearSystemKind.CG;
        };
    }

    /** {@link Equilibration#balanceSpread} of the chunk's lanes: ‖b̂‖∞ and ‖ĉ‖∞ per lane on the device. */
    private double balanceSpread() {
        DeviceBuffer norms = lease.doubles(2 * lanes);
        dev.launch(CudaKernel.FILL, 2 * lanes, 2 * lanes, norms, 0.0);
        dev.launch(CudaKernel.LANE_ABS_MAX, lanes * LaunchGeometry.WARP, lanes, m, bHatDev, norms);
        dev.launch(CudaKernel.LANE_ABS_MAX, lanes * LaunchGeometry.WARP, lanes, n, cHatDev, norms.at(lanes));
        double[] host = new double[2 * lanes];
        dev.download(norms.ptr(), host, 0, 2 * lanes);
        return Equilibration.balanceSpread(host, java.util.Arrays.copyOfRange(host, lanes, 2 * lanes), lanes);
    }

    /**
     * max|A| and max(max|A|, max|P|) of each lane's matrices as the source wrote them (before equilibration):
     * {@link ResidualStats#matrixMagnitudes} on the device.
     */
    private DeviceBuffer laneMagnitudes(int nnzA, int nnzP) {
        DeviceBuffer out = lease.doubles(2 * lanes);
        dev.launch(CudaKernel.FILL, 2 * lanes, 2 * lanes, out, 0.0);
        dev.launch(CudaKernel.LANE_ABS_MAX, lanes * LaunchGeometry.WARP, lanes, nnzA, matrices.aVals, out);
        DeviceBuffer.Ptr withP = out.at(lanes);
        dev.launch(CudaKernel.LANE_ABS_MAX, lanes * LaunchGeometry.WARP, lanes, nnzA, matrices.aVals, withP);
        if (nnzP > 0) {
            dev.launch(CudaKernel.LANE_ABS_MAX, lanes * LaunchGeometry.WARP, lanes, nnzP, matrices.pVals, withP);
        }
        return out;
    }

    /** Equilibrates the chunk's one set of shared matrices on the host and spreads D and E over the lanes. */
    private Equilibration.Factors equilibrateShared(SolverSettings settings, SparsePattern aPattern, double[] aVals,
                                                    SparsePattern pPattern, double[] pVals) {
        Equilibration.Factors f = Equilibration.scaleMatrices(aPattern, aVals, pPattern, pVals,
                cones, 1, settings.equilibrate());
        spread(f.d(), m, d);
        spread(f.e(), n, e);
        return f;
    }

    private void spread(double[] src, int length, double[] dst) {
        for (int i = 0; i < length; i++) {
            for (int l = 0; l < lanes; l++) {
                dst[i * lanes + l] = src[i];
            }
        }
    }

    /** One factor per row uploaded once and spread over the lanes on the device (lanes × fewer bytes sent). */
    private DeviceBuffer spreadOnDevice(double[] factors, int rows) {
        DeviceBuffer out = lease.doubles(Math.max(1, rows * lanes));
        if (rows > 0) {
            DeviceBuffer one = lease.upload(factors);
            dev.launch(CudaKernel.SPREAD_LANES, rows * lanes, rows * lanes, lanes, one, out);
        }
        return out;
    }

    @Override
    public int lanes() {
        return lanes;
    }

    @Override
    public Acceleration acceleration() {
        return acceleration;
    }

    @Override
    public int n() {
        return n;
    }

    @Override
    public int m() {
        return m;
    }

    /** The name of the device linear system, for logs. */
    public String linearSystemName() {
        return kkt.name();
    }

    DeviceKkt kkt() {
        return kkt;
    }

    Device device() {
        return dev;
    }

    @Override
    public DeviceVector newVector(int length) {
        DeviceVector v = lease.vector(length, lanes);
        int total = length * lanes;
        dev.launch(CudaKernel.FILL, total, total, v, 0.0);
        return v;
    }

    @Override
    public void copy(DeviceVector src, DeviceVector dst) {
        epoch++;
        dev.copy(src.ptr(), dst.ptr(), src.size());
    }

    @Override
    public boolean sharedScale() {
        return kkt.sharedFactor();
    }

    @Override
    public void setScale(double[] scale) {
        epoch++;
        for (int i = 0; i < m; i++) {
            double f = cones.isZeroRow(i) ? 1 / ZERO_CONE_FACTOR : 1;
            for (int l = 0; l < lanes; l++) {
                rhoYHost[i * lanes + l] = f / scale[l];
            }
        }
        // Only the lanes whose scale moved are refactored (a per-lane factorization is the costly part).
        boolean[] changed = new boolean[lanes];
        for (int l = 0; l < lanes; l++) {
            changed[l] = scale[l] != lastScale[l];
            lastScale[l] = scale[l];
        }
        dev.upload(rhoYHost, 0, rhoY.ptr(), m * lanes);
        kkt.factor(rhoX, rhoYHost, changed);
        // g = KKT⁻¹(ĉ; −b̂), from the right-hand side kept on the device.
        if (gRhs == null) {
            // (ĉ; −b̂), made on the device from the scaled vectors.
            gRhs = lease.doubles((n + m) * lanes);
            dev.copy(cHatDev.ptr(), gRhs.ptr(), n * lanes);
            if (m > 0) {
                dev.launch(CudaKernel.NEGATE, m * lanes, m * lanes, bHatDev, gRhs.at(n * lanes));
            }
        }
        dev.copy(gRhs.ptr(), g.ptr(), (n + m) * lanes);
        kkt.solve(g, true);
    }

    @Override
    public void initialize(DeviceVector v, double[] warmX, double[] warmY, double[] warmS, boolean[] warm) {
        epoch++;
        if (warm == null) {
            // A cold start is (0, 0, 1) in every lane: made on the device, nothing sent.
            int total = len * lanes;
            dev.launch(CudaKernel.FILL, total, total, v, 0.0);
            dev.launch(CudaKernel.FILL, lanes, lanes, v.row(len - 1), 1.0);
            return;
        }
        double[] host = new double[len * lanes];
        int tau = (len - 1) * lanes;
        for (int l = 0; l < lanes; l++) {
            host[tau + l] = 1;
        }
        if (warm != null) {
            // Warm start in scaled units: x̂ = σE⁻¹x, ŷ = σD⁻¹y, ŝ = σDs; v = (x̂, ŷ + R_y⁻¹ŝ, 1).
            for (int j = 0; j < n; j++) {
                for (int l = 0; l < lanes; l++) {
                    if (warm[l]) {
                        int k = j * lanes + l;
                        host[k] = sigma[l] * warmX[k] / e[k];
                    }
                }
            }
            for (int i = 0; i < m; i++) {
                for (int l = 0; l < lanes; l++) {
                    if (warm[l]) {
                        int k = i * lanes + l;
                        double yHat = sigma[l] * warmY[k] / d[k];
                        double sHat = sigma[l] * warmS[k] * d[k];
                        host[n * lanes + k] = yHat + sHat / rhoYHost[k];
                    }
                }
            }
        }
        dev.upload(host, 0, v.ptr(), host.length);
    }

    @Override
    public void linearStep(DeviceVector v, DeviceVector uTilde, boolean fixTau) {
        linearCore(v, uTilde, fixTau);
        int nm = (n + m) * lanes;
        dev.launch(CudaKernel.HSDE_LINEAR_FINISH, nm, nm, lanes, n + m, g, uTilde);
    }

    /** The linear step up to τ̃: right-hand side, KKT solve and τ̃ (the subtraction of τ̃g is left). */
    private void linearCore(DeviceVector v, DeviceVector uTilde, boolean fixTau) {
        epoch++;
        int nm = (n + m) * lanes;
        dev.launch(CudaKernel.HSDE_RHS, nm, nm, lanes, n, rhoX, rhoY, v, uTilde);
        kkt.solve(uTilde, false);
        dev.launch(CudaKernel.HSDE_TAU, lanes * LaunchGeometry.WARP, lanes, n, m, rhoX, rhoY, g, uTilde, v,
                fixTau ? 1 : 0, TAU_WEIGHT);
    }

    /**
     * The rest of an iteration after {@link #linearCore}: τ̃g subtracted, reflection, projection and,
     * with {@code relaxNow}, the relaxation. With only zero and nonnegative cones one kernel does it all.
     */
    private void iterationTail(DeviceVector v, DeviceVector uTilde, DeviceVector u, boolean relaxNow, double alpha) {
        epoch++;
        int total = len * lanes;
        if (polyhedral) {
            int nnStart = n + cones.nonnegStart();
            dev.launch(CudaKernel.HSDE_POLYHEDRAL_TAIL, total, total, lanes, n + m, nnStart, nnStart + cones.nonneg(),
                    0, relaxNow ? 1 : 0, alpha, g, uTilde, v, u);
            return;
        }
        int nm = (n + m) * lanes;
        dev.launch(CudaKernel.HSDE_LINEAR_FINISH, nm, nm, lanes, n + m, g, uTilde);
        dev.launch(CudaKernel.HSDE_REFLECT, total, total, lanes, len, uTilde, v, u, 0);
        coneOps.project(u, n, false);
        if (relaxNow) {
            dev.launch(CudaKernel.HSDE_RELAX, total, total, alpha, v, u, uTilde);
        }
    }

    @Override
    public void coneStep(DeviceVector uTilde, DeviceVector v, DeviceVector u, boolean fixTau) {
        epoch++;
        int total = len * lanes;
        dev.launch(CudaKernel.HSDE_REFLECT, total, total, lanes, len, uTilde, v, u, fixTau ? 1 : 0);
        coneOps.project(u, n, false);
    }

    @Override
    public void relax(DeviceVector v, DeviceVector u, DeviceVector uTilde, double alpha) {
        epoch++;
        int total = len * lanes;
        dev.launch(CudaKernel.HSDE_RELAX, total, total, alpha, v, u, uTilde);
    }

    @Override
    public void normalize(DeviceVector v) {
        epoch++;
        dev.launch(CudaKernel.NORMALIZE, lanes * LaunchGeometry.WARP, lanes, len, v);
    }

    /** One graph launch per iteration between checks where the linear system needs no host (not CG). */
    @Override
    public void plainIteration(DeviceVector v, DeviceVector u, DeviceVector uTilde, double alpha) {
        Runnable body = () -> {
            normalize(v);
            linearCore(v, uTilde, false);
            iterationTail(v, uTilde, u, true, alpha);
        };
        if (kkt instanceof JacobiCgKkt) {
            body.run(); // CG reads its convergence flags back every few steps
        } else {
            dev.replayable(iterationGraph, body);
        }
    }

    /** The iteration before a check and the residual kernels as one graph; then the statistics are read. */
    @Override
    public void checkIteration(DeviceVector v, DeviceVector u, DeviceVector uTilde, DeviceVector rsk, double alpha,
                               double[] stats) {
        Runnable body = () -> {
            normalize(v);
            linearCore(v, uTilde, false);
            iterationTail(v, uTilde, u, false, alpha);
            dualIterate(v, u, uTilde, rsk);
            relax(v, u, uTilde, alpha);
            launchResiduals(u, rsk);
        };
        if (kkt instanceof JacobiCgKkt) {
            body.run();
        } else {
            dev.replayable(checkGraph, body);
        }
        dev.download(statsDev.ptr(), stats, 0, lanes * ResidualStats.WIDTH);
    }

    /** A fused launch for the whole run where the chunk allows it ({@link FusedIterations}), else the graphs. */
    @Override
    public void plainIterations(DeviceVector v, DeviceVector u, DeviceVector uTilde, double alpha, int count) {
        if (fused == null) {
            HsdeKernels.super.plainIterations(v, u, uTilde, alpha, count);
            return;
        }
        epoch++;
        fused.run(count, false, alpha, rhoX, TAU_WEIGHT, g, v, u, uTilde, gatheredRsk, workM, workN, workN2, dDev,
                eDev, bHatDev, cHatDev, sigmaDev, magnitudesDev, statsDev);
    }

    /** As {@link #plainIterations}, with the check iteration and its residual statistics in the same launch. */
    @Override
    public void iterationsThenCheck(DeviceVector v, DeviceVector u, DeviceVector uTilde, DeviceVector rsk,
                                    double alpha, int plain, double[] stats) {
        if (fused == null) {
            HsdeKernels.super.iterationsThenCheck(v, u, uTilde, rsk, alpha, plain, stats);
            return;
        }
        epoch++;
        fused.run(plain + 1, true, alpha, rhoX, TAU_WEIGHT, g, v, u, uTilde, rsk, workM, workN, workN2, dDev, eDev,
                bHatDev, cHatDev, sigmaDev, magnitudesDev, statsDev);
        dev.download(statsDev.ptr(), stats, 0, lanes * ResidualStats.WIDTH);
    }

    /** The fused runs of this chunk, or null when it replays graphs (tests read the geometry). */
    FusedIterations fused() {
        return fused;
    }

    /** The graph slot of {@link #plainIteration} (tests read its capture and replay counts). */
    LaunchGraph iterationGraph() {
        return iterationGraph;
    }

    @Override
    public void dualIterate(DeviceVector v, DeviceVector u, DeviceVector uTilde, DeviceVector rsk) {
        epoch++;
        int total = len * lanes;
        dev.launch(CudaKernel.HSDE_DUAL, total, total, lanes, n, m, rhoX, rhoY, TAU_WEIGHT, v, u, uTilde, rsk);
    }

    /** One upload for the whole run of iterations: row r holds 1 − w, then w, of every lane. */
    @Override
    public void stageAnchorWeights(double[] weights, int rows) {
        int size = 2 * rows * lanes;
        if (anchorWeightsHost.length < size) {
            anchorWeightsHost = new double[size];
            anchorWeights = lease.doubles(size);
        }
        for (int r = 0; r < rows; r++) {
            for (int l = 0; l < lanes; l++) {
                double w = weights[r * lanes + l];
                anchorWeightsHost[2 * r * lanes + l] = 1 - w;
                anchorWeightsHost[(2 * r + 1) * lanes + l] = w;
            }
        }
        dev.upload(anchorWeightsHost, 0, anchorWeights.ptr(), size);
    }

    /** Normalization and the pull towards the anchor: two launches, the weights already on the device. */
    @Override
    public void anchor(DeviceVector v, DeviceVector anchor, int row) {
        normalize(v);
        int total = len * lanes;
        dev.launch(CudaKernel.LANE_AXPBY, total, total, lanes, anchorWeights.at(2 * row * lanes), anchor,
                anchorWeights.at((2 * row + 1) * lanes), v);
    }

    @Override
    public void copyLanes(DeviceVector src, DeviceVector dst, boolean[] chosen) {
        epoch++;
        for (int l = 0; l < lanes; l++) {
            maskHost[l] = chosen[l] ? 1 : 0;
        }
        dev.upload(maskHost, 0, maskDev.ptr(), lanes);
        int total = len * lanes;
        dev.launch(CudaKernel.MASKED_COPY, total, total, lanes, maskDev, src, dst);
    }

    @Override
    public void resetAfterScaleChange(DeviceVector v, DeviceVector u, DeviceVector uTilde, DeviceVector rsk,
                                      DeviceVector anchor, boolean[] changed) {
        epoch++;
        for (int l = 0; l < lanes; l++) {
            maskHost[l] = changed[l] ? 1 : 0;
        }
        dev.upload(maskHost, 0, maskDev.ptr(), lanes);
        int total = len * lanes;
        dev.launch(CudaKernel.HSDE_RESET_SCALE, total, total, lanes, n, m, rhoX, rhoY, TAU_WEIGHT, maskDev, v, u,
                uTilde, rsk, anchor);
        if (anderson != null) {
            anderson.reset(changed);
        }
    }

    @Override
    public void residuals(DeviceVector u, DeviceVector rsk, double[] stats) {
        launchResiduals(u, rsk);
        dev.download(statsDev.ptr(), stats, 0, lanes * ResidualStats.WIDTH);
    }

    /** The residual kernels of {@link #residuals}, without the readback. */
    private void launchResiduals(DeviceVector u, DeviceVector rsk) {
        matrices.mulA(u.ptr(), workM.ptr(), false);
        matrices.mulAT(u.row(n), workN.ptr(), false);
        matrices.mulP(u.ptr(), workN2.ptr(), false);
        dev.launch(CudaKernel.HSDE_RESIDUALS, lanes * LaunchGeometry.WARP, lanes, n, m, workM, workN, workN2, u, rsk,
                dDev, eDev, bHatDev, cHatDev, sigmaDev, magnitudesDev, statsDev);
    }

    /** Finished lanes stop reading their matrices and inverses (the bandwidth of the batch's long tail). */
    @Override
    public void retire(boolean[] done) {
        boolean[] active = new boolean[lanes];
        for (int l = 0; l < lanes; l++) {
            active[l] = !done[l];
        }
        matrices.setActiveLanes(active);
    }

    /** Gathers the lanes about to be read into compact buffers and copies only those to the host. */
    @Override
    public void prepareReads(DeviceVector u, DeviceVector rsk, boolean[] reading) {
        int k = 0;
        for (int l = 0; l < lanes; l++) {
            if (reading[l]) {
                gatherIdx[k] = l;
                gatheredColumn[l] = k++;
            } else {
                gatheredColumn[l] = -1;
            }
        }
        if (k == 0) {
            return;
        }
        dev.upload(gatherIdx, 0, gatherIdxDev.ptr(), k);
        int total = len * k;
        dev.launch(CudaKernel.GATHER_LANES, total, total, lanes, k, gatherIdxDev, u, gatheredU);
        dev.launch(CudaKernel.GATHER_LANES, total, total, lanes, k, gatherIdxDev, rsk, gatheredRsk);
        dev.download(gatheredU.ptr(), hostU, 0, total);
        dev.download(gatheredRsk.ptr(), hostRsk, 0, total);
        gatheredLanes = k;
        cachedEpoch = epoch;
        cachedU = u;
        cachedRsk = rsk;
    }

    @Override
    public void readSolution(DeviceVector u, DeviceVector rsk, int lane, double divisor, double[] x, double[] y,
                             double[] s, int column, int stride) {
        if (cachedEpoch != epoch || cachedU != u || cachedRsk != rsk || gatheredColumn[lane] < 0) {
            boolean[] one = new boolean[lanes];
            one[lane] = true;
            prepareReads(u, rsk, one);
        }
        // Host copies hold the gathered lanes: row i of lane `lane` at i * k + its column.
        int k = gatheredLanes;
        int c = gatheredColumn[lane];
        double sg = sigma[lane];
        for (int j = 0; j < n; j++) {
            int h = j * lanes + lane;
            x[j * stride + column] = e[h] * hostU[j * k + c] / (sg * divisor);
        }
        for (int i = 0; i < m; i++) {
            int h = i * lanes + lane;
            int g = (n + i) * k + c;
            y[i * stride + column] = d[h] * hostU[g] / (sg * divisor);
            s[i * stride + column] = hostRsk[g] / (d[h] * sg * divisor);
        }
    }

    @Override
    public void andersonStep(DeviceVector v, DeviceVector anchor, boolean[] apply) {
        epoch++;
        if (anderson != null) {
            anderson.step(v, anchor, apply);
        } else {
            dev.copy(v.ptr(), anchor.ptr(), v.size());
        }
    }

    @Override
    public void andersonReject(DeviceVector v, DeviceVector anchor, boolean[] reject) {
        epoch++;
        if (anderson != null) {
            anderson.reject(v, anchor, reject);
        }
    }

    @Override
    public void fixedPointResidual(DeviceVector v, DeviceVector anchor, double[] out) {
        dev.launch(CudaKernel.LANE_DIFF_NORM, lanes * LaunchGeometry.WARP, lanes, len, v, anchor, laneWork);
        dev.download(laneWork.ptr(), out, 0, lanes);
    }

    /** Returns every device buffer of this chunk to the pool. */
    @Override
    public void close() {
        iterationGraph.close();
        checkGraph.close();
        if (anderson != null) {
            anderson.close();
        }
        lease.close();
    }
}
