// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.backend.Backends;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.data.CscMatrix;
import io.convexlayers.solver.LinearSystemKind;
import io.convexlayers.solver.Solution;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.WarmStart;
import io.convexlayers.testing.RandomQps;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whole solves by {@link CudaBackend} on the emulated device (the same {@code HsdeIteration} over
 * {@link CudaHsdeKernels}) against the CPU backend: statuses, solutions and objectives agree to
 * solver tolerance, chunking changes nothing, warm starts work, certificates come out.
 */
class EmulatedSolveTest {
    static final SolverSettings TIGHT = SolverSettings.defaults().withEps(1e-8).withAlgorithm(io.convexlayers.solver.Algorithm.FIRST_ORDER);

    static CudaBackend emulated() {
        return new CudaBackend(new EmulatedDevice(1L << 31), 0);
    }

    static void assertSameSolutions(BatchSolution want, BatchSolution got, double tol) {
        assertEquals(want.batch(), got.batch());
        for (int b = 0; b < want.batch(); b++) {
            Solution w = want.get(b);
            Solution g = got.get(b);
            assertEquals(w.status(), g.status(), "instance " + b);
            if (w.status() == SolverStatus.SOLVED) {
                // Relative to the vector's size: two correct solvers at eps 1e-8 differ by roundoff
                // amplified through the iteration (the shared path's inverse against the CPU's Cholesky).
                assertArrayEquals(w.x(), g.x(), tol * scale(w.x()), "x of instance " + b);
                assertArrayEquals(w.y(), g.y(), tol * scale(w.y()), "y of instance " + b);
                assertArrayEquals(w.s(), g.s(), tol * scale(w.s()), "s of instance " + b);
                assertEquals(w.objective(), g.objective(), tol * Math.max(1, Math.abs(w.objective())));
            }
        }
    }

    /**
     * Same status, x and objective as {@code want}, and a (y, s) pair that certifies optimality on its
     * own (dual residual, complementarity, y ∈ K*, s ∈ K), for batches where the dual need not be unique
     * or is ill-determined: instance 35 of the SOC batch in CudaGpuTest needs 60 000 iterations at eps
     * 1e-8 and its y differs by 1e-2 between two correct solvers whose x agree to 5e-6.
     */
    static void assertSameOptimum(BatchConeProgram batch, BatchSolution want, BatchSolution got, double tol) {
        for (int b = 0; b < want.batch(); b++) {
            Solution w = want.get(b);
            Solution g = got.get(b);
            assertEquals(w.status(), g.status(), "instance " + b);
            if (w.status() != SolverStatus.SOLVED) {
                continue;
            }
            assertArrayEquals(w.x(), g.x(), tol * scale(w.x()), "x of instance " + b);
            assertEquals(w.objective(), g.objective(), tol * Math.max(1, Math.abs(w.objective())), "objective " + b);
            io.convexlayers.data.ConeProgram p = batch.instance(b);
            double ys = Math.max(scale(g.y()), scale(p.c()));
            assertTrue(io.convexlayers.testing.Kkt.dualResidual(p, g.x(), g.y()) <= tol * ys, "dual residual " + b);
            assertTrue(io.convexlayers.testing.Kkt.complementarity(g.s(), g.y()) <= tol * ys * scale(g.s()),
                    "complementarity " + b);
            assertTrue(io.convexlayers.testing.Kkt.distanceToDualCone(batch.cones(), g.y()) <= tol * ys, "y in K* " + b);
            assertTrue(io.convexlayers.testing.Kkt.distanceToCone(batch.cones(), g.s()) <= tol * scale(g.s()),
                    "s in K " + b);
        }
    }

    /** max(1, ‖v‖∞): the scale an absolute tolerance is relative to. */
    static double scale(double[] v) {
        double m = 1;
        for (double e : v) {
            m = Math.max(m, Math.abs(e));
        }
        return m;
    }

    @Test
    void perInstanceQpsMatchTheCpu() {
        BatchConeProgram batch = RandomQps.batch(8, 16, 6, false, 21);
        BatchSolution cpu = Backends.cpu().solve(batch, TIGHT, null, null);
        BatchSolution gpu = emulated().solve(batch, TIGHT, null, null);
        assertSameSolutions(cpu, gpu, 1e-6);
    }

    /**
     * Planted LPs, which AUTO anchors ({@link io.convexlayers.solver.Acceleration#HALPERN}): the device's
     * anchoring step (normalization, then one per-lane axpby) and restarts (a masked copy) follow the
     * CPU's iterations, and each lane reaches its planted optimum.
     */
    @Test
    void anchoredLpsMatchTheCpuAndThePlantedOptimum() {
        io.convexlayers.testing.PlantedLps.Batch planted = io.convexlayers.testing.PlantedLps.batch(9, 2, 20, 6, 31);
        BatchSolution cpu = Backends.cpu().solve(planted.program(), TIGHT, null, null);
        BatchSolution gpu = emulated().solve(planted.program(), TIGHT, null, null);
        assertSameOptimum(planted.program(), cpu, gpu, 1e-6);
        SolverSettings anderson = TIGHT.withAcceleration(io.convexlayers.solver.Acceleration.ANDERSON);
        BatchSolution cpuAnderson = Backends.cpu().solve(planted.program(), anderson, null, null);
        int differ = 0;
        for (int b = 0; b < 6; b++) {
            // The device's dense inverse rounds differently from the CPU's factorization: a check or two apart.
            assertEquals(cpu.get(b).iterations(), gpu.get(b).iterations(), 0.1 * cpu.get(b).iterations() + 10,
                    "instance " + b);
            differ += cpu.get(b).iterations() != cpuAnderson.get(b).iterations() ? 1 : 0;
            assertEquals(planted.optimum()[b], gpu.get(b).objective(), 1e-6 * Math.max(1, Math.abs(planted.optimum()[b])));
        }
        assertTrue(differ > 0, "the anchored iteration is not Anderson's");
    }

    @Test
    void sharedMatricesUseOneInverseAndMatchTheCpu() {
        BatchConeProgram batch = RandomQps.batch(10, 20, 5, true, 22);
        assertEquals(LinearSystemKind.SHARED, CudaBackend.deviceKind(batch, TIGHT));
        assertSameSolutions(Backends.cpu().solve(batch, TIGHT, null, null), emulated().solve(batch, TIGHT, null, null),
                1e-6);
    }

    @Test
    void conjugateGradientsMatchTheCpu() {
        BatchConeProgram batch = RandomQps.batch(8, 16, 4, false, 23);
        SolverSettings cg = TIGHT.withLinearSystem(LinearSystemKind.CG);
        assertSameSolutions(Backends.cpu().solve(batch, TIGHT, null, null), emulated().solve(batch, cg, null, null),
                1e-5);
    }

    @Test
    void secondOrderConesMatchTheCpuAndThePlantedOptimum() {
        CudaTestProblems.Planted p = CudaTestProblems.planted(CudaTestProblems.SOC_CONES, 5, 7, 24, false);
        BatchSolution cpu = Backends.cpu().solve(p.batch(), TIGHT, null, null);
        BatchSolution gpu = emulated().solve(p.batch(), TIGHT, null, null);
        assertSameSolutions(cpu, gpu, 1e-5);
        for (int b = 0; b < 7; b++) {
            assertEquals(p.optimum()[b], gpu.get(b).objective(), 1e-5 * Math.max(1, Math.abs(p.optimum()[b])));
        }
    }

    @Test
    void everyConeFamilyReachesThePlantedOptimum() {
        ConeDims cones = CudaTestProblems.ALL_CONES;
        CudaTestProblems.Planted p = CudaTestProblems.planted(cones, 6, 5, 25, false);
        BatchSolution gpu = emulated().solve(p.batch(), TIGHT, null, null);
        assertSameSolutions(Backends.cpu().solve(p.batch(), TIGHT, null, null), gpu, 1e-5);
        for (int b = 0; b < 5; b++) {
            Solution s = gpu.get(b);
            assertEquals(SolverStatus.SOLVED, s.status(), "instance " + b);
            assertEquals(p.optimum()[b], s.objective(), 1e-5 * Math.max(1, Math.abs(p.optimum()[b])), "instance " + b);
            double[] ps = CudaTestProblems.projectPrimal(cones, s.s());
            double[] py = CudaTestProblems.projectDual(cones, s.y());
            assertArrayEquals(s.s(), ps, 1e-6, "s in K, instance " + b);
            assertArrayEquals(s.y(), py, 1e-6, "y in K*, instance " + b);
        }
    }

    @Test
    void chunkedSolveEqualsOneChunk() {
        BatchConeProgram batch = RandomQps.batch(6, 12, 8, false, 26);
        ChunkPlanner.Footprint fp = CudaBackend.footprint(batch, TIGHT);
        long memory = (long) ((fp.sharedBytes() + 3.5 * fp.perLaneBytes()) / ChunkPlanner.USABLE_FRACTION);
        ChunkPlanner.Plan plan = ChunkPlanner.plan(8, fp, memory, 0);
        assertEquals(3, plan.chunks());
        BatchSolution small = new CudaBackend(new EmulatedDevice(memory), 0).solve(batch, TIGHT, null, null);
        BatchSolution whole = emulated().solve(batch, TIGHT, null, null);
        for (int b = 0; b < 8; b++) {
            assertArrayEquals(whole.get(b).x(), small.get(b).x(), 0, "instance " + b);
            assertEquals(whole.get(b).iterations(), small.get(b).iterations());
        }
        BatchSolution capped = new CudaBackend(new EmulatedDevice(1L << 31), 3).solve(batch, TIGHT, null, null);
        for (int b = 0; b < 8; b++) {
            assertArrayEquals(whole.get(b).x(), capped.get(b).x(), 0, "instance " + b);
        }
        // every chunk writes its lanes straight into their instances' columns of the batch-minor result
        assertArrayEquals(whole.x().rawData(), capped.x().rawData(), 0);
        assertArrayEquals(whole.s().rawData(), capped.s().rawData(), 0);
        // the setup's host threads change nothing (equilibration is per lane)
        BatchSolution oneThread = emulated().solve(batch, TIGHT, ExecutionSettings.defaults().withThreads(1), null,
                null);
        assertArrayEquals(whole.y().rawData(), oneThread.y().rawData(), 0);
    }

    @Test
    void buffersAreReusedAcrossSolvesOfTheSameSize() {
        BatchConeProgram batch = RandomQps.batch(5, 9, 4, false, 27);
        EmulatedDevice dev = new EmulatedDevice(1L << 31);
        CudaBackend backend = new CudaBackend(dev, 0);
        backend.solve(batch, TIGHT, null, null);
        long used = dev.usedBytes();
        assertTrue(used > 0);
        backend.solve(batch, TIGHT, null, null);
        assertEquals(used, dev.usedBytes(), "a second solve of the same size allocates nothing new");
    }

    @Test
    void warmStartFromTheSolutionStopsAtTheFirstCheck() {
        BatchConeProgram batch = RandomQps.batch(6, 12, 3, false, 28);
        CudaBackend backend = emulated();
        BatchSolution cold = backend.solve(batch, TIGHT, null, null);
        BatchSolution warm = backend.solve(batch, TIGHT, WarmStart.from(cold), null);
        BatchSolution cpuWarm = Backends.cpu().solve(batch, TIGHT, WarmStart.from(cold), null);
        for (int b = 0; b < 3; b++) {
            assertEquals(SolverStatus.SOLVED, warm.get(b).status());
            assertTrue(warm.get(b).iterations() < cold.get(b).iterations(), "instance " + b);
            assertEquals(cpuWarm.get(b).iterations(), warm.get(b).iterations(), "instance " + b);
        }
    }

    @Test
    void infeasibleAndUnboundedInstancesGetCertificates() {
        // x >= 1 and x <= 0 (infeasible); min -x s.t. x >= 0 (unbounded), as one batch over a shared pattern.
        CscMatrix a = CscMatrix.fromDense("A", new double[][] {{-1}, {1}});
        BatchArray av = BatchArray.perInstance(new double[][] {{-1, 1}, {-1, 1e-30}});
        BatchArray b = BatchArray.perInstance(new double[][] {{-1, 0}, {0, 1}});
        BatchArray c = BatchArray.perInstance(new double[][] {{0}, {-1}});
        BatchConeProgram batch = new BatchConeProgram(null, null, a.pattern(), av, b, c,
                ConeDims.builder().nonneg(2).build());
        BatchSolution cpu = Backends.cpu().solve(batch, SolverSettings.defaults().withAlgorithm(io.convexlayers.solver.Algorithm.FIRST_ORDER), null, null);
        BatchSolution gpu = emulated().solve(batch, SolverSettings.defaults(), null, null);
        assertEquals(SolverStatus.INFEASIBLE, gpu.status(0));
        assertEquals(SolverStatus.UNBOUNDED, gpu.status(1));
        assertEquals(cpu.status(0), gpu.status(0));
        assertEquals(cpu.status(1), gpu.status(1));
        assertArrayEquals(cpu.get(0).y(), gpu.get(0).y(), 1e-6);
    }
}
