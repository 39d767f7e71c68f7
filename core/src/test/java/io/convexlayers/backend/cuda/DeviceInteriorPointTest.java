// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.solver.ipm.InteriorPointConstants;

import io.convexlayers.backend.Backends;
import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.data.CscMatrix;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.Solution;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import io.convexlayers.io.ProblemReader;
import io.convexlayers.testing.Kkt;
import io.convexlayers.testing.ObjectiveCut;
import io.convexlayers.testing.ProgramBatches;
import io.convexlayers.testing.RandomQps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The device interior-point method ({@link DeviceInteriorPoint}, {@code cl_ipm_solve}) on the emulated
 * device against the host's interior-point method: the same statuses, solutions to the method's accuracy
 * and the same iteration counts (the two differ only in the order of summations), certificates, a
 * non-convex objective, planted optima, shared matrices, the time budget, the host retry, and a block's
 * threads in reverse order giving the same bits.
 */
class DeviceInteriorPointTest {
    private static final SolverSettings IPM = SolverSettings.defaults().withAlgorithm(Algorithm.INTERIOR_POINT);

    @AfterEach
    void restore() {
        IpmKernelTwin.reverseThreads = false;
    }

    private static BatchSolution onDevice(BatchConeProgram batch, SolverSettings settings) {
        return EmulatedSolveTest.emulated().solve(batch, settings, null, null);
    }

    private static void assertMatchesHost(BatchConeProgram batch, SolverSettings settings, double tol) {
        assertMatchesHost(batch, settings, tol, true);
    }

    /** {@code duals}: compare y and s too (not where the dual is not unique: a degenerate LP's vertex). */
    private static void assertMatchesHost(BatchConeProgram batch, SolverSettings settings, double tol, boolean duals) {
        BatchSolution host = Backends.cpu().solve(batch, settings, null, null);
        BatchSolution dev = onDevice(batch, settings);
        assertEquals(Algorithm.INTERIOR_POINT, dev.algorithm());
        for (int b = 0; b < batch.batch(); b++) {
            Solution h = host.get(b);
            Solution d = dev.get(b);
            assertEquals(h.status(), d.status(), "instance " + b);
            assertTrue(Math.abs(h.iterations() - d.iterations()) <= 1,
                    "iterations of instance " + b + ": host " + h.iterations() + ", device " + d.iterations());
            if (h.status() == SolverStatus.SOLVED) {
                assertArrayEquals(h.x(), d.x(), tol * EmulatedSolveTest.scale(h.x()), "x of instance " + b);
                if (duals) {
                    assertArrayEquals(h.y(), d.y(), tol * EmulatedSolveTest.scale(h.y()), "y of instance " + b);
                    assertArrayEquals(h.s(), d.s(), tol * EmulatedSolveTest.scale(h.s()), "s of instance " + b);
                }
                assertEquals(h.objective(), d.objective(), tol * Math.max(1, Math.abs(h.objective())));
                assertTrue(d.primalResidual() <= 1e-9 && d.dualResidual() <= 1e-9, "residuals of instance " + b);
            }
        }
    }

    @Test
    void perInstanceQpsMatchTheHost() {
        assertMatchesHost(RandomQps.batch(12, 20, 6, false, 11), IPM, 1e-7);
    }

    @Test
    void largerChunksPreparedOnTheDeviceMatchTheHost() {
        // More instances than HOST_PREPARED_LANES: equilibration and dense copies on the device.
        assertMatchesHost(RandomQps.batch(11, 18, DeviceInteriorPoint.HOST_PREPARED_LANES + 4, false, 19), IPM, 1e-7);
    }

    @Test
    void sharedMatricesMatchTheHost() {
        assertMatchesHost(RandomQps.batch(10, 16, 5, true, 12), IPM, 1e-7);
    }

    @Test
    void lpsWithEqualitiesReachTheirPlantedOptima() {
        ConeDims cones = ConeDims.builder().zero(3).nonneg(14).build();
        CudaTestProblems.Planted p = CudaTestProblems.planted(cones, 8, 10, 13, false);
        // Planted vertices have more active rows than n: the duals are not unique, the KKT checks below decide.
        assertMatchesHost(p.batch(), IPM, 1e-7, false);
        BatchSolution dev = onDevice(p.batch(), IPM);
        for (int b = 0; b < p.batch().batch(); b++) {
            assertEquals(SolverStatus.SOLVED, dev.status(b));
            assertEquals(p.optimum()[b], dev.get(b).objective(), 1e-8 * Math.max(1, Math.abs(p.optimum()[b])));
            var inst = p.batch().instance(b);
            Solution s = dev.get(b);
            double scale = Math.max(1, EmulatedSolveTest.scale(inst.c()));
            assertTrue(Kkt.dualResidual(inst, s.x(), s.y()) <= 1e-8 * scale, "dual residual " + b);
            assertTrue(Kkt.distanceToDualCone(cones, s.y()) <= 1e-9 * scale, "y in K* " + b);
        }
    }

    @Test
    void certificatesOfInfeasibleAndUnboundedInstances() {
        // x >= 1 and x <= 0 (infeasible); min -x s.t. x >= 0 (unbounded); min x s.t. x >= 1 (solved).
        CscMatrix a = CscMatrix.fromDense("A", new double[][] {{-1}, {1}});
        BatchArray av = BatchArray.perInstance(new double[][] {{-1, 1}, {-1, 1e-30}, {-1, 1e-30}});
        BatchArray b = BatchArray.perInstance(new double[][] {{-1, 0}, {0, 1}, {-1, 1}});
        BatchArray c = BatchArray.perInstance(new double[][] {{0}, {-1}, {1}});
        BatchConeProgram batch = new BatchConeProgram(null, null, a.pattern(), av, b, c,
                ConeDims.builder().nonneg(2).build());
        BatchSolution dev = onDevice(batch, IPM);
        assertEquals(SolverStatus.INFEASIBLE, dev.status(0));
        assertEquals(SolverStatus.UNBOUNDED, dev.status(1));
        assertEquals(SolverStatus.SOLVED, dev.status(2));
        assertArrayEquals(new double[] {1, 1}, dev.get(0).y(), 1e-8);
        assertEquals(1, dev.get(2).x()[0], 1e-9);
        assertMatchesHost(batch, IPM, 1e-7);
    }

    /**
     * KB2 cut 10⁻⁵ below its optimum (infeasible by a hair) beside KB2 cut above it: the device
     * certifies the first as the host does — its step that turns to the certificate jumps the residuals,
     * which the method once took for a lost step (SOLVED_INACCURATE after 15 iterations) — and solves the
     * second to the published optimum.
     */
    @Test
    void anObjectiveCutJustBelowTheOptimumIsCertified() throws Exception {
        ConeProgram lp = ProblemReader.read(java.nio.file.Path.of(getClass().getResource("/problems/netlib/kb2.mps")
                .toURI())).program();
        double optimum = -1749.9001299;
        ConeProgram cut = ObjectiveCut.below(lp, optimum, 1e-5);
        BatchConeProgram batch = ProgramBatches.perInstance(cut, ObjectiveCut.below(lp, optimum, -1e-3));
        BatchSolution dev = onDevice(batch, IPM);
        assertEquals(Algorithm.INTERIOR_POINT, dev.algorithm());
        assertEquals(SolverStatus.INFEASIBLE, dev.status(0));
        double[] y = dev.get(0).certificate();
        assertEquals(-1, Kkt.bTy(cut, y), 1e-6);
        assertTrue(Kkt.normATy(cut, y) <= 1e-6, "Aᵀy ≈ 0: " + Kkt.normATy(cut, y));
        assertTrue(Kkt.distanceToDualCone(cut.cones(), y) <= 1e-9, "y ∈ K*");
        assertEquals(SolverStatus.SOLVED, dev.status(1));
        assertEquals(optimum, dev.objective(1), 1e-8 * Math.abs(optimum));
        BatchSolution host = Backends.cpu().solve(batch, IPM, null, null);
        for (int b = 0; b < 2; b++) {
            assertEquals(host.status(b), dev.status(b), "instance " + b);
            assertTrue(Math.abs(host.iterations(b) - dev.iterations(b)) <= 1, "iterations of instance " + b
                    + ": host " + host.iterations(b) + ", device " + dev.iterations(b));
        }
    }

    @Test
    void aNonConvexObjectiveFailsOnlyItsInstance() {
        double[][] good = {{2, 0}, {0, 1}};
        double[][] bad = {{1, 0}, {0, -1}};
        CscMatrix p = CscMatrix.upperTriangleOf("P", good);
        CscMatrix a = CscMatrix.fromDense("A", new double[][] {{1, 0}, {0, 1}, {-1, -1}});
        BatchArray pv = BatchArray.perInstance(new double[][] {p.values(),
                CscMatrix.upperTriangleOf("P", bad).values()});
        BatchArray av = BatchArray.shared(a.values(), 2);
        BatchArray b = BatchArray.perInstance(new double[][] {{1, 1, 1}, {1, 1, 1}});
        BatchArray c = BatchArray.perInstance(new double[][] {{1, -1}, {1, -1}});
        BatchConeProgram batch = new BatchConeProgram(p.pattern(), pv, a.pattern(), av, b, c,
                ConeDims.builder().nonneg(3).build());
        BatchSolution dev = onDevice(batch, IPM);
        assertEquals(SolverStatus.SOLVED, dev.status(0));
        assertEquals(SolverStatus.FAILED, dev.status(1));
        assertTrue(Double.isNaN(dev.get(1).x()[0]));
        assertMatchesHost(batch, IPM, 1e-7);
    }

    @Test
    void reversedThreadsGiveTheSameBits() {
        BatchConeProgram batch = RandomQps.batch(9, 70, 2, false, 14);
        BatchSolution forward = onDevice(batch, IPM);
        IpmKernelTwin.reverseThreads = true;
        BatchSolution reversed = onDevice(batch, IPM);
        for (int k = 0; k < batch.batch(); k++) {
            assertEquals(forward.get(k).iterations(), reversed.get(k).iterations());
            assertArrayEquals(forward.get(k).x(), reversed.get(k).x(), 0.0);
            assertArrayEquals(forward.get(k).y(), reversed.get(k).y(), 0.0);
        }
    }

    @Test
    void autoTakesSmallQpBatchesToTheDeviceInteriorPointMethod() {
        BatchConeProgram batch = RandomQps.batch(8, 12, 16, false, 15);
        BatchSolution dev = onDevice(batch, SolverSettings.defaults());
        assertEquals(Algorithm.INTERIOR_POINT, dev.algorithm());
        BatchSolution fo = onDevice(batch, SolverSettings.defaults().withAlgorithm(Algorithm.FIRST_ORDER));
        assertEquals(Algorithm.FIRST_ORDER, fo.algorithm());
        for (int k = 0; k < batch.batch(); k++) {
            assertEquals(SolverStatus.SOLVED, dev.status(k));
            assertArrayEquals(dev.get(k).x(), fo.get(k).x(), 1e-3 * EmulatedSolveTest.scale(dev.get(k).x()));
        }
    }

    @Test
    void theFirstOrderMethodRunsWhenThePropertyTurnsTheDeviceMethodOff() {
        BatchConeProgram batch = RandomQps.batch(8, 12, 3, false, 16);
        String old = System.getProperty(DeviceInteriorPoint.PROPERTY);
        System.setProperty(DeviceInteriorPoint.PROPERTY, "false");
        try {
            assertEquals(Algorithm.FIRST_ORDER, onDevice(batch, SolverSettings.defaults()).algorithm());
        } finally {
            if (old == null) {
                System.clearProperty(DeviceInteriorPoint.PROPERTY);
            } else {
                System.setProperty(DeviceInteriorPoint.PROPERTY, old);
            }
        }
    }

    @Test
    void anExhaustedBudgetStopsEveryLaneAtItsFirstCheck() {
        BatchConeProgram batch = RandomQps.batch(8, 12, 3, false, 17);
        double[] prm = io.convexlayers.solver.ipm.InteriorPointConstants.of(IPM, 0);
        assertTrue(prm[InteriorPointConstants.BUDGET_NS] > 0);
        BatchSolution dev = solveWith(batch, prm);
        for (int k = 0; k < batch.batch(); k++) {
            assertEquals(0, dev.get(k).iterations());
            assertFalse(dev.status(k) == SolverStatus.SOLVED, "instance " + k);
        }
    }

    @Test
    void lanesTheReducedSystemCannotSolveAreSolvedOnTheHost() {
        BatchConeProgram batch = RandomQps.batch(8, 12, 3, false, 18);
        double[] prm = io.convexlayers.solver.ipm.InteriorPointConstants.of(IPM, Double.POSITIVE_INFINITY);
        prm[InteriorPointConstants.FALLBACK_TOL] = -1; // every refined solve "fails"
        int[] info = runKernel(batch, prm, BatchSolution.builder(batch.batch(), batch.n(), batch.m()));
        for (int k = 0; k < batch.batch(); k++) {
            assertEquals(DeviceInteriorPoint.RETRY, info[DeviceInteriorPoint.INFO_WIDTH * k]);
        }
        // The host's retries solve one instance at a time: compared with the host's same method.
        boolean tiles = Backends.cpuIpmTiles(false);
        BatchSolution host;
        try {
            host = Backends.cpu().solve(batch, IPM, null, null);
        } finally {
            Backends.cpuIpmTiles(tiles);
        }
        BatchSolution dev = solveWith(batch, prm);
        for (int k = 0; k < batch.batch(); k++) {
            assertEquals(host.get(k).iterations(), dev.get(k).iterations());
            assertArrayEquals(host.get(k).x(), dev.get(k).x(), 0.0);
        }
    }

    @Test
    void equalityOnlyAndOneVariableProgramsMatchTheHost() {
        // min x'Px/2 + c'x s.t. Ax = b (no inequality row: no panel, no cone step), and min x s.t. x >= 1.
        double[][] pd = {{2, 0.5, 0}, {0.5, 1, 0}, {0, 0, 3}};
        CscMatrix p = CscMatrix.upperTriangleOf("P", pd);
        CscMatrix a = CscMatrix.fromDense("A", new double[][] {{1, 1, 1}, {1, -1, 0}});
        BatchConeProgram eq = new BatchConeProgram(p.pattern(), BatchArray.shared(p.values(), 2), a.pattern(),
                BatchArray.shared(a.values(), 2), BatchArray.perInstance(new double[][] {{1, 0}, {2, 1}}),
                BatchArray.perInstance(new double[][] {{1, 0, -1}, {0, 0, 0}}), ConeDims.builder().zero(2).build());
        assertMatchesHost(eq, IPM, 1e-7);
        BatchSolution dev = onDevice(eq, IPM);
        for (int k = 0; k < 2; k++) {
            var inst = eq.instance(k);
            assertEquals(SolverStatus.SOLVED, dev.status(k));
            assertTrue(Kkt.dualResidual(inst, dev.get(k).x(), dev.get(k).y()) <= 1e-9, "instance " + k);
        }
        CscMatrix one = CscMatrix.fromDense("A", new double[][] {{-1}});
        BatchConeProgram lp = new BatchConeProgram(null, null, one.pattern(), BatchArray.shared(one.values(), 1),
                BatchArray.perInstance(new double[][] {{-1}}), BatchArray.perInstance(new double[][] {{1}}),
                ConeDims.builder().nonneg(1).build());
        assertMatchesHost(lp, IPM, 1e-7);
        assertEquals(1, onDevice(lp, IPM).get(0).x()[0], 1e-9);
    }

    /** One chunk of the whole batch through {@link DeviceInteriorPoint} with the parameter array {@code prm}. */
    private static int[] runKernel(BatchConeProgram batch, double[] prm, BatchSolution.Builder out) {
        BufferPool pool = new BufferPool(new EmulatedDevice(1L << 30));
        HostChunkSource src = new HostChunkSource(batch);
        src.open(pool);
        try {
            return DeviceInteriorPoint.solveChunk(pool, src, 0, batch.batch(), IPM, prm,
                    io.convexlayers.solver.hsde.Deadline.NONE, out);
        } finally {
            src.close();
        }
    }

    private static BatchSolution solveWith(BatchConeProgram batch, double[] prm) {
        BatchSolution.Builder out = BatchSolution.builder(batch.batch(), batch.n(), batch.m());
        out.algorithm(Algorithm.INTERIOR_POINT);
        runKernel(batch, prm, out);
        return out.build();
    }
}
