// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.convexlayers.djl.examples.OptNetMlpTraining;
import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.Variable;
import io.convexlayers.layer.ConvexLayer;
import io.convexlayers.solver.SolverSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.convexlayers.dsl.Atoms.sumSquares;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gradients through a whole DJL pipeline, features → MLP → QP layer → loss, against central finite
 * differences of that pipeline's loss in every probed weight of the MLP (float64); and a few
 * training steps of the example.
 */
class DjlGradientFlowTest {
    private static final int B = 6;
    private static final int D = 3;
    private static final int N = 3;
    private static final int M = 5;
    private static final double H = 1e-5;

    private static NDManager manager;
    private static Engine engine;

    @BeforeAll
    static void engine() {
        engine = DjlEngines.pytorch();
        manager = engine.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** The pipeline: an MLP (Linear, tanh, Linear) producing z, then x*(z) = argmin ½‖x‖² − zᵀx s.t. Gx ≤ h. */
    private static final class Pipeline {
        final SequentialBlock mlp = new SequentialBlock()
                .add(Linear.builder().setUnits(5).build())
                .add(Activation::tanh)
                .add(Linear.builder().setUnits(N).build());
        final DjlConvexLayer layer;
        final NDArray features;
        final NDArray target;
        final NDArray g;
        final NDArray h;
        final double penalty;
        final ParameterStore store = new ParameterStore(manager, false);

        Pipeline(double penalty) {
            this.penalty = penalty;
            Parameter z = Parameter.vector("z", N);
            Parameter gp = Parameter.matrix("G", M, N);
            Parameter hp = Parameter.vector("h", M);
            Variable x = Variable.vector("x", N);
            Problem qp = Problem.minimize(sumSquares(x).times(0.5).minus(z.dot(x)), gp.times(x).le(hp));
            layer = DjlConvexLayer.of(ConvexLayer.builder(qp).parameters(z, gp, hp).outputs(x)
                    .settings(SolverSettings.defaults().withEps(1e-11)).build());
            Random rnd = new Random(3);
            engine.setRandomSeed(11); // the MLP's initial weights, whatever ran before in this JVM
            mlp.initialize(manager, DataType.FLOAT64, new Shape(B, D));
            features = manager.create(gaussian(rnd, B * D, 1.5), new Shape(B, D));
            target = manager.create(gaussian(rnd, B * N, 0.3), new Shape(B, N));
            g = manager.create(gaussian(rnd, M * N, 1), new Shape(M, N));
            double[] hv = new double[M];
            for (int i = 0; i < M; i++) {
                hv[i] = 0.4 + 0.4 * rnd.nextDouble();
            }
            h = manager.create(hv);
        }

        NDArray z() {
            return mlp.forward(store, new NDList(features), true).singletonOrThrow();
        }

        /** The loss through the layer, and (with a penalty) the direct term penalty·‖z‖². */
        NDArray[] losses(DjlLayerResult r, NDArray z) {
            NDArray viaLayer = r.output(0).sub(target).square().sum().div(B);
            return new NDArray[] {viaLayer, penalty == 0 ? null : z.square().sum().mul(penalty)};
        }

        double lossValue() {
            NDArray z = z();
            DjlLayerResult r = layer.forward(z, g, h);
            NDArray[] l = losses(r, z);
            return l[0].getDouble() + (l[1] == null ? 0 : l[1].getDouble());
        }

        /** Runs one step in a gradient collector; returns how many instances had an active constraint. */
        int backward() {
            for (var p : mlp.getParameters()) {
                p.getValue().getArray().setRequiresGradient(true);
            }
            try (GradientCollector gc = engine.newGradientCollector()) {
                NDArray z = z();
                DjlLayerResult r = layer.forward(z, g, h);
                NDArray[] l = losses(r, z);
                r.backward(gc, l[0], l[1]);
                double[] xs = r.output(0).toDoubleArray();
                double[] zs = z.toDoubleArray();
                int active = 0;
                for (int b = 0; b < B; b++) {
                    double moved = 0;
                    for (int i = 0; i < N; i++) {
                        moved += Math.abs(xs[b * N + i] - zs[b * N + i]);
                    }
                    active += moved > 1e-3 ? 1 : 0;
                }
                return active;
            }
        }
    }

    @Test
    void mlpWeightGradientsEqualFiniteDifferencesOfThePipeline() {
        checkAgainstFiniteDifferences(new Pipeline(0));
    }

    @Test
    void aDirectTermOfTheLossIsBackPropagatedWithTheSurrogate() {
        checkAgainstFiniteDifferences(new Pipeline(0.05));
    }

    private static void checkAgainstFiniteDifferences(Pipeline p) {
        int active = p.backward();
        assertTrue(active >= 2 && active < B, "the probe needs both projected and interior instances: " + active);
        int probed = 0;
        Random pick = new Random(5);
        for (var entry : p.mlp.getParameters()) {
            NDArray w = entry.getValue().getArray();
            double[] grad = w.getGradient().toDoubleArray();
            long[] dims = w.getShape().getShape();
            List<long[]> indices = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                long[] idx = new long[dims.length];
                for (int a = 0; a < dims.length; a++) {
                    idx[a] = pick.nextInt((int) dims[a]);
                }
                indices.add(idx);
            }
            for (long[] idx : indices) {
                int flat = (int) (dims.length == 1 ? idx[0] : idx[0] * dims[1] + idx[1]);
                double v = w.getDouble(idx);
                w.set(new NDIndex(idx), v + H);
                double up = p.lossValue();
                w.set(new NDIndex(idx), v - H);
                double down = p.lossValue();
                w.set(new NDIndex(idx), v);
                double fd = (up - down) / (2 * H);
                assertEquals(fd, grad[flat], 1e-6 + 1e-4 * Math.abs(fd),
                        entry.getKey() + java.util.Arrays.toString(idx) + ": autograd " + grad[flat] + ", FD " + fd);
                probed++;
            }
        }
        assertEquals(12, probed);
    }

    @Test
    void theExampleTrainsAndWritesItsLossCurve(@TempDir Path dir) throws Exception {
        OptNetMlpTraining.Config c = OptNetMlpTraining.Config.defaults().withSteps(25);
        OptNetMlpTraining.Result r = new OptNetMlpTraining(c).train();
        assertEquals(25, r.losses().length);
        for (double l : r.losses()) {
            assertTrue(Double.isFinite(l) && l >= 0, "loss " + l);
        }
        assertTrue(r.finalLoss() < 0.7 * r.initialLoss(), "evaluation loss " + r.initialLoss() + " -> " + r.finalLoss());
        Path png = dir.resolve("curve.png");
        io.convexlayers.djl.examples.LossCurvePng.write(r.losses(), "test", png);
        byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(png), 4);
        assertEquals("\u0089PNG", new String(head, java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    static double[] gaussian(Random rnd, int size, double scale) {
        double[] v = new double[size];
        for (int i = 0; i < size; i++) {
            v[i] = scale * rnd.nextGaussian();
        }
        return v;
    }
}
