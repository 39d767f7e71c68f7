// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.batch;

/**
 * Batched vector arithmetic with per-lane scalars, the building blocks of iterative methods such as
 * LSQR that run in lock-step over a batch (DESIGN §6). Vectors are opaque handles holding
 * {@code length} entries per lane, batch-minor; per-lane scalars are host arrays of length
 * {@link #lanes()}.
 *
 * @param <V> the backend's vector handle
 */
public interface BatchVectors<V> {

    /** Number of lanes. */
    int lanes();

    /** A zeroed vector of {@code length} entries per lane. */
    V newVector(int length);

    /** dst = src, every lane. */
    void copy(V src, V dst);

    /** v = 0, every lane. */
    void zero(V v);

    /** out[l] = ‖v_l‖₂. */
    void norm2(V v, double[] out);

    /** out[l] = ⟨a_l, b_l⟩. */
    void dot(V a, V b, double[] out);

    /** v_l *= alpha[l]. */
    void scale(V v, double[] alpha);

    /** y_l = alpha[l]·x_l + beta[l]·y_l. */
    void axpby(double[] alpha, V x, double[] beta, V y);

    /** Copies a host batch-minor array into v. */
    void upload(double[] host, V v);

    /** Copies v into a host batch-minor array. */
    void download(V v, double[] host);
}
