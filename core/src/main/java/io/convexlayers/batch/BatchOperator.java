// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.batch;

/**
 * A linear operator per lane of a batch, applied in lock-step: out_l = K_l·in_l and
 * out_l = K_lᵀ·in_l. Vectors are the backend's batch-minor handles.
 *
 * @param <V> the backend's vector handle
 */
public interface BatchOperator<V> {

    /** Rows of every K_l. */
    int rows();

    /** Columns of every K_l. */
    int cols();

    /** out = K·in (length cols → rows). {@code out} is overwritten. */
    void apply(V in, V out);

    /** out = Kᵀ·in (length rows → cols). {@code out} is overwritten. */
    void applyTranspose(V in, V out);

    /** Kᵀ as an operator of its own, sharing this one's data (LSQR on the transposed system). */
    default BatchOperator<V> transposed() {
        return new TransposedOperator<>(this);
    }
}
