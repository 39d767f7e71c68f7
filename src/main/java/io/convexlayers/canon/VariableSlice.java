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
        System.arraycopy(x, offset, v, 0, v.length);
        return v;
    }

    /** dx[offset + i] += dValue[i] (the adjoint of {@link #extract}). */
    public void scatterAdd(double[] dValue, double[] dx) {
        for (int i = 0; i < dValue.length; i++) {
            dx[offset + i] += dValue[i];
        }
    }
}
