// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import org.ejml.data.DMatrixRMaj;

import java.util.Map;

/**
 * A numeric constant: a number, a vector, a matrix (from rows or an EJML {@link DMatrixRMaj}).
 * Values are copied. An optional name is used when printing (otherwise a scalar prints as its
 * value and an array as {@code const(3, 4)}).
 */
public final class Constant extends Leaf {
    private final double[] values;
    private final boolean named;

    private Constant(String name, boolean named, Shape shape, double[] values) {
        super(name, shape);
        this.values = values;
        this.named = named;
        for (int k = 0; k < values.length; k++) {
            if (!Double.isFinite(values[k])) {
                throw new io.convexlayers.ConvexLayersException("constant " + name + ": entry " + k
                        + " is not finite (" + values[k] + ")");
            }
        }
    }

    private static Constant unnamed(Shape shape, double[] values) {
        String name = shape.isScalar() ? format(values[0]) : "const" + shape;
        return new Constant(name, false, shape, values);
    }

    public static Constant scalar(double value) {
        return unnamed(Shape.scalar(), new double[] {value});
    }

    public static Constant vector(double... values) {
        return unnamed(Shape.vector(values.length), values.clone());
    }

    /** A matrix from rows (all of equal length). */
    public static Constant matrix(double[][] rows) {
        return unnamed(shapeOf(rows), flatten(rows));
    }

    /** A matrix from an EJML matrix. */
    public static Constant of(DMatrixRMaj m) {
        double[] v = new double[m.getNumElements()];
        System.arraycopy(m.data, 0, v, 0, v.length);
        return unnamed(Shape.matrix(m.getNumRows(), m.getNumCols()), v);
    }

    /** Row-major values with an explicit shape. */
    public static Constant of(Shape shape, double... values) {
        if (values.length != shape.size()) {
            throw new ShapeException("constant of shape " + shape + " needs " + shape.size() + " values, got "
                    + values.length);
        }
        return unnamed(shape, values.clone());
    }

    /** A named matrix constant (prints as its name). */
    public static Constant named(String name, double[][] rows) {
        return new Constant(name, true, shapeOf(rows), flatten(rows));
    }

    /** A named constant from an EJML matrix. */
    public static Constant named(String name, DMatrixRMaj m) {
        double[] v = new double[m.getNumElements()];
        System.arraycopy(m.data, 0, v, 0, v.length);
        return new Constant(name, true, Shape.matrix(m.getNumRows(), m.getNumCols()), v);
    }

    /** A named constant with an explicit shape, row-major values. */
    public static Constant named(String name, Shape shape, double... values) {
        if (values.length != shape.size()) {
            throw new ShapeException("constant " + name + " of shape " + shape + " needs " + shape.size()
                    + " values, got " + values.length);
        }
        return new Constant(name, true, shape, values.clone());
    }

    /** A copy of the values, row-major. */
    public double[] values() {
        return values.clone();
    }

    /** True when a name was given. */
    public boolean isNamed() {
        return named;
    }

    private static Shape shapeOf(double[][] rows) {
        if (rows.length == 0 || rows[0].length == 0) {
            throw new ShapeException("a constant matrix needs at least one row and one column");
        }
        for (double[] r : rows) {
            if (r.length != rows[0].length) {
                throw new ShapeException("ragged constant matrix: rows of length " + rows[0].length + " and "
                        + r.length);
            }
        }
        return Shape.matrix(rows.length, rows[0].length);
    }

    private static double[] flatten(double[][] rows) {
        int c = rows[0].length;
        double[] v = new double[rows.length * c];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, v, i * c, c);
        }
        return v;
    }

    /** Compact number formatting for printing expressions. */
    static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    @Override
    protected Sign computeSign() {
        return Sign.of(values);
    }

    @Override
    protected Curvature computeCurvature(Rules rules) {
        return Curvature.CONSTANT;
    }

    @Override
    public boolean isSymmetric() {
        if (!shape().isSquare()) {
            return false;
        }
        int n = shape().rows();
        double tol = 1e-12 * Math.max(1, Numerics.maxAbs(values));
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (Math.abs(values[i * n + j] - values[j * n + i]) > tol) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    double[] leafValue(Map<Variable, double[]> variableValues) {
        return values;
    }
}
