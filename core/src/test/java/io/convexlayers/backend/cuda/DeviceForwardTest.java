// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.Variable;
import io.convexlayers.layer.ConvexLayer;
import io.convexlayers.layer.Gradients;
import io.convexlayers.layer.LayerArgumentException;
import io.convexlayers.layer.LayerResult;
import io.convexlayers.solver.Backend;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.IterationListener;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.WarmStart;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.device.AffineMap;
import io.convexlayers.solver.device.ParametricBatch;
import io.convexlayers.solver.device.ParametricSolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Random;

import static io.convexlayers.dsl.Atoms.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A layer's forward on the CUDA backend with its data made on the device from θ
 * ({@link MappedChunkSource}) against the same backend fed the host-instantiated data
 * ({@link HostChunkSource}), on the emulated device with chunks of 3 lanes: the same x, y, s and
 * statuses, the same gradients, and a ledger showing that θ, not the matrices, is what goes to the device.
 */
class DeviceForwardTest {
    /** The first-order method's device forward (the interior-point method's has DeviceInteriorPointTest). */
    static final SolverSettings SETTINGS = SolverSettings.defaults().withEps(1e-8)
            .withAlgorithm(io.convexlayers.solver.Algorithm.FIRST_ORDER);
    static final int BATCH = 7;
    static final int CHUNK = 3;

    /** The families the device path must reproduce. */
    enum Family {
        /** QP, every matrix and vector per instance: min ‖x‖² + qᵀx, Gx ≤ h (per-lane A, shared P spread). */
        QP_PER_INSTANCE,
        /** The same QP with G broadcast: shared matrices (the shared inverse), per-instance q and h. */
        QP_SHARED_MATRIX,
        /** SOCP: min qᵀx, ‖Mx − c‖₂ ≤ 1 with M, q, c per instance. */
        SOC,
        /** Exponential cones: min Σ exp(x) − qᵀx, Gx ≤ h with G per instance. */
        EXP
    }

    /** A layer's problem, its one output and the arguments of one batch. */
    record Case(Problem problem, Parameter[] parameters, Variable output, double[][] values) {
    }

    static Case build(Family family, int batch, long seed) {
        Random rnd = new Random(seed);
        int n = 4;
        int k = 6;
        Variable x = Variable.vector("x", n);
        Parameter q = Parameter.vector("q", n);
        switch (family) {
            case QP_PER_INSTANCE, QP_SHARED_MATRIX, EXP -> {
                Parameter g = Parameter.matrix("G", k, n);
                Parameter h = Parameter.vector("h", k);
                boolean sharedG = family == Family.QP_SHARED_MATRIX;
                double[] gv = gaussian(rnd, (sharedG ? 1 : batch) * k * n);
                double[] hv = new double[batch * k];
                for (int b = 0; b < batch; b++) {
                    for (int i = 0; i < k; i++) {
                        // h = G·x0 + slack with x0 in [-0.5, 0.5]^n: the feasible set is not empty.
                        double s = 0.1 + rnd.nextDouble();
                        for (int j = 0; j < n; j++) {
                            s += gv[(sharedG ? 0 : b * k * n) + i * n + j] * (rnd.nextDouble() - 0.5);
                        }
                        hv[b * k + i] = s;
                    }
                }
                double[] qv = family == Family.EXP ? positive(rnd, batch * n) : gaussian(rnd, batch * n);
                Problem p = family == Family.EXP
                        ? Problem.minimize(sum(exp(x)).minus(q.dot(x)), g.matmul(x).le(h))
                        : Problem.minimize(sumSquares(x).plus(q.dot(x)), g.matmul(x).le(h));
                return new Case(p, new Parameter[] {g, h, q}, x, new double[][] {gv, hv, qv});
            }
            case SOC -> {
                Parameter mm = Parameter.matrix("M", n, n);
                Parameter c = Parameter.vector("c", n);
                double[] mv = gaussian(rnd, batch * n * n);
                for (int b = 0; b < batch; b++) {
                    for (int i = 0; i < n; i++) {
                        mv[b * n * n + i * n + i] += 3; // well conditioned: a bounded feasible set
                    }
                }
                Problem p = Problem.minimize(q.dot(x), norm2(mm.matmul(x).minus(c)).le(1));
                return new Case(p, new Parameter[] {mm, c, q}, x,
                        new double[][] {mv, gaussian(rnd, batch * n), gaussian(rnd, batch * n)});
            }
            default -> throw new AssertionError(family);
        }
    }

    private static double[] gaussian(Random rnd, int count) {
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = rnd.nextGaussian();
        }
        return v;
    }

    private static double[] positive(Random rnd, int count) {
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = 0.5 + rnd.nextDouble();
        }
        return v;
    }

    /** The CUDA backend taking θ (a {@link ParametricSolver}), keeping the last batch and solution. */
    static final class Mapped implements Backend, ParametricSolver {
        final CudaBackend cuda;
        ParametricBatch batch;
        BatchSolution solution;

        Mapped(CudaBackend cuda) {
            this.cuda = cuda;
        }

        @Override
        public String name() {
            return "cuda-mapped";
        }

        @Override
        public BatchSolution solve(BatchConeProgram b, SolverSettings s, ExecutionSettings e, WarmStart w,
                                   IterationListener l) {
            throw new AssertionError("the layer must send θ to a parametric solver");
        }

        @Override
        public BatchSolution solve(ParametricBatch b, SolverSettings s, ExecutionSettings e, WarmStart w,
                                   IterationListener l) {
            batch = b;
            solution = cuda.solve(b, s, e, w, l);
            return solution;
        }
    }

    /** The same backend seen as a plain {@link Backend}: the layer instantiates the data on the host. */
    static final class Hosted implements Backend {
        final CudaBackend cuda;
        BatchConeProgram batch;
        BatchSolution solution;

        Hosted(CudaBackend cuda) {
            this.cuda = cuda;
        }

        @Override
        public String name() {
            return "cuda-hosted";
        }

        @Override
        public BatchSolution solve(BatchConeProgram b, SolverSettings s, ExecutionSettings e, WarmStart w,
                                   IterationListener l) {
            batch = b;
            solution = cuda.solve(b, s, e, w, l);
            return solution;
        }
    }

    static ConvexLayer layer(Case c, Backend backend) {
        return layer(c, backend, SETTINGS);
    }

    static ConvexLayer layer(Case c, Backend backend, SolverSettings settings) {
        return ConvexLayer.builder(c.problem()).parameters(c.parameters()).outputs(c.output()).settings(settings)
                .backend(backend).build();
    }

    /**
     * Runs the layer on {@code deviceMapped} itself (a {@link ParametricSolver}: θ in, data made on the
     * device) and on {@code deviceHosted} behind a plain {@link Backend} (data instantiated on the host and
     * uploaded), and checks x, y, s, statuses and gradients to {@code tol}; returns the largest difference.
     */
    static double compare(Family family, CudaBackend deviceMapped, CudaBackend deviceHosted, int batch, double tol) {
        return compare(family, deviceMapped, deviceHosted, batch, tol, SETTINGS);
    }

    /** As above under {@code settings}. */
    static double compare(Family family, CudaBackend deviceMapped, CudaBackend deviceHosted, int batch, double tol,
                          SolverSettings settings) {
        Case c = build(family, batch, 11 + family.ordinal());
        Hosted hosted = new Hosted(deviceHosted);
        LayerResult rm = layer(c, deviceMapped, settings).forward(c.values());
        LayerResult rh = layer(c, hosted, settings).forward(c.values());
        assertTrue(rh.allSolved(), rh::toString);
        assertEquals(rh.statuses(), rm.statuses(), family + ": statuses");
        double worst = close(rh.value(c.output()), rm.value(c.output()), tol, family + " output");
        for (int b = 0; b < batch; b++) {
            worst = Math.max(worst, close(rh.solution(b).x(), rm.solution(b).x(), tol, family + " x of " + b));
            worst = Math.max(worst, close(rh.solution(b).y(), rm.solution(b).y(), tol, family + " y of " + b));
            worst = Math.max(worst, close(rh.solution(b).s(), rm.solution(b).s(), tol, family + " s of " + b));
        }
        // Backward: the mapped result makes its host data lazily; it must be the data the host path had.
        double[] dx = gaussian(new Random(5), batch * 4);
        Gradients gm = rm.backward(dx);
        Gradients gh = rh.backward(dx);
        for (Parameter p : c.parameters()) {
            worst = Math.max(worst, close(gh.of(p), gm.of(p), tol, family + " dL/d" + p.name()));
        }
        return worst;
    }

    private static double close(double[] want, double[] got, double tol, String what) {
        assertEquals(want.length, got.length, what);
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            double diff = Math.abs(want[i] - got[i]);
            assertTrue(diff <= tol, () -> what + " differs by " + diff);
            worst = Math.max(worst, diff);
        }
        return worst;
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void deviceParameterMapMatchesTheHostInstantiatedPath(Family family) {
        EmulatedDevice dev = new EmulatedDevice(1L << 30);
        double worst = compare(family, new CudaBackend(dev, CHUNK), new CudaBackend(new EmulatedDevice(1L << 30), CHUNK),
                BATCH, 1e-10);
        // Three chunks (3, 3 and 1 lanes), each mapping its per-lane parts on the device.
        assertTrue(dev.launchCounts().getOrDefault(CudaKernel.PARAM_MAP_LANES, 0) >= 3, dev.launchCounts()::toString);
        System.out.println("DeviceForwardTest " + family + ": largest difference " + worst);
    }

    /**
     * The device interior-point method under a layer: the batch made from θ on the device (parameter map,
     * equilibration and dense copies there) gives the bits of the host-instantiated path, where chunks of
     * host data are prepared on the host; and the mapped forward never uploads the per-lane matrices.
     */
    @ParameterizedTest
    @EnumSource(value = Family.class, names = {"QP_PER_INSTANCE", "QP_SHARED_MATRIX"})
    void theDeviceInteriorPointMethodTakesALayersBatchFromTheta(Family family) {
        SolverSettings ipm = SETTINGS.withAlgorithm(io.convexlayers.solver.Algorithm.INTERIOR_POINT);
        EmulatedDevice dev = new EmulatedDevice(1L << 30);
        double worst = compare(family, new CudaBackend(dev, CHUNK), new CudaBackend(new EmulatedDevice(1L << 30), CHUNK),
                BATCH, 1e-10, ipm);
        assertTrue(dev.launchCounts().getOrDefault(CudaKernel.IPM_SOLVE, 0) >= 3, dev.launchCounts()::toString);
        assertTrue(dev.launchCounts().getOrDefault(CudaKernel.PARAM_MAP_LANES, 0) >= 1, dev.launchCounts()::toString);
        // Uploads of a repeated forward of 40 instances in one chunk: θ and the structure, never the matrices.
        int lanes = 40;
        Case c = build(family, lanes, 3);
        EmulatedDevice counted = new EmulatedDevice(1L << 30);
        Mapped mapped = new Mapped(new CudaBackend(counted, 0));
        ConvexLayer mappedLayer = layer(c, mapped, ipm);
        mappedLayer.forward(c.values());
        CostLedger again = new CostLedger();
        counted.record(again);
        mappedLayer.forward(c.values());
        counted.record(null);
        BatchConeProgram host = mapped.batch.hostProgram();
        long perLaneMatrices = host.matricesShared() ? 0
                : 8L * lanes * (host.aPattern().nnz() + (host.pPattern() == null ? 0 : host.pPattern().nnz()));
        long theta = 8L * (lanes * MappedChunkSource.batchedColumns(mapped.batch).length + mapped.batch.thetaLength());
        // What is not θ: index structures and the parameter table, independent of the batch size.
        long structure = again.uploadBytes() - theta;
        assertTrue(structure < 4096 && (perLaneMatrices == 0 || structure < perLaneMatrices / 2),
                "a repeated forward uploads " + again.uploadBytes() + " B; θ is " + theta + " B, the per-lane matrices "
                        + perLaneMatrices + " B");
        System.out.println("DeviceForwardTest IPM " + family + ": largest difference " + worst + ", uploads again "
                + again.uploadBytes() + " B (θ " + theta + " B, per-lane matrices " + perLaneMatrices + " B)");
    }

    /**
     * The whole forward's uploads: the host path sends every lane's A, P, b, c; the device path sends θ
     * (its batched entries for every instance, the first instance's whole) and, on a layer's first
     * forward only, the maps; everything else is the same launches and copies. So the difference is
     * exactly 8·B·(per-lane matrix entries + m + n) − 8·(B·|θ batched| + |θ|) − (the maps' bytes on the
     * first forward).
     */
    @ParameterizedTest
    @EnumSource(value = Family.class, names = {"QP_PER_INSTANCE", "QP_SHARED_MATRIX"})
    void theForwardSendsThetaNotTheMatrices(Family family) {
        uploadsDifferByTheMatrices(family, new EmulatedDevice(1L << 30), BATCH, CHUNK);
    }

    /** The check above on {@code dev} (the GPU suite passes the real device). */
    static void uploadsDifferByTheMatrices(Family family, Device dev, int batch, int chunk) {
        Case c = build(family, batch, 3);
        Mapped mapped = new Mapped(new CudaBackend(dev, chunk));
        Hosted hosted = new Hosted(new CudaBackend(dev, chunk));
        ConvexLayer mappedLayer = layer(c, mapped);
        CostLedger first = new CostLedger();
        CostLedger again = new CostLedger();
        CostLedger lh = new CostLedger();
        dev.record(first);
        mappedLayer.forward(c.values());
        dev.record(lh);
        layer(c, hosted).forward(c.values());
        dev.record(again);
        mappedLayer.forward(c.values());
        dev.record(null);
        ParametricBatch pb = mapped.batch;
        BatchConeProgram host = hosted.batch;
        long perLaneMatrix = host.matricesShared() ? 0
                : host.aPattern().nnz() + (host.pPattern() == null ? 0 : host.pPattern().nnz());
        long sentByHost = 8L * batch * (perLaneMatrix + host.m() + host.n());
        long thetaBytes = 8L * (batch * MappedChunkSource.batchedColumns(pb).length + pb.thetaLength());
        long maps = mapBytes(pb.a()) + mapBytes(pb.b()) + mapBytes(pb.c()) + (pb.p() == null ? 0 : mapBytes(pb.p()));
        assertEquals(mapped.solution.totalIterations(), hosted.solution.totalIterations());
        assertEquals(sentByHost - thetaBytes - maps, lh.uploadBytes() - first.uploadBytes(),
                "host path uploads " + lh.uploadBytes() + " B, device path " + first.uploadBytes() + " B");
        assertEquals(sentByHost - thetaBytes, lh.uploadBytes() - again.uploadBytes(),
                "host path uploads " + lh.uploadBytes() + " B, device path again " + again.uploadBytes() + " B");
        System.out.println("DeviceForwardTest " + family + " B = " + batch + ": uploads host path " + lh.uploadBytes()
                + " B, device path " + first.uploadBytes() + " B (first forward), " + again.uploadBytes()
                + " B (again); θ " + thetaBytes + " B, maps " + maps + " B");
    }

    private static long mapBytes(AffineMap m) {
        return 4L * (m.rows() + 1) + 12L * m.nnz();
    }

    /**
     * The setup of a chunk from θ (source opened, chunk built: parameter map, equilibration, scaling,
     * factorization) at B and 2B lanes: the uploads grow by the batched entries of θ plus R_y (m doubles
     * per lane, sent with each scale) and one or two ints per lane (flags), never by the per-lane
     * matrices; with a broadcast G, not by G either.
     */
    @ParameterizedTest
    @EnumSource(value = Family.class, names = {"QP_PER_INSTANCE", "QP_SHARED_MATRIX"})
    void chunkSetupUploadsGrowByBatchedThetaOnly(Family family) {
        long[] bytes = new long[2];
        int[] lanes = {8, 16};
        ParametricBatch big = null;
        for (int r = 0; r < 2; r++) {
            Case c = build(family, lanes[r], 21);
            Mapped capture = new Mapped(new CudaBackend(new EmulatedDevice(1L << 30), 0));
            layer(c, capture).forward(c.values());
            big = capture.batch;
            EmulatedDevice dev = new EmulatedDevice(1L << 30);
            BufferPool pool = new BufferPool(dev);
            CostLedger ledger = new CostLedger();
            dev.record(ledger);
            MappedChunkSource src = new MappedChunkSource(capture.batch);
            src.open(pool);
            try (CudaHsdeKernels k = new CudaHsdeKernels(pool, src, 0, lanes[r], SETTINGS,
                    ExecutionSettings.defaults())) {
                k.setScale(filled(lanes[r], 0.1));
            } finally {
                src.close();
            }
            bytes[r] = ledger.uploadBytes();
        }
        int more = lanes[1] - lanes[0];
        long thetaGrowth = 8L * MappedChunkSource.batchedColumns(big).length * more;
        long growth = bytes[1] - bytes[0];
        long matrices = 8L * (big.aPattern().nnz() + big.pPattern().nnz()) * more;
        System.out.println("DeviceForwardTest " + family + " setup uploads: " + bytes[0] + " B at " + lanes[0]
                + " lanes, " + bytes[1] + " B at " + lanes[1] + " (batched θ grows by " + thetaGrowth
                + " B; the lanes' matrices would add " + matrices + " B)");
        // Beyond θ: R_y, the lanes' activity flags, the list of live lanes (the tiled products') and, for
        // per-lane factorizations, their refactor mask.
        long flags = family == Family.QP_SHARED_MATRIX ? 2 : 3;
        assertEquals(thetaGrowth + (8L * big.m() + 4 * flags) * more, growth);
        if (family == Family.QP_SHARED_MATRIX) {
            // θ's batched entries are h and q only: G (k × n) is sent once.
            assertEquals(8L * (big.m() + big.n()) * more, thetaGrowth);
        }
    }

    private static double[] filled(int count, double value) {
        double[] v = new double[count];
        java.util.Arrays.fill(v, value);
        return v;
    }

    /** A NaN in θ is the layer's typed error, raised before the device sees anything. */
    @Test
    void nanThetaFailsBeforeAnyDeviceWork() {
        Case c = build(Family.QP_PER_INSTANCE, BATCH, 4);
        EmulatedDevice dev = new EmulatedDevice(1L << 30);
        CostLedger ledger = new CostLedger();
        dev.record(ledger);
        ConvexLayer layer = layer(c, new CudaBackend(dev, CHUNK));
        double[][] values = c.values().clone();
        values[2] = values[2].clone();
        values[2][5] = Double.NaN;
        LayerArgumentException e = assertThrows(LayerArgumentException.class, () -> layer.forward(values));
        assertTrue(e.getMessage().contains("q"), e.getMessage());
        assertEquals(0, ledger.launches());
        assertEquals(0, ledger.uploads());
        assertEquals(0, ledger.downloads());
    }

    /** Used by {@link EmulatedOpsTest#theGpuSuiteLaunchesEveryKernel}: one mapped forward on {@code dev}. */
    static void oneMappedForward(Device dev) {
        compare(Family.QP_PER_INSTANCE, new CudaBackend(dev, 2), new CudaBackend(dev, 2), 3, 1e-10);
    }

}
