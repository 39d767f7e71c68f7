// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.backend.Backends;
import io.convexlayers.diff.DerivativeDevice;
import io.convexlayers.diff.DerivativeInfo;
import io.convexlayers.diff.DerivativeMethod;
import io.convexlayers.diff.DerivativeMode;
import io.convexlayers.diff.DerivativeSettings;
import io.convexlayers.diff.LsqrSettings;
import io.convexlayers.dsl.Constant;
import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.Variable;
import io.convexlayers.layer.ConvexLayer;
import io.convexlayers.layer.Gradients;
import io.convexlayers.layer.LayerResult;
import io.convexlayers.solver.Backend;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.IterationListener;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.WarmStart;
import io.convexlayers.data.BatchConeProgram;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.convexlayers.dsl.Atoms.entr;
import static io.convexlayers.dsl.Atoms.norm2;
import static io.convexlayers.dsl.Atoms.sum;
import static io.convexlayers.dsl.Atoms.sumSquares;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backward pass of a CUDA layer on the device (LSQR over device vectors, the adjoint parameter map
 * on the device) against the CPU's backward pass at the same forward solution: the reference layer's
 * backend replays the device's solve, so the two derivatives see identical points and only the
 * derivative's arithmetic differs.
 */
class DeviceBackwardTest {
    private static final SolverSettings TIGHT = SolverSettings.defaults().withEps(1e-9);
    /** Refinement off: the device's LSQR derivative differentiates the returned point (CudaDerivatives), so does the reference. */
    private static final DerivativeSettings LSQR = DerivativeSettings.defaults().withMode(DerivativeMode.LSQR)
            .withLsqr(LsqrSettings.defaults().withTolerance(1e-12)).withRefine(false);
    private static final int BATCH = 6;

    /** A problem family: its layer builder's parts and argument values. */
    private record Family(String name, Problem problem, Parameter[] params, Variable out, double[][] args) {
    }

    /** Another backend's solves under another name: the layer then takes the CPU derivative path. */
    private record Replaying(Backend inner) implements Backend {
        @Override
        public String name() {
            return "replay of " + inner.name();
        }

        @Override
        public BatchSolution solve(BatchConeProgram batch, SolverSettings settings, ExecutionSettings execution,
                                   WarmStart warmStart, IterationListener listener) {
            return inner.solve(batch, settings, execution, warmStart, listener);
        }
    }

    @Test
    void gradientsEqualTheCpuOnQpLpSocAndExpFamilies() {
        CudaBackend cuda = new CudaBackend(new EmulatedDevice(1L << 30), 0);
        for (Family f : families(BATCH)) {
            compare(f, cuda, LSQR, 1e-9);
        }
    }

    @Test
    void autoRunsOnTheDeviceWhereItsChoiceIsLsqr() {
        CudaBackend cuda = new CudaBackend(new EmulatedDevice(1L << 30), 0);
        // No dense block fits a threshold of 0, the sparse block needs zero and nonnegative cones only, and
        // the face solve second-order cones (it takes the "soc" family: on the CPU, CONE_FACES).
        DerivativeSettings auto = new DerivativeSettings(DerivativeMode.AUTO, LSQR.lsqr(), 0, 1e-6).withRefine(false);
        Family exp = families(BATCH).get(3);
        Gradients[] g = compare(exp, cuda, auto, 1e-9);
        for (int b = 0; b < BATCH; b++) {
            assertEquals(DerivativeMethod.LSQR, g[1].info(b).method());
        }
    }

    @Test
    void fallbackModeIsAnnouncedAndMatchesTheCpu() {
        CudaBackend cuda = new CudaBackend(new EmulatedDevice(1L << 30), 0);
        try {
            Family qp = families(BATCH).get(0);
            // The dense active block runs on the CPU: bit for bit the CPU layer's result.
            Gradients[] g = compare(qp, cuda, DerivativeSettings.defaults().withMode(DerivativeMode.DENSE), 0);
            // AUTO's choice here is the dense active block too (small QPs in a batch narrower than the active
            // KKT solve's tiles).
            Gradients[] a = compare(qp, cuda, DerivativeSettings.defaults(), 0);
            for (int b = 0; b < BATCH; b++) {
                assertEquals(DerivativeDevice.CPU, g[1].info(b).device());
                assertEquals(DerivativeMethod.DENSE_ACTIVE_BLOCK, g[1].info(b).method());
                assertEquals(DerivativeDevice.CPU, a[1].info(b).device());
                assertEquals(DerivativeMethod.DENSE_ACTIVE_BLOCK, a[1].info(b).method());
            }
        } finally {
            assertTrue(CudaDerivatives.announced().stream().anyMatch(msg -> msg.contains("DENSE runs on the CPU")),
                    CudaDerivatives.announced()::toString);
            assertTrue(CudaDerivatives.announced().stream().anyMatch(msg -> msg.contains("AUTO picked")),
                    CudaDerivatives.announced()::toString);
        }
    }

    @Test
    void hostTrafficPerBackwardIsDataThetaAndLaneScalars() {
        EmulatedDevice dev = new EmulatedDevice(1L << 30);
        CudaBackend cuda = new CudaBackend(dev, 0);
        Family f = families(BATCH).get(0);
        ConvexLayer layer = builder(f, cuda).build();
        LayerResult r = layer.forward(f.args());
        double[] w = weights(f, BATCH);
        long[][] counts = new long[2][];
        int[] limits = {5, 9};
        for (int k = 0; k < 2; k++) {
            CostLedger ledger = new CostLedger();
            dev.record(ledger);
            r.backward(LSQR.withLsqr(LSQR.lsqr().withMaxIters(limits[k])), w);
            dev.record(null);
            counts[k] = new long[] {ledger.uploads(), ledger.uploadBytes(), ledger.downloads(), ledger.downloadBytes()};
        }
        int theta = 0;
        for (Parameter p : f.params()) {
            theta += p.size();
        }
        long lane = 8L * BATCH;
        for (long[] c : counts) {
            // Every download is one double per lane (LSQR's scalars), except dθ (θ × batch).
            assertEquals(lane * (c[2] - 1) + 8L * theta * BATCH, c[3]);
        }
        // Four more iterations add only uploads of one double per lane: the rest is the data upload.
        assertEquals(lane * (counts[1][0] - counts[0][0]), counts[1][1] - counts[0][1]);
        assertTrue(counts[1][0] > counts[0][0]);
    }

    @Test
    void aFaultInTheBackwardResetsTheDeviceAndTheCpuAnswers() {
        EmulatedDevice dev = new EmulatedDevice(1L << 30);
        CudaBackend cuda = new CudaBackend(dev, 0, true);
        Family f = families(BATCH).get(0);
        ConvexLayer gpu = builder(f, cuda).derivativeSettings(LSQR).build();
        ConvexLayer ref = builder(f, new Replaying(cuda)).derivativeSettings(LSQR).build();
        LayerResult rd = gpu.forward(f.args());
        LayerResult rc = ref.forward(f.args());
        double[] w = weights(f, BATCH);
        dev.faultAt(CudaKernel.VJP_DATA, 1);
        Gradients faulted = rd.backward(w);
        assertEquals(1, dev.recoveries());
        Gradients cpu = rc.backward(w);
        for (Parameter p : f.params()) {
            assertArrayEquals(cpu.of(p), faulted.of(p), 0, "the CPU's own answer for " + p.name());
        }
        assertEquals(DerivativeDevice.CPU, faulted.info(0).device());
        // The device serves the next backward again.
        assertEquals(DerivativeDevice.CUDA, rd.backward(w).info(0).device());
        // Under the fail policy the fault is thrown, after the reset.
        EmulatedDevice dev2 = new EmulatedDevice(1L << 30);
        CudaBackend failing = new CudaBackend(dev2, 0, false);
        LayerResult r2 = builder(f, failing).derivativeSettings(LSQR).build().forward(f.args());
        dev2.faultAt(CudaKernel.VJP_DATA, 1);
        io.convexlayers.DeviceKernelException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.convexlayers.DeviceKernelException.class, () -> r2.backward(w));
        assertTrue(e.getMessage().contains("cl_vjp_data"), e.getMessage());
        assertEquals(1, dev2.recoveries());
    }

    @Test
    @Tag("gpu")
    void gpuGradientsEqualTheCpu() {
        Gpu.require();
        CudaBackend cuda = (CudaBackend) Backends.cuda();
        for (Family f : families(64)) {
            compare(f, cuda, LSQR, 1e-9);
        }
    }

    /** Backward on the device and on the CPU at the same forward solution; returns {cpu, device}. */
    private static Gradients[] compare(Family f, CudaBackend cuda, DerivativeSettings settings, double tol) {
        int batch = f.args()[f.args().length - 1].length / f.params()[f.params().length - 1].size();
        ConvexLayer dev = builder(f, cuda).derivativeSettings(settings).build();
        ConvexLayer cpu = builder(f, new Replaying(cuda)).derivativeSettings(settings).build();
        LayerResult rd = dev.forward(f.args());
        LayerResult rc = cpu.forward(f.args());
        assertTrue(rd.allSolved(), () -> f.name() + ": " + rd);
        double[] w = weights(f, batch);
        Gradients gd = rd.backward(w);
        Gradients gc = rc.backward(w);
        // Relative to the largest gradient entry of any parameter (an LP's dL/dc is zero up to rounding).
        double scale = 1e-300;
        for (Parameter p : f.params()) {
            for (double v : gc.of(p)) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        for (Parameter p : f.params()) {
            double[] want = gc.of(p);
            double[] got = gd.of(p);
            if (tol == 0) {
                assertArrayEquals(want, got, 0, f.name() + " dL/d" + p.name());
            }
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], tol * scale, f.name() + " dL/d" + p.name() + "[" + i + "]");
            }
        }
        for (int b = 0; b < batch; b++) {
            DerivativeInfo c = gc.info(b);
            DerivativeInfo d = gd.info(b);
            assertEquals(c.quality(), d.quality(), f.name() + " instance " + b);
            assertEquals(c.issue(), d.issue(), f.name() + " instance " + b);
            assertEquals(c.method(), d.method(), f.name() + " instance " + b);
            if (tol > 0) {
                assertEquals(DerivativeDevice.CUDA, d.device());
                assertEquals(DerivativeDevice.CPU, c.device());
                // Same LSQR, other rounding: near a 1e-12 tolerance the stopping test may pass a few steps apart.
                assertEquals(c.iterations(), d.iterations(), 3 + 0.25 * c.iterations(),
                        f.name() + " LSQR iterations, instance " + b);
                assertEquals(c.estimatedError(), d.estimatedError(), 1e-3 * c.estimatedError() + 1e-14);
            }
        }
        return new Gradients[] {gc, gd};
    }

    private static ConvexLayer.Builder builder(Family f, Backend backend) {
        return ConvexLayer.builder(f.problem()).parameters(f.params()).outputs(f.out()).settings(TIGHT)
                .backend(backend);
    }

    private static double[] weights(Family f, int batch) {
        Random rnd = new Random(f.name().hashCode());
        double[] w = new double[batch * f.out().size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = rnd.nextGaussian();
        }
        return w;
    }

    private static double[] gaussian(Random rnd, int count, double scale, double shift) {
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = shift + scale * rnd.nextGaussian();
        }
        return v;
    }

    /** QP (a broadcast matrix parameter in A), LP, SOCP and an entropy (exponential-cone) program. */
    private static List<Family> families(int batch) {
        Random rnd = new Random(13);
        List<Family> out = new ArrayList<>();
        int n = 5;
        int m = 8;
        Variable x = Variable.vector("x", n);
        Parameter g = Parameter.matrix("G", m, n);
        Parameter q = Parameter.vector("q", n);
        Parameter h = Parameter.vector("h", m);
        out.add(new Family("qp", Problem.minimize(sumSquares(x).times(0.5).plus(q.dot(x)), g.times(x).le(h)),
                new Parameter[] {g, q, h}, x, new double[][] {gaussian(rnd, m * n, 1, 0),
                gaussian(rnd, batch * n, 2, 0), gaussian(rnd, batch * m, 0.3, 0.5)}));

        Variable xl = Variable.vector("x", n);
        Parameter c = Parameter.vector("c", n);
        Parameter hl = Parameter.vector("h", m);
        double[][] gl = new double[m][n];
        for (double[] row : gl) {
            for (int j = 0; j < n; j++) {
                row[j] = rnd.nextGaussian();
            }
        }
        out.add(new Family("lp", Problem.minimize(c.dot(xl), Constant.matrix(gl).times(xl).le(hl), xl.le(2),
                xl.ge(-2)), new Parameter[] {c, hl}, xl, new double[][] {gaussian(rnd, batch * n, 1, 0),
                gaussian(rnd, batch * m, 0.3, 1)}));

        Variable xs = Variable.vector("x", n);
        Parameter cs = Parameter.vector("c", n);
        Parameter bs = Parameter.vector("b", n);
        out.add(new Family("soc", Problem.minimize(cs.dot(xs).plus(sumSquares(xs).times(0.1)),
                norm2(xs.minus(bs)).le(1)), new Parameter[] {cs, bs}, xs,
                new double[][] {gaussian(rnd, batch * n, 1, 0), gaussian(rnd, batch * n, 1, 0)}));

        Variable xe = Variable.vector("x", n);
        Parameter th = Parameter.vector("theta", n);
        out.add(new Family("exp", Problem.maximize(sum(entr(xe)).plus(th.dot(xe)), sum(xe).eq(1)),
                new Parameter[] {th}, xe, new double[][] {gaussian(rnd, batch * n, 0.5, 0)}));
        return out;
    }
}
