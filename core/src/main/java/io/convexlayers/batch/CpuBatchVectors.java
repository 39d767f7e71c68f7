// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.batch;


import java.util.Arrays;

/** {@link BatchVectors} over batch-minor {@code double[]} arrays, loops innermost over lanes. */
public final class CpuBatchVectors implements BatchVectors<double[]> {
    private final int lanes;

    public CpuBatchVectors(int lanes) {
        this.lanes = lanes;
    }

    @Override
    public int lanes() {
        return lanes;
    }

    @Override
    public double[] newVector(int length) {
        return new double[length * lanes];
    }

    @Override
    public void copy(double[] src, double[] dst) {
        System.arraycopy(src, 0, dst, 0, src.length);
    }

    @Override
    public void zero(double[] v) {
        Arrays.fill(v, 0);
    }

    @Override
    public void norm2(double[] v, double[] out) {
        dot(v, v, out);
        for (int l = 0; l < lanes; l++) {
            out[l] = Math.sqrt(out[l]);
        }
    }

    @Override
    public void dot(double[] a, double[] b, double[] out) {
        Arrays.fill(out, 0, lanes, 0);
        for (int k = 0; k < a.length; k += lanes) {
            for (int l = 0; l < lanes; l++) {
                out[l] += a[k + l] * b[k + l];
            }
        }
    }

    @Override
    public void scale(double[] v, double[] alpha) {
        for (int k = 0; k < v.length; k += lanes) {
            for (int l = 0; l < lanes; l++) {
                v[k + l] *= alpha[l];
            }
        }
    }

    @Override
    public void axpby(double[] alpha, double[] x, double[] beta, double[] y) {
        for (int k = 0; k < y.length; k += lanes) {
            for (int l = 0; l < lanes; l++) {
                y[k + l] = alpha[l] * x[k + l] + beta[l] * y[k + l];
            }
        }
    }

    @Override
    public void upload(double[] host, double[] v) {
        System.arraycopy(host, 0, v, 0, v.length);
    }

    @Override
    public void download(double[] v, double[] host) {
        System.arraycopy(v, 0, host, 0, v.length);
    }
}
