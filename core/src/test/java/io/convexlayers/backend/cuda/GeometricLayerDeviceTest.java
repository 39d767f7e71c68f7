// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.backend.Backends;
import io.convexlayers.dsl.Attribute;
import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.Variable;
import io.convexlayers.layer.ConvexLayer;
import io.convexlayers.layer.Gradients;
import io.convexlayers.layer.LayerResult;
import io.convexlayers.solver.Backend;
import io.convexlayers.solver.SolverSettings;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.convexlayers.dsl.Atoms.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A geometric-program layer (exponential cones from the log-log form, per-instance parameters) on
 * the CUDA backend against the CPU backend, forward values and backward gradients: on the emulated
 * device always, on a real GPU in the {@code gpu} group.
 */
class GeometricLayerDeviceTest {
    private static final SolverSettings TIGHT = SolverSettings.defaults().withEps(1e-9);

    @Test
    void emulatedDeviceMatchesTheCpu() {
        compare(new CudaBackend(new EmulatedDevice(1L << 30), 0), 12);
    }

    @Test
    @Tag("gpu")
    void gpuMatchesTheCpu() {
        Gpu.require();
        compare(Backends.cuda(), 257);
    }

    /** Allocation with a batched price vector: min Σ cᵢ/xᵢ + x₀x₁ s.t. aᵀx ≤ 2.5. */
    private static void compare(Backend device, int batch) {
        int n = 4;
        Variable x = Variable.vector("x", n, Attribute.POS);
        Parameter a = Parameter.vector("a", n, Attribute.POS);
        Parameter c = Parameter.vector("c", n, Attribute.POS);
        Problem p = Problem.minimize(c.dot(invPos(x)).plus(x.get(0).times(x.get(1))), a.dot(x).le(2.5));
        Random rnd = new Random(9);
        double[] av = new double[batch * n];
        for (int i = 0; i < av.length; i++) {
            av[i] = 0.5 + 1.5 * rnd.nextDouble();
        }
        double[] cv = {1, 0.5, 2, 1.5};
        double[] dx = new double[batch * n];
        for (int i = 0; i < dx.length; i++) {
            dx[i] = rnd.nextGaussian();
        }
        ConvexLayer cpu = ConvexLayer.builder(p).parameters(a, c).outputs(x).settings(TIGHT).build();
        ConvexLayer gpu = ConvexLayer.builder(p).parameters(a, c).outputs(x).settings(TIGHT).backend(device).build();
        LayerResult rc = cpu.forward(av, cv);
        LayerResult rg = gpu.forward(av, cv);
        assertTrue(rg.allSolved(), rg::toString);
        assertClose(rc.value(x), rg.value(x), 1e-6, "x");
        Gradients gc = rc.backward(dx);
        Gradients gg = rg.backward(dx);
        assertClose(gc.of(a), gg.of(a), 1e-5, "dL/da");
        assertClose(gc.of(c), gg.of(c), 1e-5, "dL/dc");
    }

    private static void assertClose(double[] want, double[] got, double rel, String what) {
        double scale = 0;
        for (double v : want) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], rel * scale, what + "[" + i + "]");
        }
    }
}
