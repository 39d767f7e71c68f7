// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.examples;

/**
 * The Adam optimizer (Kingma and Ba, 2015) over one flat parameter vector, with the usual bias
 * correction: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − α·m̂/(√v̂ + ε).
 */
final class Adam {
    private final double rate;
    private final double beta1 = 0.9;
    private final double beta2 = 0.999;
    private final double eps = 1e-8;
    private final double[] m;
    private final double[] v;
    private int t;

    Adam(int size, double rate) {
        this.rate = rate;
        this.m = new double[size];
        this.v = new double[size];
    }

    /** One step on {@code theta} (in place) along the gradient {@code g}. */
    void step(double[] theta, double[] g) {
        t++;
        double c1 = 1 - Math.pow(beta1, t);
        double c2 = 1 - Math.pow(beta2, t);
        for (int i = 0; i < theta.length; i++) {
            m[i] = beta1 * m[i] + (1 - beta1) * g[i];
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
            theta[i] -= rate * (m[i] / c1) / (Math.sqrt(v[i] / c2) + eps);
        }
    }
}
