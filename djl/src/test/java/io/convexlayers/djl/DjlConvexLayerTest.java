// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.convexlayers.BackendUnavailableException;
import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.Variable;
import io.convexlayers.layer.ConvexLayer;
import io.convexlayers.layer.FailurePolicy;
import io.convexlayers.layer.LayerArgumentException;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static io.convexlayers.dsl.Atoms.sumSquares;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The adapter on a problem with a closed form: x*(z, l, u) = argmin ½‖x‖² − zᵀx s.t. l ≤ x ≤ u is
 * clip(z, l, u), so ∂L/∂z = ∂L/∂x where l < z < u, ∂L/∂u = ∂L/∂x where z > u, ∂L/∂l = ∂L/∂x where
 * z < l. Shapes, types, broadcasting, statuses and the surrogate are checked against it.
 */
class DjlConvexLayerTest {
    private static final int N = 4;
    private static final int B = 5;
    private static NDManager manager;
    private static Parameter z;
    private static Parameter lower;
    private static Parameter upper;
    private static DjlConvexLayer layer;

    @BeforeAll
    static void build() {
        manager = DjlEngines.pytorch().newBaseManager();
        z = Parameter.vector("z", N);
        lower = Parameter.vector("l", N);
        upper = Parameter.vector("u", N);
        Variable x = Variable.vector("x", N);
        Problem p = Problem.minimize(sumSquares(x).times(0.5).minus(z.dot(x)), x.ge(lower), x.le(upper));
        layer = DjlConvexLayer.of(ConvexLayer.builder(p).parameters(z, lower, upper).outputs(x)
                .settings(SolverSettings.defaults().withEps(1e-10)).failurePolicy(FailurePolicy.RETURN).build());
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** B × N inputs whose entries fall below, inside and above the box [−0.5, 0.5] (never on it). */
    private static double[] inputs() {
        double[] v = new double[B * N];
        for (int i = 0; i < v.length; i++) {
            v[i] = -1.097 + 0.11 * i;
        }
        return v;
    }

    private static double[] box(double value) {
        double[] v = new double[N];
        Arrays.fill(v, value);
        return v;
    }

    private static double clip(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    @Test
    void batchedFloat64SolvesEveryInstanceWithBroadcastBounds() {
        double[] zs = inputs();
        DjlLayerResult r = layer.forward(manager.create(zs, new Shape(B, N)), manager.create(box(-0.5)),
                manager.create(box(0.5)));
        NDArray x = r.output(0);
        assertEquals(new Shape(B, N), x.getShape());
        assertEquals(DataType.FLOAT64, x.getDataType());
        double[] xs = x.toDoubleArray();
        for (int i = 0; i < xs.length; i++) {
            assertEquals(clip(zs[i], -0.5, 0.5), xs[i], 1e-7, "entry " + i);
        }
        assertEquals(B, r.statuses().size());
        assertTrue(r.statuses().stream().allMatch(s -> s == SolverStatus.SOLVED), r.statuses().toString());
    }

    @Test
    void float32InFloat32OutAndAnUnbatchedCallStaysUnbatched() {
        double[] z1 = {0.2, -0.9, 0.7, 0.0};
        NDArray zf = manager.create(z1).toType(DataType.FLOAT32, false);
        NDArray lf = manager.create(box(-0.5)).toType(DataType.FLOAT32, false);
        NDArray uf = manager.create(box(0.5)).toType(DataType.FLOAT32, false);
        DjlLayerResult r = layer.forward(zf, lf, uf);
        assertEquals(new Shape(N), r.output(0).getShape());
        assertEquals(DataType.FLOAT32, r.output(0).getDataType());
        assertEquals(1, r.batchSize());
        float[] xs = r.output(0).toFloatArray();
        for (int i = 0; i < N; i++) {
            assertEquals(clip(z1[i], -0.5, 0.5), xs[i], 1e-6);
        }
    }

    @Test
    void parameterGradientsMatchTheClosedFormWithBroadcastSums() {
        double[] zs = inputs();
        double[] lo = box(-0.5);
        double[] hi = box(0.5);
        DjlLayerResult r = layer.forward(manager.create(zs, new Shape(B, N)), manager.create(lo), manager.create(hi));
        double[] dx = new double[B * N];
        for (int i = 0; i < dx.length; i++) {
            dx[i] = Math.sin(1.0 + i);
        }
        NDList g = r.parameterGradients(manager.create(dx, new Shape(B, N)));
        assertEquals(new Shape(B, N), g.get(0).getShape());
        assertEquals(new Shape(N), g.get(1).getShape());
        assertEquals(new Shape(N), g.get(2).getShape());
        double[] dz = new double[B * N];
        double[] dl = new double[N];
        double[] du = new double[N];
        for (int b = 0; b < B; b++) {
            for (int i = 0; i < N; i++) {
                double v = zs[b * N + i];
                double d = dx[b * N + i];
                if (v < -0.5) {
                    dl[i] += d;
                } else if (v > 0.5) {
                    du[i] += d;
                } else {
                    dz[b * N + i] = d;
                }
            }
        }
        assertArrayEquals(dz, g.get(0).toDoubleArray(), 1e-6);
        assertArrayEquals(dl, g.get(1).toDoubleArray(), 1e-6);
        assertArrayEquals(du, g.get(2).toDoubleArray(), 1e-6);
    }

    @Test
    void theSurrogateDeliversTheLayersGradientToLeavesThatRecordOne() {
        double[] zs = inputs();
        NDArray zArr = manager.create(zs, new Shape(B, N));
        NDArray uArr = manager.create(box(0.5));
        NDArray lArr = manager.create(box(-0.5)); // plain data: records nothing
        zArr.setRequiresGradient(true);
        uArr.setRequiresGradient(true);
        try (GradientCollector gc = DjlEngines.pytorch().newGradientCollector()) {
            DjlLayerResult r = layer.forward(zArr.mul(2), lArr, uArr);
            NDArray loss = r.output(0).sum();
            r.backward(gc, loss);
        }
        double[] dz = zArr.getGradient().toDoubleArray();
        double[] du = uArr.getGradient().toDoubleArray();
        double[] expectDu = new double[N];
        for (int b = 0; b < B; b++) {
            for (int i = 0; i < N; i++) {
                double v = 2 * zs[b * N + i];
                assertEquals(v > -0.5 && v < 0.5 ? 2.0 : 0.0, dz[b * N + i], 1e-6, "dL/dz at " + b + "," + i);
                expectDu[i] += v > 0.5 ? 1 : 0;
            }
        }
        assertArrayEquals(expectDu, du, 1e-6);
    }

    @Test
    void anInfeasibleInstanceInTheMiddleHasItsOwnStatusAndZeroGradient() {
        double[] zs = inputs();
        double[] lo = new double[B * N];
        double[] hi = new double[B * N];
        Arrays.fill(lo, -0.5);
        Arrays.fill(hi, 0.5);
        lo[2 * N + 1] = 0.8; // l > u: instance 2 is infeasible
        DjlLayerResult r = layer.forward(manager.create(zs, new Shape(B, N)), manager.create(lo, new Shape(B, N)),
                manager.create(hi, new Shape(B, N)));
        assertEquals(SolverStatus.INFEASIBLE, r.status(2));
        double[] xs = r.output(0).toDoubleArray();
        for (int b = 0; b < B; b++) {
            if (b == 2) {
                continue;
            }
            assertEquals(SolverStatus.SOLVED, r.status(b));
            for (int i = 0; i < N; i++) {
                assertEquals(clip(zs[b * N + i], -0.5, 0.5), xs[b * N + i], 1e-7);
            }
        }
        double[] ones = new double[B * N];
        Arrays.fill(ones, 1);
        double[] dz = r.parameterGradients(manager.create(ones, new Shape(B, N))).get(0).toDoubleArray();
        for (int i = 0; i < N; i++) {
            assertEquals(0, dz[2 * N + i], 0);
        }
    }

    @Test
    void wrongShapesTypesAndCountsAreTypedErrors() {
        NDArray z2 = manager.create(inputs(), new Shape(B, N));
        NDArray lo = manager.create(box(-0.5));
        NDArray hi = manager.create(box(0.5));
        LayerArgumentException shape = assertThrows(LayerArgumentException.class,
                () -> layer.forward(manager.create(new double[B * (N + 1)], new Shape(B, N + 1)), lo, hi));
        assertTrue(shape.getMessage().contains("[B, 4]") && shape.getMessage().contains("[5, 5]"), shape.getMessage());
        LayerArgumentException batches = assertThrows(LayerArgumentException.class,
                () -> layer.forward(z2, manager.create(new double[3 * N], new Shape(3, N)), hi));
        assertTrue(batches.getMessage().contains("batch size"), batches.getMessage());
        LayerArgumentException ints = assertThrows(LayerArgumentException.class,
                () -> layer.forward(z2, lo, manager.create(new int[] {1, 1, 1, 1})));
        assertTrue(ints.getMessage().contains("float32 or float64"), ints.getMessage());
        LayerArgumentException mixed = assertThrows(LayerArgumentException.class,
                () -> layer.forward(z2, lo.toType(DataType.FLOAT32, false), hi));
        assertTrue(mixed.getMessage().contains("same floating type"), mixed.getMessage());
        assertThrows(LayerArgumentException.class, () -> layer.forward(z2, lo));
        double[] nan = inputs();
        nan[3] = Double.NaN;
        assertThrows(LayerArgumentException.class, () -> layer.forward(manager.create(nan, new Shape(B, N)), lo, hi));
        DjlLayerResult r = layer.forward(z2, lo, hi);
        assertThrows(LayerArgumentException.class, () -> r.parameterGradients(manager.create(new double[N])));
    }

    @Test
    void aMissingEngineSaysWhatToAdd() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> DjlEngines.named("NoSuchEngine"));
        assertTrue(e.getMessage().contains("pytorch-native-cpu") && e.getMessage().contains("NoSuchEngine"),
                e.getMessage());
    }
}
