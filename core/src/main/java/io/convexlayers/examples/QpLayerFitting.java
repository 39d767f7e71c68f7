// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.examples;

import io.convexlayers.backend.Backends;
import io.convexlayers.solver.Backend;
import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.Variable;
import io.convexlayers.layer.ConvexLayer;
import io.convexlayers.layer.ForwardOptions;
import io.convexlayers.layer.Gradients;
import io.convexlayers.layer.LayerResult;
import io.convexlayers.solver.SolverSettings;

import java.util.Locale;
import java.util.Random;

import static io.convexlayers.dsl.Atoms.sumSquares;

/**
 * An OptNet-style layer (Amos and Kolter, 2017): a QP whose constraint data are learned. The layer
 * maps an input z to
 * <pre>
 *   x*(z; G, h) = argmin  ½‖x‖² − zᵀx   s.t.  G x ≤ h
 * </pre>
 * (the projection of z onto the polyhedron {x : Gx ≤ h}), with z batched and the learned G, h
 * broadcast over the batch. A teacher layer with hidden (G*, h*) defines the target map; the
 * student starts from random (G, h) and fits the teacher by Adam on the mean squared error
 * ‖x*(z; G, h) − x*(z; G*, h*)‖² over batches of random inputs.
 */
public final class QpLayerFitting {

    /**
     * The experiment.
     *
     * @param dim          size of x and z
     * @param constraints  rows of G
     * @param batch        inputs per step
     * @param iterations   Adam steps
     * @param learningRate Adam's step size
     * @param seed         seeds the teacher, the start and the inputs
     */
    public record Config(int dim, int constraints, int batch, int iterations, double learningRate, long seed) {
        public static Config defaults() {
            return new Config(3, 6, 32, 80, 0.05, 5);
        }

        public Config withIterations(int k) {
            return new Config(dim, constraints, batch, k, learningRate, seed);
        }
    }

    /**
     * The outcome.
     *
     * @param losses          training loss per step
     * @param initialLoss     loss of the starting (G, h) on a fixed evaluation batch
     * @param finalLoss       loss of the learned (G, h) on the same batch
     * @param forwardSeconds  mean seconds per batched forward call
     * @param backwardSeconds mean seconds per batched backward call
     */
    public record Result(double[] losses, double initialLoss, double finalLoss, double forwardSeconds,
                         double backwardSeconds) {
    }

    private final Config config;
    private final Parameter z;
    private final Parameter g;
    private final Parameter h;
    private final Variable x;
    private final ConvexLayer layer;
    private final double[] teacherG;
    private final double[] teacherH;

    public QpLayerFitting(Config config, Backend backend) {
        this.config = config;
        int n = config.dim();
        int k = config.constraints();
        z = Parameter.vector("z", n);
        g = Parameter.matrix("G", k, n);
        h = Parameter.vector("h", k);
        x = Variable.vector("x", n);
        Problem problem = Problem.minimize(sumSquares(x).times(0.5).minus(z.dot(x)), g.times(x).le(h));
        layer = ConvexLayer.builder(problem).parameters(z, g, h).outputs(x)
                .settings(SolverSettings.defaults().withEps(1e-7)).backend(backend).build();
        Random rnd = new Random(config.seed());
        teacherG = Dense.gaussian(rnd, k * n, 1);
        teacherH = new double[k];
        for (int i = 0; i < k; i++) {
            teacherH[i] = 0.5 + rnd.nextDouble();
        }
    }

    /** The layer x*(z; G, h). */
    public ConvexLayer layer() {
        return layer;
    }

    private double[] inputs(Random rnd) {
        return Dense.gaussian(rnd, config.batch() * config.dim(), 2);
    }

    private double[] teacher(double[] zs) {
        return layer.forward(ForwardOptions.batch(config.batch()), zs, teacherG, teacherH).value(x);
    }

    private static double mse(double[] a, double[] b, int batch) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return s / batch;
    }

    /** Fits the student to the teacher. */
    public Result train() {
        int n = config.dim();
        int k = config.constraints();
        int batch = config.batch();
        Random rnd = new Random(config.seed() + 1);
        double[] gv = Dense.gaussian(rnd, k * n, 1);
        double[] hv = new double[k];
        java.util.Arrays.fill(hv, 1);
        Random data = new Random(config.seed() + 2);
        double[] evalZ = inputs(new Random(config.seed() + 3));
        double[] evalTarget = teacher(evalZ);
        double initial = mse(layer.forward(ForwardOptions.batch(batch), evalZ, gv, hv).value(x), evalTarget, batch);
        Adam adamG = new Adam(gv.length, config.learningRate());
        Adam adamH = new Adam(hv.length, config.learningRate());
        double[] losses = new double[config.iterations()];
        long fwd = 0;
        long bwd = 0;
        for (int it = 0; it < config.iterations(); it++) {
            double[] zs = inputs(data);
            double[] target = teacher(zs);
            long t0 = System.nanoTime();
            LayerResult r = layer.forward(ForwardOptions.batch(batch), zs, gv, hv);
            long t1 = System.nanoTime();
            double[] xs = r.value(x);
            losses[it] = mse(xs, target, batch);
            double[] dx = new double[xs.length];
            for (int i = 0; i < xs.length; i++) {
                dx[i] = 2 * (xs[i] - target[i]) / batch;
            }
            Gradients grads = r.backward(dx);
            long t2 = System.nanoTime();
            fwd += t1 - t0;
            bwd += t2 - t1;
            adamG.step(gv, grads.of(g));
            adamH.step(hv, grads.of(h));
        }
        double fin = mse(layer.forward(ForwardOptions.batch(batch), evalZ, gv, hv).value(x), evalTarget, batch);
        int calls = Math.max(1, config.iterations());
        return new Result(losses, initial, fin, fwd * 1e-9 / calls, bwd * 1e-9 / calls);
    }

    /** Fits the default experiment and prints the loss before and after. */
    public static void main(String[] args) {
        Config c = Config.defaults();
        Result r = new QpLayerFitting(c, Backends.cpu()).train();
        for (int it = 0; it < r.losses().length; it += 10) {
            System.out.printf(Locale.ROOT, "step %3d  loss %.5f%n", it + 1, r.losses()[it]);
        }
        System.out.printf(Locale.ROOT, "evaluation loss: start %.5f, learned %.5f (%.1f%% lower)%n", r.initialLoss(),
                r.finalLoss(), 100 * (r.initialLoss() - r.finalLoss()) / r.initialLoss());
        System.out.printf(Locale.ROOT, "per batch of %d: forward %.2f ms, backward %.2f ms%n", c.batch(),
                r.forwardSeconds() * 1e3, r.backwardSeconds() * 1e3);
    }
}
