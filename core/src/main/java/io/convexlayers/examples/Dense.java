// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.examples;

import java.util.Random;

/** Small row-major dense helpers shared by the examples (no allocation-free ambitions). */
final class Dense {
    private Dense() {
    }

    /** y = M·x for a rows × cols matrix M. */
    static double[] times(double[] m, int rows, int cols, double[] x, int xOffset) {
        double[] y = new double[rows];
        for (int i = 0; i < rows; i++) {
            double acc = 0;
            for (int j = 0; j < cols; j++) {
                acc += m[i * cols + j] * x[xOffset + j];
            }
            y[i] = acc;
        }
        return y;
    }

    /** y = Mᵀ·x for a rows × cols matrix M (x has rows entries). */
    static double[] transposeTimes(double[] m, int rows, int cols, double[] x, int xOffset) {
        double[] y = new double[cols];
        for (int i = 0; i < rows; i++) {
            double xi = x[xOffset + i];
            for (int j = 0; j < cols; j++) {
                y[j] += m[i * cols + j] * xi;
            }
        }
        return y;
    }

    static double[] gaussian(Random rnd, int n, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = scale * rnd.nextGaussian();
        }
        return v;
    }

    static double dot(double[] a, int aOffset, double[] b, int bOffset, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += a[aOffset + i] * b[bOffset + i];
        }
        return s;
    }

    /** The identity scaled by s, n × n. */
    static double[] identity(int n, double s) {
        double[] m = new double[n * n];
        for (int i = 0; i < n; i++) {
            m[i * n + i] = s;
        }
        return m;
    }
}
