// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import java.util.List;

/**
 * Cumulative sum along an axis (vectors: axis 0). Increasing and affine in its operand with
 * nonnegative coefficients, like a sum. It is canonicalized with a new variable y and first
 * differences (y_i − y_{i−1} = x_i), so its cone form has O(n) entries rather than the n²/2 of
 * the explicit lower-triangular map.
 */
public final class CumsumExpression extends Expression {
    private final Expression arg;
    private final int axis;

    CumsumExpression(Expression arg, int axis) {
        super(arg.shape());
        Shape s = arg.shape();
        boolean ok = (s.isVector() && axis == 0) || (s.isMatrix() && (axis == 0 || axis == 1));
        if (!ok) {
            throw new ShapeException("cumsum(" + arg + ", axis=" + axis + "): invalid axis for shape " + s);
        }
        this.arg = arg;
        this.axis = axis;
    }

    public int axis() {
        return axis;
    }

    /** The flat index of the entry before {@code i} along the axis, or −1 for the first. */
    public int previous(int i) {
        Shape s = shape();
        if (s.isVector()) {
            return i - 1;
        }
        int cols = s.dim(1);
        if (axis == 0) {
            return i >= cols ? i - cols : -1;
        }
        return i % cols == 0 ? -1 : i - 1;
    }

    @Override
    public List<Expression> args() {
        return List.of(arg);
    }

    @Override
    protected Sign computeSign() {
        return arg.sign();
    }

    @Override
    protected Curvature computeCurvature(Rules rules) {
        return arg.curvature(rules);
    }

    @Override
    protected double[] numeric(double[][] argValues) {
        double[] x = argValues[0];
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int p = previous(i);
            y[i] = x[i] + (p < 0 ? 0 : y[p]);
        }
        return y;
    }

    /** The adjoint of the cumulative sum: suffix sums of {@code w} along the axis. */
    public double[] adjoint(double[] w) {
        double[] out = w.clone();
        for (int i = w.length - 1; i >= 0; i--) {
            int p = previous(i);
            if (p >= 0) {
                out[p] += out[i];
            }
        }
        return out;
    }

    @Override
    protected String render() {
        return "cumsum(" + arg + (shape().isMatrix() ? ", axis=" + axis : "") + ")";
    }
}
