// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.layer;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shared helpers of the layer tests: random data, a linear loss, and batched finite differences. */
final class LayerTesting {
    private LayerTesting() {
    }

    static double[] gaussian(Random rnd, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextGaussian();
        }
        return v;
    }

    static double[] uniform(Random rnd, int n, double lo, double hi) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * rnd.nextDouble();
        }
        return v;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** The linear loss Σ_k ⟨w_k, output_k⟩ of each instance of a result. */
    static double[] linearLoss(LayerResult r, double[][] weights) {
        double[] loss = new double[r.batchSize()];
        for (int k = 0; k < weights.length; k++) {
            double[] v = r.value(k);
            int s = weights[k].length;
            for (int b = 0; b < r.batchSize(); b++) {
                for (int i = 0; i < s; i++) {
                    loss[b] += weights[k][i] * v[b * s + i];
                }
            }
        }
        return loss;
    }

    /**
     * Central differences of the linear loss with respect to every entry of parameter {@code j},
     * all 2·s perturbed problems solved as one batch (parameter j batched, the others broadcast).
     */
    static double[] finiteDifferences(ConvexLayer layer, double[][] values, int j, double[][] weights, double h) {
        int s = values[j].length;
        double[][] args = values.clone();
        double[] batched = new double[2 * s * s];
        for (int i = 0; i < s; i++) {
            for (int sign = 0; sign < 2; sign++) {
                int b = 2 * i + sign;
                System.arraycopy(values[j], 0, batched, b * s, s);
                batched[b * s + i] += sign == 0 ? h : -h;
            }
        }
        args[j] = batched;
        LayerResult r = layer.forward(ForwardOptions.batch(2 * s), args);
        double[] loss = linearLoss(r, weights);
        double[] fd = new double[s];
        for (int i = 0; i < s; i++) {
            fd[i] = (loss[2 * i] - loss[2 * i + 1]) / (2 * h);
        }
        return fd;
    }

    /** Backward gradients of the linear loss against central differences, for every parameter. */
    static void assertGradientsMatchFiniteDifferences(ConvexLayer layer, double[][] values, double[][] weights,
                                                      double h, double tol) {
        LayerResult r = layer.forward(values);
        assertTrue(r.allSolved(), r::toString);
        Gradients g = r.backward(weights);
        assertTrue(g.allAccurate(), "derivative quality");
        double largest = 0;
        for (int j = 0; j < values.length; j++) {
            double[] fd = finiteDifferences(layer, values, j, weights, h);
            double[] an = g.of(j);
            for (int i = 0; i < fd.length; i++) {
                assertEquals(fd[i], an[i], tol, "d loss / d " + layer.parameters().get(j).name() + "[" + i + "]");
                largest = Math.max(largest, Math.abs(fd[i]));
            }
        }
        assertTrue(largest > 1e-2, "the gradients are not all (near) zero: " + largest);
    }

    static void assertClose(double[] expected, double[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol, what + "[" + i + "]");
        }
    }
}
