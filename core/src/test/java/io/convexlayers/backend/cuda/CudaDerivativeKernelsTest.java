// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.backend.Backends;
import io.convexlayers.backend.cpu.CpuDerivativeKernels;
import io.convexlayers.batch.BatchOperator;
import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.CscMatrix;
import io.convexlayers.diff.DerivativeDevice;
import io.convexlayers.diff.DerivativeIssue;
import io.convexlayers.diff.DerivativeMode;
import io.convexlayers.diff.DerivativeSettings;
import io.convexlayers.diff.LsqrSettings;
import io.convexlayers.diff.SolutionDerivative;
import io.convexlayers.diff.VjpResult;
import io.convexlayers.diff.kernels.KernelVjp;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.testing.RandomQps;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The device operator M of the derivative (emulated device): the adjoint identity ⟨Mv, w⟩ = ⟨v, Mᵀw⟩
 * per lane, M·ẑ ≈ 0 at a solution (the residual map is homogeneous and vanishes there), and the whole
 * device VJP against the CPU's LSQR VJP on every cone family.
 */
class CudaDerivativeKernelsTest {
    private static final SolverSettings TIGHT = SolverSettings.defaults().withEps(1e-10);
    /** Refinement off: the device's LSQR derivative differentiates the returned point (CudaDerivatives), so does the reference. */
    private static final DerivativeSettings LSQR = DerivativeSettings.defaults().withMode(DerivativeMode.LSQR)
            .withLsqr(LsqrSettings.defaults().withTolerance(1e-12)).withRefine(false);

    @Test
    void adjointIdentityAndNullVectorOnQpAndMixedCones() {
        for (BatchConeProgram batch : new BatchConeProgram[] {RandomQps.batch(6, 10, 4, false, 3),
                RandomQps.batch(5, 9, 3, true, 4),
                CudaTestProblems.planted(CudaTestProblems.ALL_CONES, 7, 3, 5, false).batch()}) {
            BatchSolution sol = Backends.cpu().solve(batch, TIGHT, null, null);
            EmulatedDevice dev = new EmulatedDevice(1L << 30);
            boolean[] valid = valid(sol);
            try (CudaDerivativeKernels k = new CudaDerivativeKernels(new BufferPool(dev), batch, sol, valid,
                    identity(rows(batch)))) {
                int lanes = batch.batch();
                int len = batch.n() + batch.m() + 1;
                Random rnd = new Random(len);
                for (boolean fixedTau : new boolean[] {false, true}) {
                    BatchOperator<DeviceVector> m = k.residualMap(fixedTau);
                    double[] v = gaussian(rnd, len * lanes);
                    double[] w = gaussian(rnd, len * lanes);
                    double[] mv = apply(k, m, v, false);
                    double[] mtw = apply(k, m, w, true);
                    for (int l = 0; l < lanes; l++) {
                        double lhs = dot(mv, w, l, lanes);
                        double rhs = dot(v, mtw, l, lanes);
                        assertEquals(lhs, rhs, 1e-12 * (norm(mv, l, lanes) * norm(w, l, lanes) + 1),
                                "lane " + l + ", fixed τ " + fixedTau);
                    }
                }
                DeviceVector z = k.vectors().newVector(len);
                k.point(z);
                double[] zh = new double[len * lanes];
                k.vectors().download(z, zh);
                double[] mz = apply(k, k.residualMap(false), zh, false);
                for (int l = 0; l < lanes; l++) {
                    assertTrue(norm(mz, l, lanes) <= 1e-6 * norm(zh, l, lanes),
                            "‖M·ẑ‖ = " + norm(mz, l, lanes) + " for lane " + l);
                }
            }
        }
    }

    @Test
    void deviceVjpEqualsTheCpuLsqrVjpOnEveryConeFamily() {
        BatchConeProgram batch = CudaTestProblems.planted(CudaTestProblems.ALL_CONES, 7, 4, 8, false).batch();
        BatchSolution sol = Backends.cpu().solve(batch, TIGHT, null, null);
        int lanes = batch.batch();
        Random rnd = new Random(2);
        double[] dx = gaussian(rnd, batch.n() * lanes);
        double[] dy = gaussian(rnd, batch.m() * lanes);
        VjpResult cpu = SolutionDerivative.at(batch, sol, LSQR).vjp(BatchArray.batchMinor(batch.n(), lanes, dx),
                BatchArray.batchMinor(batch.m(), lanes, dy), null);
        CudaBackend cuda = new CudaBackend(new EmulatedDevice(1L << 30), 0);
        // With T = I, dθ is the data cotangent itself, stacked (dA, db, dc, dP).
        KernelVjp.Result dev = CudaDerivatives.vjp(cuda, batch, sol, identity(rows(batch)), LSQR, dx, dy);
        double[][] parts = {cpu.dA().rawData(), cpu.db().rawData(), cpu.dc().rawData(),
                cpu.dP() == null ? new double[0] : cpu.dP().rawData()};
        double scale = 0;
        for (double[] p : parts) {
            for (double v : p) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        int offset = 0;
        for (double[] p : parts) {
            for (int i = 0; i < p.length; i++) {
                assertEquals(p[i], dev.dTheta()[offset + i], 1e-9 * scale, "stacked cotangent entry " + (offset + i));
            }
            offset += p.length;
        }
        for (int l = 0; l < lanes; l++) {
            assertEquals(cpu.info()[l].quality(), dev.info()[l].quality());
            assertEquals(DerivativeDevice.CUDA, dev.info()[l].device());
            assertTrue(dev.info()[l].issue() == DerivativeIssue.NONE || cpu.info()[l].issue() == dev.info()[l].issue());
        }
    }

    @Test
    void deviceOperatorEqualsTheCpuKernelsOperator() {
        BatchConeProgram batch = CudaTestProblems.planted(CudaTestProblems.ALL_CONES, 6, 3, 11, true).batch();
        BatchSolution sol = Backends.cpu().solve(batch, TIGHT, null, null);
        boolean[] valid = valid(sol);
        CscMatrix t = identity(rows(batch));
        int lanes = batch.batch();
        int len = batch.n() + batch.m() + 1;
        Random rnd = new Random(5);
        try (CudaDerivativeKernels dev = new CudaDerivativeKernels(new BufferPool(new EmulatedDevice(1L << 30)),
                batch, sol, valid, t);
             CpuDerivativeKernels cpu = new CpuDerivativeKernels(batch, sol, valid, t)) {
            for (boolean fixedTau : new boolean[] {false, true}) {
                for (boolean transpose : new boolean[] {false, true}) {
                    double[] v = gaussian(rnd, len * lanes);
                    double[] want = new double[v.length];
                    if (transpose) {
                        cpu.residualMap(fixedTau).applyTranspose(v, want);
                    } else {
                        cpu.residualMap(fixedTau).apply(v, want);
                    }
                    double[] got = apply(dev, dev.residualMap(fixedTau), v, transpose);
                    for (int l = 0; l < lanes; l++) {
                        double scale = norm(want, l, lanes);
                        for (int i = l; i < v.length; i += lanes) {
                            assertEquals(want[i], got[i], 1e-12 * scale, "entry " + i + ", transpose " + transpose
                                    + ", fixed τ " + fixedTau);
                        }
                    }
                }
            }
            double[] dx = gaussian(rnd, batch.n() * lanes);
            double[] dy = gaussian(rnd, batch.m() * lanes);
            double[] want = new double[len * lanes];
            cpu.vjpRightHandSide(dx, dy, want);
            DeviceVector rhs = dev.vectors().newVector(len);
            dev.vjpRightHandSide(dx, dy, rhs);
            double[] got = new double[want.length];
            dev.vectors().download(rhs, got);
            assertArrayEquals(want, got, 1e-12 * norm(want, 0, 1));
            DeviceVector r = dev.vectors().newVector(len);
            dev.vectors().upload(want, r);
            assertArrayEquals(cpu.parameterGradient(want), dev.parameterGradient(r), 1e-12 * norm(want, 0, 1));
        }
    }

    @Test
    void kernelVjpOverTheCpuKernelsEqualsSolutionDerivative() {
        for (BatchConeProgram batch : new BatchConeProgram[] {RandomQps.batch(6, 10, 5, false, 7),
                CudaTestProblems.planted(CudaTestProblems.ALL_CONES, 7, 4, 8, false).batch()}) {
            BatchSolution sol = Backends.cpu().solve(batch, TIGHT, null, null);
            int lanes = batch.batch();
            Random rnd = new Random(3);
            double[] dx = gaussian(rnd, batch.n() * lanes);
            VjpResult want = SolutionDerivative.at(batch, sol, LSQR).vjp(BatchArray.batchMinor(batch.n(), lanes, dx),
                    null, null);
            boolean[] valid = valid(sol);
            DerivativeIssue[] kink = new DerivativeIssue[lanes];
            boolean[] inaccurate = new boolean[lanes];
            for (int l = 0; l < lanes; l++) {
                kink[l] = io.convexlayers.diff.DerivativeRules.kinkAt(batch, l, sol.y().rawData(), sol.s().rawData(),
                        lanes, l);
                inaccurate[l] = sol.status(l) != io.convexlayers.solver.SolverStatus.SOLVED;
            }
            KernelVjp.Result got;
            try (CpuDerivativeKernels k = new CpuDerivativeKernels(batch, sol, valid, identity(rows(batch)))) {
                got = KernelVjp.run(k, LSQR, dx, null, valid, inaccurate, kink, DerivativeDevice.CPU);
            }
            double[] dc = want.dc().rawData();
            int off = batch.aPattern().nnz() + batch.m();
            double scale = 0;
            for (double v : dc) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int i = 0; i < dc.length; i++) {
                assertEquals(dc[i], got.dTheta()[off * lanes + i], 1e-9 * scale, "dc entry " + i);
            }
            for (int l = 0; l < lanes; l++) {
                assertEquals(want.info()[l].quality(), got.info()[l].quality(), "instance " + l);
                assertEquals(want.info()[l].estimatedError(), got.info()[l].estimatedError(),
                        1e-3 * want.info()[l].estimatedError() + 1e-14, "instance " + l);
            }
        }
    }

    private static double[] apply(CudaDerivativeKernels k, BatchOperator<DeviceVector> m, double[] in,
                                  boolean transpose) {
        DeviceVector a = k.vectors().newVector(m.cols());
        DeviceVector b = k.vectors().newVector(m.rows());
        k.vectors().upload(in, a);
        if (transpose) {
            m.applyTranspose(a, b);
        } else {
            m.apply(a, b);
        }
        double[] out = new double[in.length];
        k.vectors().download(b, out);
        return out;
    }

    static boolean[] valid(BatchSolution sol) {
        boolean[] v = new boolean[sol.batch()];
        for (int b = 0; b < v.length; b++) {
            v[b] = sol.status(b).hasSolution();
        }
        return v;
    }

    static int rows(BatchConeProgram batch) {
        return batch.aPattern().nnz() + batch.m() + batch.n() + (batch.pPattern() == null ? 0 : batch.pPattern().nnz());
    }

    /** T = [I 0]: θ is the stacked data itself (no constant part). */
    static CscMatrix identity(int rows) {
        int[] idx = new int[rows];
        double[] ones = new double[rows];
        for (int i = 0; i < rows; i++) {
            idx[i] = i;
        }
        Arrays.fill(ones, 1);
        return CscMatrix.fromTriplets("T", rows, rows + 1, idx, idx, ones);
    }

    private static double[] gaussian(Random rnd, int count) {
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = rnd.nextGaussian();
        }
        return v;
    }

    private static double dot(double[] a, double[] b, int l, int lanes) {
        double s = 0;
        for (int k = l; k < a.length; k += lanes) {
            s += a[k] * b[k];
        }
        return s;
    }

    private static double norm(double[] a, int l, int lanes) {
        return Math.sqrt(dot(a, a, l, lanes));
    }
}
