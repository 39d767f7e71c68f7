// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

/**
 * A {@code double*} of a kernel twin: an array and an element offset, so that twin code reads like the
 * CUDA kernel it mirrors ({@code x.get(k)} for {@code x[k]}).
 */
record DPtr(double[] a, int o) {
    double get(int k) {
        return a[o + k];
    }

    void set(int k, double v) {
        a[o + k] = v;
    }

    void add(int k, double v) {
        a[o + k] += v;
    }
}
