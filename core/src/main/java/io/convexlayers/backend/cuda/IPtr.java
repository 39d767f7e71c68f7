// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

/** An {@code int*} of a kernel twin: an array and an element offset (see {@link DPtr}). */
record IPtr(int[] a, int o) {
    int get(int k) {
        return a[o + k];
    }

    void set(int k, int v) {
        a[o + k] = v;
    }
}
