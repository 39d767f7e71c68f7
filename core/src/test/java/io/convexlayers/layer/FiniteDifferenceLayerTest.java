// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.layer;

import io.convexlayers.dsl.Attribute;
import io.convexlayers.dsl.Constant;
import io.convexlayers.dsl.Constraint;
import io.convexlayers.dsl.Expression;
import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.Variable;
import io.convexlayers.solver.SolverSettings;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.convexlayers.dsl.Atoms.*;
import static io.convexlayers.layer.LayerTesting.assertGradientsMatchFiniteDifferences;
import static io.convexlayers.layer.LayerTesting.gaussian;
import static io.convexlayers.layer.LayerTesting.uniform;

/**
 * Gradients of a linear loss of the outputs against central differences of forward calls (every
 * perturbed problem of one parameter solved as one batch), for problems over every cone family.
 */
class FiniteDifferenceLayerTest {
    private static final double H = 1e-4;
    private static final double TOL = 1e-4;
    private static final SolverSettings TIGHT = SolverSettings.defaults().withEps(1e-10);

    @Test
    void logisticRegression() {
        Random rnd = new Random(11);
        int n = 2;
        int count = 8;
        Parameter x = Parameter.matrix("X", count, n);
        Parameter lambda = Parameter.scalar("lambda", Attribute.NONNEG);
        Variable beta = Variable.vector("beta", n);
        double[] xv = gaussian(rnd, count * n);
        double[] labels = new double[count];
        for (int i = 0; i < count; i++) {
            labels[i] = xv[i * n] + 0.5 * xv[i * n + 1] + 0.8 * rnd.nextGaussian() > 0 ? 1 : 0;
        }
        Expression scores = x.times(beta);
        Expression likelihood = sum(multiply(Constant.vector(labels), scores).minus(logistic(scores))).div(count);
        Problem problem = Problem.minimize(likelihood.negate().plus(lambda.times(sumSquares(beta))));
        ConvexLayer layer = ConvexLayer.builder(problem).parameters(x, lambda).outputs(beta).settings(TIGHT).build();
        assertGradientsMatchFiniteDifferences(layer, new double[][] {xv, {0.1}}, new double[][] {gaussian(rnd, n)},
                H, TOL);
    }

    @Test
    void entropyMaximization() {
        Random rnd = new Random(12);
        int n = 4;
        int m = 2;
        int p = 2;
        Parameter a = Parameter.matrix("A", m, n);
        Parameter b = Parameter.vector("b", m);
        Parameter f = Parameter.matrix("F", p, n);
        Parameter g = Parameter.vector("g", p);
        Variable x = Variable.vector("x", n);
        Problem problem = Problem.maximize(sum(entr(x)).minus(sumSquares(x).times(0.01)),
                a.times(x).eq(b), f.times(x).le(g));
        ConvexLayer layer = ConvexLayer.builder(problem).parameters(a, b, f, g).outputs(x).settings(TIGHT).build();
        double[] x0 = uniform(rnd, n, 0.5, 1.5);
        double[] av = uniform(rnd, m * n, 0, 1);
        double[] fv = gaussian(rnd, p * n);
        double[] bv = matVec(av, x0, m, n);
        double[] gv = matVec(fv, x0, p, n);
        for (int i = 0; i < p; i++) {
            gv[i] += 0.5 + rnd.nextDouble();
        }
        assertGradientsMatchFiniteDifferences(layer, new double[][] {av, bv, fv, gv},
                new double[][] {gaussian(rnd, n)}, H, TOL);
    }

    @Test
    void semidefiniteProgramWithTraceObjective() {
        Random rnd = new Random(13);
        int k = 3;
        int p = 2;
        Parameter c = Parameter.matrix("C", k, k);
        List<Parameter> as = new ArrayList<>();
        Parameter b = Parameter.vector("b", p);
        Variable xm = Variable.psd("X", k);
        List<Constraint> cons = new ArrayList<>();
        for (int i = 0; i < p; i++) {
            Parameter ai = Parameter.matrix("A" + i, k, k);
            as.add(ai);
            cons.add(trace(ai.matmul(xm)).eq(b.get(i)));
        }
        Problem problem = Problem.minimize(trace(c.matmul(xm)).plus(sumSquares(xm)), cons);
        List<Parameter> params = new ArrayList<>(List.of(c));
        params.addAll(as);
        params.add(b);
        ConvexLayer layer = ConvexLayer.builder(problem).parameters(params.toArray(new Parameter[0])).outputs(xm)
                .settings(TIGHT).build();
        double[][] values = new double[params.size()][];
        values[0] = symmetric(gaussian(rnd, k * k), k);
        double[] x0 = new double[k * k];
        for (int i = 0; i < k; i++) {
            x0[i * k + i] = 1;
        }
        double[] bv = new double[p];
        for (int i = 0; i < p; i++) {
            values[1 + i] = symmetric(gaussian(rnd, k * k), k);
            bv[i] = traceOf(values[1 + i], x0, k) + 0.3 * rnd.nextGaussian();
        }
        values[1 + p] = bv;
        assertGradientsMatchFiniteDifferences(layer, values, new double[][] {symmetric(gaussian(rnd, k * k), k)},
                H, TOL);
    }

    /**
     * A PSD constraint's dual as an output: its svec rows become a symmetric matrix in the forward
     * gather and the output cotangent goes back through the adjoint of that map; batched values and
     * gradients equal the unbatched ones instance by instance.
     */
    @Test
    void semidefiniteDualOutput() {
        Random rnd = new Random(15);
        int k = 3;
        Parameter c = Parameter.matrix("C", k, k);
        Variable xm = Variable.matrix("X", k, k);
        Constraint psd = Constraint.psd(xm);
        Problem problem = Problem.minimize(trace(c.matmul(xm)).plus(sumSquares(xm)), psd, trace(xm).eq(1));
        ConvexLayer layer = ConvexLayer.builder(problem).parameters(c).outputs(xm).duals(psd).settings(TIGHT)
                .build();
        int batch = 3;
        double[][] cs = new double[batch][];
        double[] cBatch = new double[batch * k * k];
        for (int b = 0; b < batch; b++) {
            cs[b] = symmetric(gaussian(rnd, k * k), k);
            System.arraycopy(cs[b], 0, cBatch, b * k * k, k * k);
        }
        double[] wx = gaussian(rnd, batch * k * k);
        double[] wz = gaussian(rnd, batch * k * k);
        LayerResult all = layer.forward(cBatch);
        double[] dc = all.backward(wx, wz).of(c);
        double largestDual = 0;
        for (int b = 0; b < batch; b++) {
            double[] wxb = java.util.Arrays.copyOfRange(wx, b * k * k, (b + 1) * k * k);
            double[] wzb = java.util.Arrays.copyOfRange(wz, b * k * k, (b + 1) * k * k);
            LayerResult one = layer.forward(cs[b]);
            double[] z = one.dual(psd);
            LayerTesting.assertClose(z, all.value(1, b), 1e-9, "dual of instance " + b);
            LayerTesting.assertClose(one.backward(wxb, wzb).of(c),
                    java.util.Arrays.copyOfRange(dc, b * k * k, (b + 1) * k * k), 1e-8, "dC of instance " + b);
            for (double v : z) {
                largestDual = Math.max(largestDual, Math.abs(v));
            }
            if (b == 0) {
                assertGradientsMatchFiniteDifferences(layer, new double[][] {cs[b]}, new double[][] {wxb, wzb}, H, TOL);
            }
        }
        org.junit.jupiter.api.Assertions.assertTrue(largestDual > 1e-3, "the PSD constraint is active");
    }

    /** The limited multi-label projection (Amos et al. 2019): an entropy-regularized top-k. */
    @Test
    void limitedMultiLabelProjection() {
        Random rnd = new Random(14);
        int n = 5;
        int k = 2;
        Parameter x = Parameter.vector("x", n);
        Variable y = Variable.vector("y", n);
        Problem problem = Problem.minimize(x.dot(y).negate().minus(sum(entr(y))).minus(sum(entr(Constant.scalar(1)
                .minus(y)))), sum(y).eq(k));
        ConvexLayer layer = ConvexLayer.builder(problem).parameters(x).outputs(y).settings(TIGHT).build();
        assertGradientsMatchFiniteDifferences(layer, new double[][] {gaussian(rnd, n)},
                new double[][] {gaussian(rnd, n)}, H, TOL);
    }

    @Test
    void l1RegressionWithNonnegativity() {
        Random rnd = new Random(15);
        int m = 8;
        int n = 3;
        Parameter a = Parameter.matrix("A", m, n);
        Parameter b = Parameter.vector("b", m);
        Variable x = Variable.vector("x", n);
        Problem problem = Problem.minimize(norm1(a.times(x).minus(b)), x.ge(0));
        ConvexLayer layer = ConvexLayer.builder(problem).parameters(a, b).outputs(x).settings(TIGHT).build();
        double[] av = gaussian(rnd, m * n);
        double[] bv = matVec(av, new double[] {1, 0.5, 0}, m, n);
        for (int i = 0; i < m; i++) {
            bv[i] += 0.3 * rnd.nextGaussian();
        }
        assertGradientsMatchFiniteDifferences(layer, new double[][] {av, bv}, new double[][] {gaussian(rnd, n)},
                H, TOL);
    }

    static double[] matVec(double[] a, double[] x, int rows, int cols) {
        double[] out = new double[rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[i] += a[i * cols + j] * x[j];
            }
        }
        return out;
    }

    static double[] symmetric(double[] a, int k) {
        double[] s = new double[k * k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                s[i * k + j] = 0.5 * (a[i * k + j] + a[j * k + i]);
            }
        }
        return s;
    }

    static double traceOf(double[] a, double[] x, int k) {
        double t = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                t += a[i * k + j] * x[j * k + i];
            }
        }
        return t;
    }
}
