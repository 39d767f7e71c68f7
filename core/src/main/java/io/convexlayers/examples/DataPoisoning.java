// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.examples;

import io.convexlayers.backend.Backends;
import io.convexlayers.solver.Backend;
import io.convexlayers.dsl.Constant;
import io.convexlayers.dsl.Expression;
import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.Variable;
import io.convexlayers.layer.ConvexLayer;
import io.convexlayers.layer.Gradients;
import io.convexlayers.layer.LayerResult;
import io.convexlayers.solver.SolverSettings;

import java.util.Locale;
import java.util.Random;

import static io.convexlayers.dsl.Atoms.logistic;
import static io.convexlayers.dsl.Atoms.multiply;
import static io.convexlayers.dsl.Atoms.sum;
import static io.convexlayers.dsl.Atoms.sumSquares;

/**
 * The data-poisoning attack of Agrawal et al. 2019, §6: how much does each training point of a
 * logistic regression move the model's loss on held-out data? The trained model is the solution
 * of a convex problem whose parameters are the training points X,
 * <pre>
 *   (β*, b*)(X) = argmin  (1/N) Σᵢ [ logistic(xᵢᵀβ + b) − yᵢ(xᵢᵀβ + b) ] + λ‖β‖²
 * </pre>
 * so the gradient of the test loss L(β*, b*) with respect to X follows from one backward pass of
 * a layer with outputs β and b. An attacker moves the training points along the sign of that
 * gradient (one step of the fast gradient sign method) to raise the test loss.
 */
public final class DataPoisoning {

    /**
     * The experiment.
     *
     * @param trainPoints    N
     * @param testPoints     held-out points
     * @param features       d
     * @param regularization λ
     * @param seed           seeds the data
     */
    public record Config(int trainPoints, int testPoints, int features, double regularization, long seed) {
        public static Config defaults() {
            return new Config(40, 200, 2, 0.01, 3);
        }
    }

    /**
     * The test loss and its gradient with respect to every training point.
     *
     * @param testLoss        mean logistic loss on the test set at the trained model
     * @param gradient        d testLoss / d X, N × d row-major
     * @param forwardSeconds  the forward call (training the model)
     * @param backwardSeconds the backward call
     */
    public record Influence(double testLoss, double[] gradient, double forwardSeconds, double backwardSeconds) {
    }

    private final Config config;
    private final double[] trainX;
    private final double[] testX;
    private final double[] testY;
    private final Parameter x;
    private final Variable beta;
    private final Variable intercept;
    private final ConvexLayer layer;

    /** Draws the data (two Gaussian classes) and builds the training layer. */
    public DataPoisoning(Config config, Backend backend) {
        this.config = config;
        int n = config.trainPoints();
        int d = config.features();
        Random rnd = new Random(config.seed());
        double[] trainY = new double[n];
        trainX = new double[n * d];
        draw(rnd, trainX, trainY);
        testX = new double[config.testPoints() * d];
        testY = new double[config.testPoints()];
        draw(rnd, testX, testY);
        x = Parameter.matrix("X", n, d);
        beta = Variable.vector("beta", d);
        intercept = Variable.scalar("b");
        Expression scores = x.times(beta).plus(intercept);
        Expression loss = sum(logistic(scores).minus(multiply(Constant.vector(trainY), scores))).div(n);
        Problem problem = Problem.minimize(loss.plus(sumSquares(beta).times(config.regularization())));
        layer = ConvexLayer.builder(problem).parameters(x).outputs(beta, intercept)
                .settings(SolverSettings.defaults().withEps(1e-8)).backend(backend).build();
    }

    /** Labels 0/1 with equal probability; class means ±(1, …, 1)·0.7, unit variance. */
    private void draw(Random rnd, double[] points, double[] labels) {
        int d = config.features();
        for (int i = 0; i < labels.length; i++) {
            labels[i] = rnd.nextBoolean() ? 1 : 0;
            double mean = labels[i] == 1 ? 0.7 : -0.7;
            for (int j = 0; j < d; j++) {
                points[i * d + j] = mean + rnd.nextGaussian();
            }
        }
    }

    /** The clean training points, N × d row-major. */
    public double[] trainingPoints() {
        return trainX.clone();
    }

    /** The layer from training points to (β, b). */
    public ConvexLayer layer() {
        return layer;
    }

    /** Trains on the given points and returns the test loss and its gradient with respect to them. */
    public Influence influence(double[] points) {
        LayerResult r = layer.forward(points);
        double[] b = r.value(beta);
        double c = r.value(intercept)[0];
        int d = config.features();
        int count = testY.length;
        double loss = 0;
        double[] dBeta = new double[d];
        double dC = 0;
        for (int i = 0; i < count; i++) {
            double s = Dense.dot(testX, i * d, b, 0, d) + c;
            loss += softplus(s) - testY[i] * s;
            double ds = (sigmoid(s) - testY[i]) / count;
            for (int j = 0; j < d; j++) {
                dBeta[j] += ds * testX[i * d + j];
            }
            dC += ds;
        }
        Gradients g = r.backward(dBeta, new double[] {dC});
        return new Influence(loss / count, g.of(x), r.mapSeconds() + r.solveSeconds(), g.seconds());
    }

    /** The test loss of the model trained on the given points. */
    public double testLoss(double[] points) {
        return influence(points).testLoss();
    }

    /** One fast-gradient-sign step: every coordinate of every training point moved by ±ε. */
    public double[] poison(double[] points, double[] gradient, double epsilon) {
        double[] out = points.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += epsilon * Math.signum(gradient[i]);
        }
        return out;
    }

    private static double softplus(double s) {
        return s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s));
    }

    private static double sigmoid(double s) {
        return 1 / (1 + Math.exp(-s));
    }

    /** Prints the most influential training points and the effect of a poisoning step. */
    public static void main(String[] args) {
        Config c = Config.defaults();
        DataPoisoning dp = new DataPoisoning(c, Backends.cpu());
        double[] clean = dp.trainingPoints();
        dp.influence(clean); // the first call includes JIT warm-up; report the second
        Influence inf = dp.influence(clean);
        int d = c.features();
        Integer[] order = new Integer[c.trainPoints()];
        double[] size = new double[c.trainPoints()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
            size[i] = Math.sqrt(Dense.dot(inf.gradient(), i * d, inf.gradient(), i * d, d));
        }
        java.util.Arrays.sort(order, (p, q) -> Double.compare(size[q], size[p]));
        System.out.printf(Locale.ROOT, "test loss %.4f; most influential training points (‖dL/dx_i‖):%n",
                inf.testLoss());
        for (int k = 0; k < 5; k++) {
            System.out.printf(Locale.ROOT, "  point %2d  %.4f%n", order[k], size[order[k]]);
        }
        for (double eps : new double[] {0.1, 0.2, 0.5}) {
            double poisoned = dp.testLoss(dp.poison(clean, inf.gradient(), eps));
            System.out.printf(Locale.ROOT, "poisoning step ε = %.1f: test loss %.4f -> %.4f%n", eps, inf.testLoss(),
                    poisoned);
        }
        System.out.printf(Locale.ROOT, "forward %.2f ms, backward %.2f ms (one model, %d points)%n",
                inf.forwardSeconds() * 1e3, inf.backwardSeconds() * 1e3, c.trainPoints());
    }
}
