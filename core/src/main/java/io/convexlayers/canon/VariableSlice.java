// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.canon;

import io.convexlayers.dsl.Shape;
import io.convexlayers.dsl.Variable;

/**
 * Where a user variable lives in the cone program's x: the entries {@code [offset, offset + size)}
 * hold its value in row-major order. Recovery is a gather; its adjoint a scatter.
 *
 * @param variable the user variable
 * @param offset   first column of x
 * @param shape    the variable's shape
 */
public record VariableSlice(Variable variable, int offset, Shape shape) {

    /** Number of entries. */
    public int size() {
        return shape.size();
    }

    /** The variable's value (row-major) from a solution x. */
    public double[] extract(double[] x) {
        double[] v = new double[size()];
        gather(x, 1, 0, v, 0);
        return v;
    }

    /**
     * Instance b's value from a batch-minor x of {@code batch} instances (entry j of instance b at
     * {@code j * batch + b}), written row-major to {@code out[outOffset, outOffset + size)}.
     */
    public void gather(double[] x, int batch, int b, double[] out, int outOffset) {
        int size = size();
        for (int i = 0; i < size; i++) {
            out[outOffset + i] = x[(offset + i) * batch + b];
        }
    }

    /**
     * The adjoint of {@link #gather}: adds {@code g[gOffset, gOffset + size)} into instance b of a
     * batch-minor dx.
     */
    public void scatterAdd(double[] g, int gOffset, double[] dx, int batch, int b) {
        int size = size();
        for (int i = 0; i < size; i++) {
            dx[(offset + i) * batch + b] += g[gOffset + i];
        }
    }
}
