// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.batch;

/** The transpose of a batch operator, without copying anything ({@link BatchOperator#transposed}). */
final class TransposedOperator<V> implements BatchOperator<V> {
    private final BatchOperator<V> op;

    TransposedOperator(BatchOperator<V> op) {
        this.op = op;
    }

    @Override
    public int rows() {
        return op.cols();
    }

    @Override
    public int cols() {
        return op.rows();
    }

    @Override
    public void apply(V in, V out) {
        op.applyTranspose(in, out);
    }

    @Override
    public void applyTranspose(V in, V out) {
        op.apply(in, out);
    }
}
