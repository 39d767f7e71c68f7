// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import org.ejml.data.DMatrixRMaj;

import java.util.Map;

/**
 * A problem parameter: a scalar, vector or matrix whose value may change between solves without
 * recompiling. Optionally declared {@code NONNEG}, {@code POS}, {@code NONPOS}, {@code SYMMETRIC}
 * or {@code PSD}; values are checked against the attributes when set. Under the DCP rules a
 * parameter is a constant of the declared sign; under the DPP rules it is affine. Identified by
 * object identity; the value is the only mutable state of an expression tree.
 */
public final class Parameter extends Leaf {
    private volatile double[] value;

    private Parameter(String name, Shape shape, Attribute... attributes) {
        super(name, shape, attributes);
    }

    public static Parameter scalar(String name, Attribute... attributes) {
        return new Parameter(name, Shape.scalar(), attributes);
    }

    public static Parameter vector(String name, int n, Attribute... attributes) {
        return new Parameter(name, Shape.vector(n), attributes);
    }

    public static Parameter matrix(String name, int rows, int cols, Attribute... attributes) {
        return new Parameter(name, Shape.matrix(rows, cols), attributes);
    }

    /** A parameter of any shape. */
    public static Parameter of(String name, Shape shape, Attribute... attributes) {
        return new Parameter(name, shape, attributes);
    }

    /**
     * Sets the value, row-major (a scalar takes one number).
     *
     * @return this parameter, for chaining
     * @throws ParameterValueException on a wrong length, a non-finite entry, or a violated attribute
     */
    public Parameter setValue(double... values) {
        double[] v = values.clone();
        checkAttributes(v, "parameter");
        this.value = v;
        return this;
    }

    /** Sets a matrix value from rows. */
    public Parameter setValue(double[][] rows) {
        int r = shape().rows();
        int c = shape().cols();
        if (rows.length != r) {
            throw new ParameterValueException("parameter " + name() + " has shape " + shape() + " but "
                    + rows.length + " rows were given");
        }
        double[] v = new double[r * c];
        for (int i = 0; i < r; i++) {
            if (rows[i].length != c) {
                throw new ParameterValueException("parameter " + name() + " has shape " + shape() + " but row "
                        + i + " has " + rows[i].length + " entries");
            }
            System.arraycopy(rows[i], 0, v, i * c, c);
        }
        return setValue(v);
    }

    /** Sets a matrix value from an EJML matrix of the same dimensions. */
    public Parameter setValue(DMatrixRMaj m) {
        if (m.getNumRows() != shape().rows() || m.getNumCols() != shape().cols()) {
            throw new ParameterValueException("parameter " + name() + " has shape " + shape() + " but the matrix is "
                    + m.getNumRows() + "x" + m.getNumCols());
        }
        double[] v = new double[m.getNumElements()];
        System.arraycopy(m.data, 0, v, 0, v.length);
        return setValue(v);
    }

    /** True once a value has been set. */
    public boolean hasValue() {
        return value != null;
    }

    /**
     * A copy of the current value (row-major).
     *
     * @throws ParameterValueException when no value has been set
     */
    public double[] getValue() {
        double[] v = value;
        if (v == null) {
            throw new ParameterValueException("parameter " + name() + " has no value");
        }
        return v.clone();
    }

    /**
     * Checks a prospective value (length and attributes) without setting it.
     *
     * @throws ParameterValueException naming this parameter
     */
    public void checkValue(double[] values) {
        checkAttributes(values, "parameter");
    }

    @Override
    protected Curvature computeCurvature(Rules rules) {
        return rules == Rules.DCP ? Curvature.CONSTANT : Curvature.AFFINE;
    }

    @Override
    double[] leafValue(Map<Variable, double[]> variableValues) {
        return getValue();
    }
}
