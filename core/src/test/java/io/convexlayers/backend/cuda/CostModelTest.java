// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.solver.BatchSolution;
import io.convexlayers.testing.RandomQps;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cost model: the ledger's counts on launches small enough to check by hand, the model's
 * arithmetic, and a small solve whose counts must match what the architecture promises (per-iteration
 * work never reads back; the launches per iteration the code implies). Prints the report's table for
 * that solve, so CI shows the model.
 */
class CostModelTest {
    private static final double US = 1e-6;

    @Test
    void countsFillTransfersAndCopiesExactly() {
        try (EmulatedDevice dev = new EmulatedDevice(1L << 20)) {
            DeviceBuffer a = dev.allocDoubles(10);
            DeviceBuffer b = dev.allocDoubles(10);
            DeviceBuffer ints = dev.allocInts(3);
            CostLedger ledger = new CostLedger();
            dev.record(ledger);
            dev.launch(CudaKernel.FILL, 10, 10, a, 1.5);
            dev.download(a.ptr(), new double[5], 0, 5);
            dev.download(a.ptr(), new double[5], 0, 0); // skipped by a device, so not counted
            dev.upload(new int[] {1, 2, 3}, 0, ints.ptr(), 3);
            dev.copy(a.ptr(), b.ptr(), 4);
            dev.synchronize();
            dev.record(null);
            dev.launch(CudaKernel.FILL, 10, 10, a, 2.0); // not recorded

            assertEquals(1, ledger.launches());
            assertEquals(1, ledger.launches(CudaKernel.FILL));
            assertEquals(80, ledger.kernelBytes());
            CostLedger.Group g = ledger.groups().get(0);
            assertEquals(0, g.bytesRead);
            assertEquals(80, g.bytesWritten);
            assertEquals(0, ledger.flops());
            assertEquals(1, ledger.downloads());
            assertEquals(40, ledger.downloadBytes());
            assertEquals(1, ledger.uploads());
            assertEquals(12, ledger.uploadBytes());
            assertEquals(1, ledger.copies());
            assertEquals(32, ledger.copyBytes());
            assertEquals(1, ledger.synchronizations());
            assertEquals(3, ledger.hostWaits());
            assertEquals(0, ledger.uncostedLaunches());

            // 2 operations × 16 µs + 3 waits × 15 µs + the FILL's 2 µs minimum + 52 B / 2.4 GB/s
            // + 64 B / 4.8 TB/s.
            H200CostModel.Prediction p = H200CostModel.predict(ledger);
            assertEquals(2, p.operations());
            assertEquals(32 * US, p.launch(), 1e-15);
            assertEquals(45 * US, p.hostWaits(), 1e-15);
            assertEquals(52 / 2.4e9, p.transfers(), 1e-18);
            assertEquals(2 * US + 64 / 4.8e12, p.kernels(), 1e-18);
            assertEquals(79 * US + 52 / 2.4e9 + 64 / 4.8e12, p.total(), 1e-15);
        }
    }

    @Test
    void countsGatherProductAndTriangularSolveByHand() {
        try (EmulatedDevice dev = new EmulatedDevice(1L << 20)) {
            // [[1, 2], [0, 3]] as CSR with values per lane, two lanes.
            DeviceBuffer rowStart = upload(dev, new int[] {0, 2, 3});
            DeviceBuffer col = upload(dev, new int[] {0, 1, 1});
            DeviceBuffer valIdx = upload(dev, new int[] {0, 1, 2});
            DeviceBuffer vals = dev.allocDoubles(6);
            dev.upload(new double[] {1, 1, 2, 2, 3, 3}, 0, vals.ptr(), 6);
            DeviceBuffer x = dev.allocDoubles(4);
            dev.upload(new double[] {1, 10, 1, 10}, 0, x.ptr(), 4);
            DeviceBuffer out = dev.allocDoubles(4);
            DeviceBuffer active = upload(dev, new int[] {1, 1});
            CostLedger ledger = new CostLedger();
            dev.record(ledger);
            dev.launch(CudaKernel.CSR_MV, 4, 4, 2, rowStart, col, valIdx, vals, 0, x, out, 0, active);
            CostLedger.Group g = ledger.groups().get(0);
            // rowStart 3 ints, colIdx + valIdx 3 ints each (once per launch), 3 values and 3 x per lane,
            // and every item's lane flag.
            assertEquals(4 * 3 + 2 * 4 * 3 + 8 * 3 * 2 + 8 * 3 * 2 + 4 * 4, g.bytesRead);
            assertEquals(8 * 4, g.bytesWritten);
            assertEquals(2 * 3 * 2, g.flops);
            double[] y = new double[4];
            dev.download(out.ptr(), y, 0, 4);
            assertArrayEquals(new double[] {3, 30, 3, 30}, y);
            // A retired lane reads nothing and gets 0.
            DeviceBuffer oneLive = upload(dev, new int[] {1, 0});
            dev.launch(CudaKernel.CSR_MV, 4, 4, 2, rowStart, col, valIdx, vals, 0, x, out, 0, oneLive);
            dev.download(out.ptr(), y, 0, 4);
            assertArrayEquals(new double[] {3, 0, 3, 0}, y);

            // Cholesky solve of order 2, one lane: forward 2 + 4 loads, back 2 + 4, 2 + 2 stores, 8 flops.
            DeviceBuffer factor = dev.allocDoubles(3);
            dev.upload(new double[] {2, 1, 3}, 0, factor.ptr(), 3);
            DeviceBuffer v = dev.allocDoubles(2);
            dev.upload(new double[] {1, 1}, 0, v.ptr(), 2);
            CostLedger chol = new CostLedger();
            dev.record(chol);
            dev.launch(CudaKernel.DENSE_CHOL_SOLVE, 1, 1, 2, factor, v);
            CostLedger.Group c = chol.groups().get(0);
            assertEquals(12 * 8, c.bytesRead);
            assertEquals(4 * 8, c.bytesWritten);
            assertEquals(8, c.flops);
        }
    }

    @Test
    void rooflineTakesTheLargestBound() {
        // Bandwidth-bound: 4.8 GB over a million items = 1 ms (threads: 4 waves × 600 loads × 60 ns = 144 µs).
        assertEquals(1e-3, H200CostModel.groupSeconds(1, 1e6, 4.8e9, 0), 1e-12);
        // Thread-bound: 1024 items of 1000 loads each: 60 µs, against 1.7 µs of bandwidth.
        assertEquals(60 * US, H200CostModel.groupSeconds(1, 1024, 1024 * 8000.0, 0), 1e-12);
        // Flop-bound at full occupancy: 34 GFLOP = 1 ms.
        assertEquals(1e-3, H200CostModel.groupSeconds(1, 270336 * 4.0, 0, 34e9), 1e-12);
        // Ten tiny launches: ten minimum kernel times.
        assertEquals(20 * US, H200CostModel.groupSeconds(10, 32, 2560, 0), 1e-12);
        // Scaling a ledger by lanes scales bytes and items, not launches.
        CostLedger l = new CostLedger();
        try (EmulatedDevice dev = new EmulatedDevice(1L << 20)) {
            DeviceBuffer a = dev.allocDoubles(10);
            dev.record(l);
            dev.download(a.ptr(), new double[10], 0, 10);
        }
        assertEquals(800 / 2.4e9, H200CostModel.predict(l, 10).transfers(), 1e-18);
        assertEquals(0, H200CostModel.predict(l, 10).operations());
        // A double upload of 1 MB or more goes through the page-locked staging buffer: its own rate.
        CostLedger up = new CostLedger();
        try (EmulatedDevice dev = new EmulatedDevice(1L << 24)) {
            DeviceBuffer big = dev.allocDoubles(1 << 17);
            dev.record(up);
            dev.upload(new double[1 << 17], 0, big.ptr(), 1 << 17);
            dev.upload(new double[1000], 0, big.ptr(), 1000);
        }
        assertEquals(8L << 17, up.stagedUploadBytes());
        assertEquals((8 << 17) / H200CostModel.STAGED_BYTES_PER_SECOND + 8000 / 2.4e9,
                H200CostModel.predict(up).transfers(), 1e-15);
    }

    @Test
    void smallSolveCountsMatchTheGraphPath() {
        // The graph path (what SOC/PSD/exp/power cones, shared matrices and CG chunks run; here forced).
        System.setProperty(FusedIterations.PROPERTY, "false");
        try {
            graphPathCounts();
        } finally {
            System.clearProperty(FusedIterations.PROPERTY);
        }
    }

    private static void graphPathCounts() {
        CostModelReport.Workload w = new CostModelReport.Workload("4 QPs n=10 m=20 (CI)", 4, 4,
                b -> RandomQps.batch(10, 20, b, false, 5), 2e-3, "(CI check)", "");
        CostModelReport.Row r = CostModelReport.run(w);
        CostLedger l = r.ledger();
        int iters = r.maxIterations();
        assertEquals(4, r.solved());
        assertEquals(0, l.uncostedLaunches());
        // One linear step per iteration of the batch; after the first, the tail of every iteration is one
        // kernel (QPs have only zero and nonnegative cones), with the relaxation separate at the first
        // iteration and at checks (the dual iterate needs v before it).
        assertEquals(iters, l.launches(CudaKernel.HSDE_RHS));
        int checks = (iters + 9) / 10;
        assertEquals(iters - 1, l.launches(CudaKernel.HSDE_POLYHEDRAL_TAIL));
        assertEquals(checks + 1, l.launches(CudaKernel.HSDE_RELAX));
        int blocks = (iters - 1) / 20;
        assertEquals(checks, l.launches(CudaKernel.HSDE_RESIDUALS));
        assertEquals(blocks, l.launches(CudaKernel.LANE_DIFF_NORM));
        // Per-iteration work never reads back: downloads are the residual checks, one fixed-point residual
        // per Anderson block, and u and rsk for checks that finish lanes (at least one, at most every check).
        assertTrue(l.downloads() >= checks + blocks + 2, "downloads " + l.downloads());
        assertTrue(l.downloads() <= 3L * checks + blocks + 2, "downloads " + l.downloads());
        // 9 launches per plain iteration (normalize 1, right-hand side 1, KKT solve 5, tau 1, tail 1), plus
        // checks (dual step, relaxation, 3 products, residuals), Anderson blocks and refactorizations.
        double perIteration = (double) l.launches() / iters;
        assertTrue(perIteration >= 9 && perIteration <= 12, "launches per iteration " + perIteration);
        // Between checks a whole iteration is one graph launch; the rest launch one by one.
        assertTrue(l.graphLaunches() >= iters * 8 / 10 - 1, "graph launches " + l.graphLaunches());
        assertTrue(l.graphNodes() >= 9 * (iters * 8 / 10 - 1), "graph nodes " + l.graphNodes());
        assertTrue(r.prediction().total() > 0);
        CostModelReport.table(java.util.List.of(r)).forEach(System.out::println);
        CostModelReport.breakdown(java.util.List.of(r)).forEach(System.out::println);
    }

    @Test
    void smallSolveCountsWithFusedRuns() {
        CostModelReport.Workload w = new CostModelReport.Workload("4 QPs n=10 m=20 fused (CI)", 4, 4,
                b -> RandomQps.batch(10, 20, b, false, 5), 2e-3, "(CI check)", "");
        CostModelReport.Row r = CostModelReport.run(w);
        CostLedger l = r.ledger();
        int iters = r.maxIterations();
        assertEquals(4, r.solved());
        assertEquals(0, l.uncostedLaunches());
        int checks = iters / 10;
        int blocks = (iters - 1) / 20;
        // The first (τ-fixing) iteration runs kernel by kernel; every run from there to a check, the check's
        // residual statistics included, is one fused launch.
        assertEquals(checks, l.launches(CudaKernel.HSDE_FUSED));
        assertEquals(1, l.launches(CudaKernel.HSDE_RHS));
        assertEquals(0, l.launches(CudaKernel.HSDE_POLYHEDRAL_TAIL));
        assertEquals(0, l.launches(CudaKernel.HSDE_RESIDUALS));
        assertEquals(blocks, l.launches(CudaKernel.LANE_DIFF_NORM));
        assertTrue(l.downloads() >= checks + blocks + 2, "downloads " + l.downloads());
        assertTrue(l.downloads() <= 3L * checks + blocks + 2, "downloads " + l.downloads());
        // Launches per iteration after setup: 9-12 on the graph path; here 0.1 for the fused runs, 0.3 for the
        // Anderson blocks (six kernels per 20 iterations) and a few for the first iteration and refactorizations.
        long setup = l.launches(CudaKernel.EQ_COL_NORMS) + l.launches(CudaKernel.EQ_ROW_NORMS)
                + l.launches(CudaKernel.EQ_FACTORS) + l.launches(CudaKernel.EQ_APPLY);
        double perIteration = (double) (l.launches() - setup) / iters;
        assertTrue(perIteration <= 0.75, "launches per iteration " + perIteration);
        // The fused kernel states its critical path, so the prediction has a kernel-time term for it.
        assertTrue(r.prediction().perKernel().get(CudaKernel.HSDE_FUSED) > 0);
        CostModelReport.table(java.util.List.of(r)).forEach(System.out::println);
        CostModelReport.breakdown(java.util.List.of(r)).forEach(System.out::println);
    }

    @Test
    void recordingDoesNotChangeTheSolution() {
        var batch = RandomQps.batch(8, 16, 3, false, 9);
        BatchSolution plain = new CudaBackend(new EmulatedDevice(1L << 30), 0)
                .solve(batch, CostModelReport.SETTINGS, null, null);
        CudaBackend recorded = new CudaBackend(new EmulatedDevice(1L << 30), 0);
        recorded.device().record(new CostLedger());
        BatchSolution counted = recorded.solve(batch, CostModelReport.SETTINGS, null, null);
        for (int b = 0; b < 3; b++) {
            assertArrayEquals(plain.get(b).x(), counted.get(b).x(), 0.0);
            assertEquals(plain.iterations(b), counted.iterations(b));
        }
    }

    private static DeviceBuffer upload(EmulatedDevice dev, int[] host) {
        DeviceBuffer b = dev.allocInts(host.length);
        dev.upload(host, 0, b.ptr(), host.length);
        return b;
    }
}
