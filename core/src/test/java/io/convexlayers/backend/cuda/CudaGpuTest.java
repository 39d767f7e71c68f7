// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.backend.Backends;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.LinearSystemKind;
import io.convexlayers.solver.Solution;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import io.convexlayers.testing.RandomQps;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CUDA backend on a real GPU (skipped with the reason where there is none): every backend
 * operation against the CPU (fresh random inputs, NaN-poisoned outputs, lane counts that are not
 * multiples of the block size, B = 1 and large B), every cone kernel against its Java twin, and
 * whole solves against the CPU backend within solver tolerance. Run by {@code ci/gpu-check}.
 */
@Tag("gpu")
class CudaGpuTest {
    static final SolverSettings TIGHT = SolverSettings.defaults().withEps(1e-8);

    @BeforeEach
    void gpu() {
        Gpu.require();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 37, 1031})
    void everyOperationMatchesTheCpuPerInstanceMatrices(int lanes) {
        BatchConeProgram batch = RandomQps.batch(11, 23, lanes, false, 100 + lanes);
        new OpsHarness(Gpu.require(), batch, SolverSettings.defaults(), lanes, 1e-9)
                .runAll(EmulatedOpsTest.laneScales(lanes, false));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 300})
    void everyOperationMatchesTheCpuSharedMatrices(int lanes) {
        BatchConeProgram batch = RandomQps.batch(13, 29, lanes, true, 200 + lanes);
        new OpsHarness(Gpu.require(), batch, SolverSettings.defaults(), lanes, 1e-9)
                .runAll(EmulatedOpsTest.laneScales(lanes, true));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 65})
    void everyOperationMatchesTheCpuConjugateGradients(int lanes) {
        BatchConeProgram batch = RandomQps.batch(9, 17, lanes, false, 300 + lanes);
        SolverSettings cg = SolverSettings.defaults().withLinearSystem(LinearSystemKind.CG);
        new OpsHarness(Gpu.require(), batch, cg, lanes, 1e-5).runAll(EmulatedOpsTest.laneScales(lanes, false));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 37, 1500})
    void everyConeKernelMatchesItsTwin(int lanes) {
        ConeDims cones = ConeDims.builder().zero(2).nonneg(5).soc(1, 4, 9).psd(1, 3, 6).exp(4).dualExp(3)
                .power(0.25, -0.5, 0.8).build();
        int m = cones.rows();
        Random rnd = new Random(lanes);
        double[] v = new double[m * lanes];
        for (int k = 0; k < v.length; k++) {
            v[k] = (k % 3 == 0 ? 10 : 1) * rnd.nextGaussian();
        }
        for (boolean primal : new boolean[] {true, false}) {
            double[] want = project(new EmulatedDevice(1L << 32), cones, v, lanes, primal);
            double[] got = project(Gpu.require(), cones, v, lanes, primal);
            for (int k = 0; k < want.length; k++) {
                double tol = 1e-9 * Math.max(1, Math.abs(want[k]));
                assertEquals(want[k], got[k], tol, "row " + k / lanes + " lane " + k % lanes + " primal=" + primal);
            }
        }
    }

    private static double[] project(Device dev, ConeDims cones, double[] v, int lanes, boolean primal) {
        try (BufferPool.Lease lease = new BufferPool.Lease(new BufferPool(dev))) {
            DeviceCones ops = new DeviceCones(lease, cones, lanes);
            int m = cones.rows();
            DeviceVector d = lease.vector(m + 3, lanes);
            dev.launch(CudaKernel.FILL, d.size(), d.size(), d, Double.NaN);
            dev.upload(v, 0, d.row(3), v.length);
            ops.project(d, 3, primal);
            double[] out = new double[v.length];
            dev.download(d.row(3), out, 0, v.length);
            return out;
        }
    }

    private static CudaBackend gpuBackend(int maxChunkLanes) {
        return new CudaBackend(Gpu.require(), maxChunkLanes);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 37, 500})
    void perInstanceQpsMatchTheCpu(int lanes) {
        BatchConeProgram batch = RandomQps.batch(10, 20, lanes, false, 400 + lanes);
        EmulatedSolveTest.assertSameSolutions(Backends.cpu().solve(batch, TIGHT, null, null),
                gpuBackend(0).solve(batch, TIGHT, null, null), 1e-6);
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 100, 169})
    void batchedInverseAndTriangularSolvesAgree(int n) {
        // n = 100 and 169 need more than 48 KiB of shared memory per block (81 KB, 230 KB): the opt-in.
        double diff = KktPaths.maxRelativeDifference(Gpu.require(), n, 2 * n, 67, 600 + n);
        assertTrue(diff < 1e-10, "inverse vs triangular: " + diff);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("io.convexlayers.backend.cuda.EmulatedBundledProblemsTest#problems")
    void bundledProblemsOfEveryConeFamilyMatchTheCpu(String name) throws Exception {
        EmulatedBundledProblemsTest.assertCudaMatchesCpu(gpuBackend(0), name);
    }

    /** Large costs or right-hand sides fake no certificate on the GPU either (the 17 statistics, cl_lane_abs_max). */
    @Test
    void largeCostsOrRightHandSidesFakeNoCertificate() throws Exception {
        EmulatedBundledProblemsTest.assertNoFakeCertificates(gpuBackend(0));
    }

    /** Lanes of very different b/c balance over a shared A factor per lane on the GPU as on the CPU. */
    @Test
    void lanesOfVeryDifferentBalanceSolveAsTheyDoAlone() throws Exception {
        EmulatedBundledProblemsTest.assertLanesOfDifferentBalanceSolveAlone(gpuBackend(0));
    }

    @Test
    void anIndefiniteInstanceFailsAloneOnTheGpu() {
        IndefiniteInstanceTest.assertOnlyTheIndefiniteLaneFails(gpuBackend(0).solve(
                IndefiniteInstanceTest.batch(1, -50, 1), SolverSettings.defaults(), null, null), "gpu");
    }

    @Test
    void largeUploadsThroughThePageLockedBufferArriveWhole() {
        JCudaDevice dev = Gpu.require();
        int count = 5_000_003; // 40 MB: three pieces of the 16 MB staging buffer, the last one partial
        double[] src = new double[count + 7];
        for (int k = 0; k < src.length; k++) {
            src[k] = k * 0.5 - 3;
        }
        DeviceBuffer b = dev.allocDoubles(count + 1);
        try {
            dev.upload(src, 7, b.at(1), count);
            double[] back = new double[count];
            dev.download(b.at(1), back, 0, count);
            for (int k = 0; k < count; k += 9973) {
                assertEquals(src[k + 7], back[k], 0, "entry " + k);
            }
            assertEquals(src[count + 6], back[count - 1], 0);
        } finally {
            dev.free(b);
        }
    }

    @Test
    void deviceEquilibrationEqualsTheHosts() {
        double diff = EquilibrationCheck.maxRelativeDifference(Gpu.require(), 40, 300, 7, true);
        System.out.println("device equilibration vs host: largest relative difference " + diff);
        assertTrue(diff <= 1e-15, "device equilibration vs host: " + diff);
    }

    @Test
    void fusedRunsEqualTheGraphPath() {
        // The fused kernel does the separate kernels' arithmetic row by row; on a GPU the compiler may
        // contract multiply-adds differently in the two, so agreement is to roundoff, not bits.
        BatchConeProgram batch = RandomQps.batch(20, 40, 70, false, 506); // within FusedIterations.MAX_ROWS
        CudaBackend gpu = gpuBackend(0);
        BatchSolution fused = gpu.solve(batch, TIGHT, null, null);
        System.setProperty(FusedIterations.PROPERTY, "false");
        BatchSolution graphs;
        try {
            graphs = gpu.solve(batch, TIGHT, null, null);
        } finally {
            System.clearProperty(FusedIterations.PROPERTY);
        }
        EmulatedSolveTest.assertSameSolutions(graphs, fused, 1e-8);
        EmulatedSolveTest.assertSameSolutions(Backends.cpu().solve(batch, TIGHT, null, null), fused, 1e-6);
    }

    @Test
    void graphReplayEqualsLaunchingOneByOne() {
        BatchConeProgram batch = RandomQps.batch(20, 40, 70, false, 505);
        CudaBackend gpu = gpuBackend(0);
        // The graph path (per-lane QPs otherwise run fused).
        System.setProperty(FusedIterations.PROPERTY, "false");
        gpu.device().useGraphs(false);
        BatchSolution eager;
        BatchSolution graphs;
        try {
            eager = gpu.solve(batch, TIGHT, null, null);
            gpu.device().useGraphs(true);
            graphs = gpu.solve(batch, TIGHT, null, null);
        } finally {
            System.clearProperty(FusedIterations.PROPERTY);
        }
        assertTrue(gpu.device().graphsEnabled(), "CUDA graphs failed on this device (see the log)");
        for (int l = 0; l < batch.batch(); l++) {
            assertEquals(eager.iterations(l), graphs.iterations(l), "iterations of instance " + l);
            assertArrayEquals(eager.get(l).x(), graphs.get(l).x(), 0, "x of instance " + l);
            assertArrayEquals(eager.get(l).y(), graphs.get(l).y(), 0, "y of instance " + l);
        }
    }

    @Test
    void sharedQpsMatchTheCpu() {
        BatchConeProgram batch = RandomQps.batch(30, 60, 129, true, 501);
        EmulatedSolveTest.assertSameSolutions(Backends.cpu().solve(batch, TIGHT, null, null),
                gpuBackend(0).solve(batch, TIGHT, null, null), 1e-6);
    }

    @Test
    void conjugateGradientsMatchTheCpu() {
        BatchConeProgram batch = RandomQps.batch(12, 24, 33, false, 502);
        EmulatedSolveTest.assertSameSolutions(Backends.cpu().solve(batch, TIGHT, null, null),
                gpuBackend(0).solve(batch, TIGHT.withLinearSystem(LinearSystemKind.CG), null, null), 1e-5);
    }

    @Test
    void secondOrderConesMatchTheCpu() {
        CudaTestProblems.Planted p = CudaTestProblems.planted(CudaTestProblems.SOC_CONES, 6, 77, 503, false);
        EmulatedSolveTest.assertSameOptimum(p.batch(), Backends.cpu().solve(p.batch(), TIGHT, null, null),
                gpuBackend(0).solve(p.batch(), TIGHT, null, null), 1e-5);
    }

    @Test
    void everyConeFamilyMatchesTheCpuTheEmulatedBackendAndThePlantedOptimum() {
        CudaTestProblems.Planted p = CudaTestProblems.planted(CudaTestProblems.ALL_CONES, 6, 40, 504, false);
        BatchSolution gpu = gpuBackend(0).solve(p.batch(), TIGHT, null, null);
        BatchSolution emu = EmulatedSolveTest.emulated().solve(p.batch(), TIGHT, null, null);
        EmulatedSolveTest.assertSameSolutions(emu, gpu, 1e-5);
        EmulatedSolveTest.assertSameSolutions(Backends.cpu().solve(p.batch(), TIGHT, null, null), gpu, 1e-5);
        for (int b = 0; b < 40; b++) {
            Solution s = gpu.get(b);
            assertEquals(SolverStatus.SOLVED, s.status(), "instance " + b);
            assertEquals(p.optimum()[b], s.objective(), 1e-5 * Math.max(1, Math.abs(p.optimum()[b])));
        }
    }

    @Test
    void chunkedSolveOnTheGpuEqualsOneChunk() {
        BatchConeProgram batch = RandomQps.batch(8, 16, 100, false, 505);
        BatchSolution whole = gpuBackend(0).solve(batch, TIGHT, null, null);
        BatchSolution chunked = gpuBackend(40).solve(batch, TIGHT, null, null);
        for (int b = 0; b < 100; b++) {
            assertArrayEquals(whole.get(b).x(), chunked.get(b).x(), 1e-12, "instance " + b);
        }
    }

    @Test
    void backendSelectionPicksTheGpu() {
        assertEquals("cuda", Backends.auto().name());
        assertEquals("cuda", Backends.cuda().name());
        assertTrue(((CudaBackend) Backends.cuda()).deviceName().length() > 0);
    }

    /** The device interior-point method ({@code cl_ipm_solve}) against the host's, both data paths. */
    @ParameterizedTest
    @ValueSource(ints = {3, 40})
    void theDeviceInteriorPointMethodMatchesTheHost(int lanes) {
        var batch = io.convexlayers.testing.RandomQps.batch(20, 40, lanes, false, 70 + lanes);
        var settings = SolverSettings.defaults().withAlgorithm(io.convexlayers.solver.Algorithm.INTERIOR_POINT);
        var cpu = io.convexlayers.backend.Backends.cpu().solve(batch, settings, null, null);
        var gpu = gpuBackend(0).solve(batch, settings, null, null);
        assertEquals(io.convexlayers.solver.Algorithm.INTERIOR_POINT, gpu.algorithm());
        EmulatedSolveTest.assertSameSolutions(cpu, gpu, 1e-7);
    }
}
