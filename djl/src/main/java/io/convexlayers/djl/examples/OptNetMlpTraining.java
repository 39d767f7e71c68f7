// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.djl.examples;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.convexlayers.djl.DjlConvexLayer;
import io.convexlayers.djl.DjlEngines;
import io.convexlayers.djl.DjlLayerResult;
import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.Variable;
import io.convexlayers.layer.ConvexLayer;
import io.convexlayers.solver.SolverSettings;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

import static io.convexlayers.dsl.Atoms.sumSquares;

/**
 * An OptNet-style QP layer (Amos and Kolter, 2017) on top of a small DJL MLP, trained end to end.
 * Features a ∈ Rᵈ go through an MLP (Linear, tanh, Linear) to z ∈ Rⁿ, and the layer returns
 * <pre>
 *   x*(z) = argmin ½‖x‖² − zᵀx  s.t.  G x ≤ h      (the projection of z onto a polytope)
 * </pre>
 * with G, h fixed and broadcast over the batch. The targets come from a hidden teacher (a random
 * affine map a ↦ z through the same layer); the MLP learns by Adam on the mean squared error, its
 * gradients coming back through the QP's solution map inside DJL's {@link GradientCollector}.
 */
public final class OptNetMlpTraining {

    /**
     * The experiment.
     *
     * @param features     size of a
     * @param dim          size of z and x
     * @param constraints  rows of G
     * @param hidden       width of the MLP's hidden layer
     * @param batch        instances per step
     * @param steps        Adam steps
     * @param learningRate Adam's step size
     * @param seed         seeds the teacher, the data and DJL's initializer
     */
    public record Config(int features, int dim, int constraints, int hidden, int batch, int steps,
                         float learningRate, int seed) {
        /** The experiment behind the README's figure. */
        public static Config defaults() {
            return new Config(4, 3, 6, 16, 32, 150, 0.02f, 7);
        }

        /** The same experiment with {@code k} steps. */
        public Config withSteps(int k) {
            return new Config(features, dim, constraints, hidden, batch, k, learningRate, seed);
        }
    }

    /**
     * The outcome.
     *
     * @param losses         training loss per step
     * @param initialLoss    loss on a fixed evaluation batch before training
     * @param finalLoss      loss on the same batch after training
     * @param secondsPerStep mean wall time of a step (MLP, layer forward and backward, update)
     */
    public record Result(double[] losses, double initialLoss, double finalLoss, double secondsPerStep) {
    }

    private final Config config;
    private final DjlConvexLayer layer;
    private final double[] g;
    private final double[] h;
    private final double[] teacherW;
    private final double[] teacherC;

    /** Builds the layer and the hidden teacher. */
    public OptNetMlpTraining(Config config) {
        this.config = config;
        int n = config.dim();
        int m = config.constraints();
        Parameter z = Parameter.vector("z", n);
        Parameter gp = Parameter.matrix("G", m, n);
        Parameter hp = Parameter.vector("h", m);
        Variable x = Variable.vector("x", n);
        Problem qp = Problem.minimize(sumSquares(x).times(0.5).minus(z.dot(x)), gp.times(x).le(hp));
        layer = DjlConvexLayer.of(ConvexLayer.builder(qp).parameters(z, gp, hp).outputs(x)
                .settings(SolverSettings.defaults().withEps(1e-7)).build());
        Random rnd = new Random(config.seed());
        g = gaussian(rnd, m * n, 1);
        h = new double[m];
        for (int i = 0; i < m; i++) {
            h[i] = 0.5 + rnd.nextDouble();
        }
        teacherW = gaussian(rnd, n * config.features(), 1.5);
        teacherC = gaussian(rnd, n, 0.5);
    }

    /** The QP layer (parameters z, G, h; output x). */
    public DjlConvexLayer layer() {
        return layer;
    }

    /** Trains a fresh MLP and returns the loss curve. */
    public Result train() {
        Engine engine = DjlEngines.pytorch();
        engine.setRandomSeed(config.seed());
        int n = config.dim();
        int d = config.features();
        int bsz = config.batch();
        SequentialBlock mlp = new SequentialBlock()
                .add(Linear.builder().setUnits(config.hidden()).build())
                .add(Activation::tanh)
                .add(Linear.builder().setUnits(n).build());
        try (Model model = Model.newInstance("optnet-mlp", engine.getEngineName())) {
            model.setBlock(mlp);
            DefaultTrainingConfig tc = new DefaultTrainingConfig(Loss.l2Loss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(config.learningRate())).build());
            try (Trainer trainer = model.newTrainer(tc)) {
                trainer.initialize(new Shape(bsz, d));
                NDManager manager = trainer.getManager();
                NDArray gArr = manager.create(g, new Shape(config.constraints(), n)).toType(DataType.FLOAT32, false);
                NDArray hArr = manager.create(h).toType(DataType.FLOAT32, false);
                Random data = new Random(config.seed() + 1L);
                double[] evalA = gaussian(new Random(config.seed() + 2L), bsz * d, 1);
                double initial = evaluate(trainer, evalA, gArr, hArr);
                double[] losses = new double[config.steps()];
                long t0 = System.nanoTime();
                for (int step = 0; step < config.steps(); step++) {
                    double[] a = gaussian(data, bsz * d, 1);
                    try (NDManager stepManager = manager.newSubManager()) {
                        NDArray features = stepManager.create(a, new Shape(bsz, d)).toType(DataType.FLOAT32, false);
                        NDArray target = stepManager.create(targets(a), new Shape(bsz, n)).toType(DataType.FLOAT32,
                                false);
                        try (GradientCollector gc = trainer.newGradientCollector()) {
                            NDArray zs = trainer.forward(new NDList(features)).singletonOrThrow();
                            DjlLayerResult r = layer.forward(zs, gArr, hArr);
                            NDArray loss = r.output(0).sub(target).square().sum().div(bsz);
                            losses[step] = loss.getFloat();
                            r.backward(gc, loss);
                        }
                        trainer.step();
                    }
                }
                double perStep = (System.nanoTime() - t0) * 1e-9 / Math.max(1, config.steps());
                double fin = evaluate(trainer, evalA, gArr, hArr);
                return new Result(losses, initial, fin, perStep);
            }
        }
    }

    /** The mean squared error of the current MLP on a fixed batch (no gradients recorded). */
    private double evaluate(Trainer trainer, double[] a, NDArray gArr, NDArray hArr) {
        int bsz = config.batch();
        try (NDManager m = trainer.getManager().newSubManager()) {
            NDArray features = m.create(a, new Shape(bsz, config.features())).toType(DataType.FLOAT32, false);
            NDArray zs = trainer.evaluate(new NDList(features)).singletonOrThrow();
            NDArray x = layer.forward(zs, gArr, hArr).output(0);
            NDArray target = m.create(targets(a), new Shape(bsz, config.dim())).toType(DataType.FLOAT32, false);
            return x.sub(target).square().sum().div(bsz).getFloat();
        }
    }

    /** The teacher's outputs x*(W* a + c*) for a batch of features (row-major B × d in, B × n out). */
    double[] targets(double[] a) {
        int n = config.dim();
        int d = config.features();
        int bsz = a.length / d;
        double[] z = new double[bsz * n];
        for (int b = 0; b < bsz; b++) {
            for (int i = 0; i < n; i++) {
                double s = teacherC[i];
                for (int j = 0; j < d; j++) {
                    s += teacherW[i * d + j] * a[b * d + j];
                }
                z[b * n + i] = s;
            }
        }
        return layer.layer().forward(io.convexlayers.layer.ForwardOptions.batch(bsz), z, g, h).value(0);
    }

    private static double[] gaussian(Random rnd, int size, double scale) {
        double[] v = new double[size];
        for (int i = 0; i < size; i++) {
            v[i] = scale * rnd.nextGaussian();
        }
        return v;
    }

    /**
     * Trains the default experiment, prints the loss every 15 steps and writes the curve.
     *
     * @param args optional: the PNG's path (default {@code optnet-mlp-loss.png}) and the number of steps
     */
    public static void main(String[] args) {
        Path out = Path.of(args.length > 0 ? args[0] : "optnet-mlp-loss.png");
        Config c = Config.defaults();
        if (args.length > 1) {
            c = c.withSteps(Integer.parseInt(args[1]));
        }
        Result r = new OptNetMlpTraining(c).train();
        for (int s = 0; s < r.losses().length; s += 15) {
            System.out.printf(Locale.ROOT, "step %3d  loss %.5f%n", s + 1, r.losses()[s]);
        }
        System.out.printf(Locale.ROOT, "evaluation loss: start %.5f, trained %.5f (%.1f%% lower); %.1f ms per step "
                + "(batch %d)%n", r.initialLoss(), r.finalLoss(), 100 * (r.initialLoss() - r.finalLoss())
                / r.initialLoss(), r.secondsPerStep() * 1e3, c.batch());
        LossCurvePng.write(r.losses(), "OptNet QP layer on a DJL MLP: training loss", out);
        System.out.println("wrote " + out);
    }
}
