// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.solver.hsde.ResidualStats;
import io.convexlayers.backend.cpu.CpuHsdeKernels;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.SolverSettings;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs every {@link io.convexlayers.solver.hsde.HsdeKernels} operation on the CPU tile kernels and on
 * {@link CudaHsdeKernels} over a given device, from the same inputs (fresh random vectors uploaded
 * before each operation, outputs poisoned with NaN), and compares the results. Used with the
 * emulated device everywhere and with a real GPU in the "gpu" tests.
 */
final class OpsHarness {
    private final CpuHsdeKernels cpu;
    private final CudaHsdeKernels gpu;
    private final Device dev;
    private final int lanes;
    private final int len;
    private final Random rnd;
    private final double tol;

    OpsHarness(Device dev, BatchConeProgram batch, SolverSettings settings, long seed, double tol) {
        this.dev = dev;
        this.lanes = batch.batch();
        // The CPU reference always solves its KKT systems directly: an inexact CPU CG would only add
        // its own error to the comparison with the device CG.
        SolverSettings cpuSettings = settings.linearSystem() == io.convexlayers.solver.LinearSystemKind.CG
                ? settings.withLinearSystem(io.convexlayers.solver.LinearSystemKind.DENSE) : settings;
        this.cpu = new CpuHsdeKernels(batch, 0, lanes, cpuSettings);
        this.gpu = new CudaHsdeKernels(new BufferPool(dev), batch, 0, lanes, settings,
                io.convexlayers.solver.ExecutionSettings.defaults());
        this.len = batch.n() + batch.m() + 1;
        this.rnd = new Random(seed);
        this.tol = tol;
    }

    CudaHsdeKernels gpu() {
        return gpu;
    }

    double[] random(double tauMin) {
        double[] v = new double[len * lanes];
        for (int k = 0; k < v.length; k++) {
            v[k] = rnd.nextGaussian();
        }
        for (int l = 0; l < lanes; l++) {
            v[(len - 1) * lanes + l] = tauMin + Math.abs(v[(len - 1) * lanes + l]);
        }
        return v;
    }

    DeviceVector up(double[] host) {
        DeviceVector v = gpu.newVector(len);
        dev.upload(host, 0, v.ptr(), host.length);
        return v;
    }

    DeviceVector poisoned() {
        DeviceVector v = gpu.newVector(len);
        dev.launch(CudaKernel.FILL, v.size(), v.size(), v, Double.NaN);
        return v;
    }

    double[] down(DeviceVector v) {
        double[] h = new double[v.size()];
        dev.download(v.ptr(), h, 0, h.length);
        return h;
    }

    void near(double[] want, double[] got, String what) {
        assertEquals(want.length, got.length, what);
        double scale = 1;
        for (double w : want) {
            scale = Math.max(scale, Math.abs(w));
        }
        for (int k = 0; k < want.length; k++) {
            double diff = Math.abs(want[k] - got[k]);
            boolean same = Double.compare(want[k], got[k]) == 0 || diff <= tol * scale;
            assertTrue(same, what + "[" + k + "] (row " + k / lanes + ", lane " + k % lanes + "): cpu " + want[k]
                    + ", device " + got[k]);
        }
    }

    /** Runs every operation once and compares; returns the number of comparisons made. */
    int runAll(double[] scale) {
        int checks = 0;
        cpu.setScale(scale);
        gpu.setScale(scale);
        if (gpu.sharedScale()) {
            for (double x : scale) {
                assertEquals(scale[0], x, "a shared factorization needs one scale");
            }
        }

        // initialize, warm for every other lane
        int n = cpu.n();
        int m = cpu.m();
        boolean[] warm = new boolean[lanes];
        double[] wx = new double[n * lanes];
        double[] wy = new double[m * lanes];
        double[] ws = new double[m * lanes];
        for (int l = 0; l < lanes; l += 2) {
            warm[l] = true;
        }
        for (int k = 0; k < wx.length; k++) {
            wx[k] = rnd.nextGaussian();
        }
        for (int k = 0; k < wy.length; k++) {
            wy[k] = Math.abs(rnd.nextGaussian());
            ws[k] = Math.abs(rnd.nextGaussian());
        }
        double[] vc = new double[len * lanes];
        cpu.initialize(vc, wx, wy, ws, warm);
        DeviceVector vg = poisoned();
        gpu.initialize(vg, wx, wy, ws, warm);
        near(vc, down(vg), "initialize");
        checks++;

        for (boolean fix : new boolean[] {true, false}) {
            double[] v = random(0.5);
            double[] ut = new double[v.length];
            cpu.linearStep(v, ut, fix);
            DeviceVector utg = poisoned();
            gpu.linearStep(up(v), utg, fix);
            near(ut, down(utg), "linearStep(fixTau=" + fix + ")");
            checks++;

            double[] u = new double[v.length];
            double[] utIn = random(0.0);
            cpu.coneStep(utIn, v, u, fix);
            DeviceVector ug = poisoned();
            gpu.coneStep(up(utIn), up(v), ug, fix);
            near(u, down(ug), "coneStep(fixTau=" + fix + ")");
            checks++;
        }

        double[] v = random(0.5);
        double[] u = random(0.5);
        double[] ut = random(0.5);
        double[] vr = v.clone();
        cpu.relax(vr, u, ut, 1.5);
        DeviceVector vg2 = up(v);
        gpu.relax(vg2, up(u), up(ut), 1.5);
        near(vr, down(vg2), "relax");

        double[] vn = v.clone();
        cpu.normalize(vn);
        DeviceVector vg3 = up(v);
        gpu.normalize(vg3);
        near(vn, down(vg3), "normalize");

        double[] rsk = new double[v.length];
        cpu.dualIterate(v, u, ut, rsk);
        DeviceVector rg = poisoned();
        gpu.dualIterate(up(v), up(u), up(ut), rg);
        near(rsk, down(rg), "dualIterate");
        checks += 3;

        double[] stc = new double[lanes * ResidualStats.WIDTH];
        double[] stg = new double[lanes * ResidualStats.WIDTH];
        java.util.Arrays.fill(stg, Double.NaN);
        cpu.residuals(u, rsk, stc);
        DeviceVector ugr = up(u);
        DeviceVector rgr = up(rsk);
        gpu.residuals(ugr, rgr, stg);
        near(stc, stg, "residuals");
        checks++;

        // every lane into its own column of batch-minor arrays, as a batch's solution is filled
        double[] xc = new double[n * lanes], yc = new double[m * lanes], sc = new double[m * lanes];
        double[] xg = new double[n * lanes], yg = new double[m * lanes], sg = new double[m * lanes];
        for (int l = 0; l < lanes; l++) {
            cpu.readSolution(u, rsk, l, 1.7, xc, yc, sc, l, lanes);
            gpu.readSolution(ugr, rgr, l, 1.7, xg, yg, sg, l, lanes);
        }
        near(xc, xg, "readSolution.x");
        near(yc, yg, "readSolution.y");
        near(sc, sg, "readSolution.s");
        checks++;

        // New scale, then reset the changed lanes.
        double[] scale2 = scale.clone();
        boolean[] changed = new boolean[lanes];
        for (int l = 0; l < lanes; l++) {
            changed[l] = cpu.sharedScale() || l % 3 != 1;
            if (changed[l]) {
                scale2[l] = scale[l] * 3.7;
            }
        }
        cpu.setScale(scale2);
        gpu.setScale(scale2);
        double[] va = v.clone();
        double[] anc = random(0);
        cpu.resetAfterScaleChange(va, u, ut, rsk, anc, changed);
        DeviceVector vga = up(v);
        DeviceVector ancg = up(random(0));
        double[] ancBefore = down(ancg);
        for (int l = 0; l < lanes; l++) {
            if (!changed[l]) {
                for (int i = 0; i < len; i++) {
                    anc[i * lanes + l] = ancBefore[i * lanes + l];
                }
            }
        }
        gpu.resetAfterScaleChange(vga, up(u), up(ut), up(rsk), ancg, changed);
        near(va, down(vga), "resetAfterScaleChange.v");
        near(anc, down(ancg), "resetAfterScaleChange.anchor");
        checks++;

        // Anderson: a sequence of blocks with random G values, some lanes applying, one rejection.
        double[] vc2 = random(0.5);
        double[] ac2 = random(0.5);
        DeviceVector vgA = up(vc2);
        DeviceVector agA = up(ac2);
        for (int block = 0; block < 14; block++) {
            double[] g = random(0.5);
            for (int k = 0; k < g.length; k++) {
                g[k] = 0.6 * ac2[k] + 0.1 * g[k];
            }
            System.arraycopy(g, 0, vc2, 0, g.length);
            dev.upload(g, 0, vgA.ptr(), g.length);
            double[] fc = new double[lanes];
            double[] fg = new double[lanes];
            cpu.fixedPointResidual(vc2, ac2, fc);
            gpu.fixedPointResidual(vgA, agA, fg);
            near(fc, fg, "fixedPointResidual block " + block);
            if (block == 7) {
                boolean[] rej = new boolean[lanes];
                for (int l = 0; l < lanes; l += 2) {
                    rej[l] = true;
                }
                cpu.andersonReject(vc2, ac2, rej);
                gpu.andersonReject(vgA, agA, rej);
                near(vc2, down(vgA), "andersonReject.v");
                near(ac2, down(agA), "andersonReject.anchor");
            }
            boolean[] apply = new boolean[lanes];
            for (int l = 0; l < lanes; l++) {
                apply[l] = (l + block) % 4 != 0;
            }
            cpu.andersonStep(vc2, ac2, apply);
            gpu.andersonStep(vgA, agA, apply);
            near(vc2, down(vgA), "andersonStep.v block " + block);
            near(ac2, down(agA), "andersonStep.anchor block " + block);
            checks++;
        }
        return checks;
    }
}
