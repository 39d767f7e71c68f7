// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.examples;

import io.convexlayers.backend.Backends;
import io.convexlayers.dsl.Attribute;
import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.Variable;
import io.convexlayers.layer.ConvexLayer;
import io.convexlayers.layer.ForwardOptions;
import io.convexlayers.layer.Gradients;
import io.convexlayers.layer.LayerResult;
import io.convexlayers.solver.Backend;
import io.convexlayers.solver.SolverSettings;

import java.util.Locale;
import java.util.Random;

/**
 * A geometric-program layer trained end to end: the largest box h·w·d with wall area
 * 2(hw + hd) ≤ A and floor area wd ≤ F (a DGP; the layer solves it in logarithms). Each instance
 * has a feature s, and its budgets come from a learned log-linear model
 * log A = a₀ + a₁s, log F = b₀ + b₁s. Target boxes are the layer's answers under a hidden teacher
 * model; the student fits (a₀, a₁, b₀, b₁) by Adam on the mean squared error of the log dimensions,
 * with the layer's gradients with respect to A and F chained through the model.
 */
public final class GeometricBoxDesign {

    /**
     * The experiment.
     *
     * @param batch        instances per step
     * @param iterations   Adam steps
     * @param learningRate Adam's step size
     * @param seed         seeds the features
     */
    public record Config(int batch, int iterations, double learningRate, long seed) {
        public static Config defaults() {
            return new Config(8, 40, 0.08, 3);
        }

        public Config withIterations(int k) {
            return new Config(batch, k, learningRate, seed);
        }
    }

    /**
     * The outcome.
     *
     * @param losses      training loss per step
     * @param initialLoss loss of the starting model on a fixed evaluation batch
     * @param finalLoss   loss of the learned model on the same batch
     * @param model       the learned (a₀, a₁, b₀, b₁)
     * @param teacher     the hidden (a₀, a₁, b₀, b₁)
     */
    public record Result(double[] losses, double initialLoss, double finalLoss, double[] model, double[] teacher) {
    }

    private static final double[] TEACHER = {4.0, 0.5, 2.0, -0.3};

    private final Config config;
    private final Variable h = Variable.scalar("h", Attribute.POS);
    private final Variable w = Variable.scalar("w", Attribute.POS);
    private final Variable d = Variable.scalar("d", Attribute.POS);
    private final Parameter wall = Parameter.scalar("Awall", Attribute.POS);
    private final Parameter floor = Parameter.scalar("Afloor", Attribute.POS);
    private final ConvexLayer layer;

    public GeometricBoxDesign(Config config, Backend backend) {
        this.config = config;
        Problem box = Problem.maximize(h.times(w).times(d),
                h.times(w).plus(h.times(d)).times(2).le(wall), w.times(d).le(floor));
        layer = ConvexLayer.builder(box).parameters(wall, floor).outputs(h, w, d)
                .settings(SolverSettings.defaults().withEps(1e-8)).backend(backend).build();
    }

    /** The layer (A, F) ↦ (h, w, d); geometric. */
    public ConvexLayer layer() {
        return layer;
    }

    /** Budgets A and F of each instance under a model. */
    private static double[][] budgets(double[] model, double[] s) {
        double[] a = new double[s.length];
        double[] f = new double[s.length];
        for (int b = 0; b < s.length; b++) {
            a[b] = Math.exp(model[0] + model[1] * s[b]);
            f[b] = Math.exp(model[2] + model[3] * s[b]);
        }
        return new double[][] {a, f};
    }

    private LayerResult solve(double[] model, double[] s) {
        double[][] ab = budgets(model, s);
        return layer.forward(ForwardOptions.batch(s.length), ab[0], ab[1]);
    }

    private double[] features(Random rnd) {
        double[] s = new double[config.batch()];
        for (int b = 0; b < s.length; b++) {
            s[b] = 2 * rnd.nextDouble() - 1;
        }
        return s;
    }

    /** Mean over instances of Σ (log x − log target)², and its gradient per output when asked. */
    private double loss(LayerResult r, LayerResult target, double[][] grad) {
        Variable[] outs = {h, w, d};
        int batch = r.batchSize();
        double total = 0;
        for (int k = 0; k < outs.length; k++) {
            double[] x = r.value(outs[k]);
            double[] t = target.value(outs[k]);
            if (grad != null) {
                grad[k] = new double[batch];
            }
            for (int b = 0; b < batch; b++) {
                double e = Math.log(x[b]) - Math.log(t[b]);
                total += e * e / batch;
                if (grad != null) {
                    grad[k][b] = 2 * e / (x[b] * batch);
                }
            }
        }
        return total;
    }

    /** Fits the student model to the teacher. */
    public Result train() {
        double[] model = {3.0, 0.0, 1.0, 0.0};
        Random data = new Random(config.seed());
        double[] evalS = features(new Random(config.seed() + 1));
        LayerResult evalTarget = solve(TEACHER, evalS);
        double initial = loss(solve(model, evalS), evalTarget, null);
        Adam adam = new Adam(model.length, config.learningRate());
        double[] losses = new double[config.iterations()];
        for (int it = 0; it < config.iterations(); it++) {
            double[] s = features(data);
            LayerResult target = solve(TEACHER, s);
            LayerResult r = solve(model, s);
            double[][] dOut = new double[3][];
            losses[it] = loss(r, target, dOut);
            Gradients g = r.backward(dOut);
            double[][] ab = budgets(model, s);
            double[] dA = g.of(wall);
            double[] dF = g.of(floor);
            double[] dModel = new double[4];
            for (int b = 0; b < s.length; b++) {
                double ga = dA[b] * ab[0][b]; // d/d(log A) = A · d/dA
                double gf = dF[b] * ab[1][b];
                dModel[0] += ga;
                dModel[1] += ga * s[b];
                dModel[2] += gf;
                dModel[3] += gf * s[b];
            }
            adam.step(model, dModel);
        }
        double fin = loss(solve(model, evalS), evalTarget, null);
        return new Result(losses, initial, fin, model.clone(), TEACHER.clone());
    }

    /** Trains the default experiment and prints the loss and the recovered model. */
    public static void main(String[] args) {
        Result r = new GeometricBoxDesign(Config.defaults(), Backends.cpu()).train();
        for (int it = 0; it < r.losses().length; it += 10) {
            System.out.printf(Locale.ROOT, "step %3d  loss %.6f%n", it + 1, r.losses()[it]);
        }
        System.out.printf(Locale.ROOT, "evaluation loss: start %.6f, learned %.2e%n", r.initialLoss(), r.finalLoss());
        System.out.printf(Locale.ROOT, "model (a0, a1, b0, b1) = (%.3f, %.3f, %.3f, %.3f); teacher (%.1f, %.1f, %.1f, %.1f)%n",
                r.model()[0], r.model()[1], r.model()[2], r.model()[3], r.teacher()[0], r.teacher()[1],
                r.teacher()[2], r.teacher()[3]);
    }
}
