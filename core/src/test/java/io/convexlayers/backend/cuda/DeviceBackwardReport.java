// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.diff.DerivativeMode;
import io.convexlayers.diff.DerivativeSettings;
import io.convexlayers.diff.LsqrSettings;
import io.convexlayers.diff.kernels.KernelVjp;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.testing.RandomQps;

import java.util.Locale;
import java.util.Random;

/**
 * What one device backward (LSQR mode) costs, counted on the {@link EmulatedDevice} with a
 * {@link CostLedger}: launches, device copies, host waits and host↔device bytes, per LSQR iteration
 * and in all, and the {@link H200CostModel}'s <b>predicted</b> H200 time (per-lane quantities scaled
 * from the emulated batch to the stated one). The forward solve is the emulated device's.
 *
 * <p>Usage: {@code DeviceBackwardReport [n m emulatedLanes lanes]} (default 100 200 8 1024: the
 * issue's 1024 QPs with per-instance matrices).
 */
public final class DeviceBackwardReport {
    private DeviceBackwardReport() {
    }

    /** The ledger of one device VJP of {@code batch} at {@code sol} with at most {@code maxIters} LSQR steps. */
    static CostLedger ledger(CudaBackend cuda, BatchConeProgram batch, BatchSolution sol, int maxIters,
                             KernelVjp.Result[] out) {
        DerivativeSettings s = DerivativeSettings.defaults().withMode(DerivativeMode.LSQR)
                .withLsqr(LsqrSettings.defaults().withTolerance(1e-8).withMaxIters(maxIters));
        double[] dx = new double[batch.n() * batch.batch()];
        Random rnd = new Random(1);
        for (int i = 0; i < dx.length; i++) {
            dx[i] = rnd.nextGaussian();
        }
        CostLedger ledger = new CostLedger();
        cuda.device().record(ledger);
        try {
            out[0] = CudaDerivatives.vjp(cuda, batch, sol,
                    CudaDerivativeKernelsTest.identity(CudaDerivativeKernelsTest.rows(batch)), s, dx, null);
        } finally {
            cuda.device().record(null);
        }
        return ledger;
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int m = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int run = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int lanes = args.length > 3 ? Integer.parseInt(args[3]) : 1024;
        BatchConeProgram batch = RandomQps.batch(n, m, run, false, 7);
        CudaBackend cuda = new CudaBackend(new EmulatedDevice(1L << 32), 0);
        BatchSolution sol = cuda.solve(batch, SolverSettings.defaults().withEps(1e-6), null, null);
        KernelVjp.Result[] res = new KernelVjp.Result[1];
        CostLedger a = ledger(cuda, batch, sol, 10, res);
        CostLedger b = ledger(cuda, batch, sol, 20, res);
        long t0 = System.nanoTime();
        CostLedger full = ledger(cuda, batch, sol, 0, res);
        double emulated = (System.nanoTime() - t0) * 1e-9;
        int maxIt = 0;
        for (var info : res[0].info()) {
            maxIt = Math.max(maxIt, info.iterations());
        }
        // Two LSQR solves (the VJP, the forward-error step) run per iteration limit.
        double per = 20.0;
        System.out.printf(Locale.ROOT, "device backward, QP n=%d m=%d, per-instance matrices, %d lanes emulated for %d"
                + " (LSQR tol 1e-8)%n", n, m, run, lanes);
        System.out.printf(Locale.ROOT, "per LSQR iteration: %.1f launches, %.1f device copies (%.1f operations replayed in"
                + " %.1f graph launches), %.1f host waits, %.0f bytes up, %.0f bytes down per lane%n",
                (b.launches() - a.launches()) / per, (b.copies() - a.copies()) / per,
                (b.graphNodes() - a.graphNodes()) / per, (b.graphLaunches() - a.graphLaunches()) / per,
                (b.hostWaits() - a.hostWaits()) / per, (b.uploadBytes() - a.uploadBytes()) / per / run,
                (b.downloadBytes() - a.downloadBytes()) / per / run);
        H200CostModel.Prediction p = H200CostModel.predict(full, (double) lanes / run);
        System.out.printf(Locale.ROOT, "whole backward: slowest lane %d iterations; %d launches, %d copies, %d host"
                + " waits; up %d B, down %d B (emulated lanes)%n", maxIt, full.launches(), full.copies(),
                full.hostWaits(), full.uploadBytes(), full.downloadBytes());
        System.out.printf(Locale.ROOT, "PREDICTED H200 (B=%d): %.2f ms = launch %.2f + host waits %.2f + transfers %.2f"
                + " + kernels %.2f; dominant: %s; emulation took %.1f s%n", lanes, 1e3 * p.total(), 1e3 * p.launch(),
                1e3 * p.hostWaits(), 1e3 * p.transfers(), 1e3 * p.kernels(), p.dominant(), emulated);
    }
}
