// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import io.convexlayers.ConvexLayersException;

import java.util.Map;

/**
 * An optimization variable: a scalar, vector or matrix, optionally declared {@code NONNEG},
 * {@code NONPOS}, {@code SYMMETRIC} or {@code PSD} (attributes become constraints of the compiled
 * problem), or {@code POS}: the positive variables of a geometric program (DGP), whose logarithm
 * the log-log form optimizes; in a convex problem POS acts as NONNEG (strict inequalities have no
 * cone form). Identified by object identity.
 *
 * <pre>{@code
 * Variable x = Variable.vector("x", n);
 * Variable X = Variable.psd("X", k);
 * }</pre>
 */
public final class Variable extends Leaf {

    private Variable(String name, Shape shape, Attribute... attributes) {
        super(name, shape, attributes);
    }

    public static Variable scalar(String name, Attribute... attributes) {
        return new Variable(name, Shape.scalar(), attributes);
    }

    public static Variable vector(String name, int n, Attribute... attributes) {
        return new Variable(name, Shape.vector(n), attributes);
    }

    public static Variable matrix(String name, int rows, int cols, Attribute... attributes) {
        return new Variable(name, Shape.matrix(rows, cols), attributes);
    }

    /** A positive variable of any shape (for geometric programs). */
    public static Variable positive(String name, Shape shape) {
        return new Variable(name, shape, Attribute.POS);
    }

    /** An n×n symmetric matrix variable. */
    public static Variable symmetric(String name, int n) {
        return new Variable(name, Shape.matrix(n, n), Attribute.SYMMETRIC);
    }

    /** An n×n positive semidefinite matrix variable. */
    public static Variable psd(String name, int n) {
        return new Variable(name, Shape.matrix(n, n), Attribute.PSD);
    }

    /** A variable of any shape. */
    public static Variable of(String name, Shape shape, Attribute... attributes) {
        return new Variable(name, shape, attributes);
    }

    @Override
    protected Curvature computeCurvature(Rules rules) {
        return Curvature.AFFINE;
    }

    @Override
    double[] leafValue(Map<Variable, double[]> variableValues) {
        double[] v = variableValues.get(this);
        if (v == null) {
            throw new ConvexLayersException("no value given for variable " + name());
        }
        if (v.length != size()) {
            throw new ConvexLayersException("value of variable " + name() + " has " + v.length
                    + " entries, expected " + size() + " for shape " + shape());
        }
        return v;
    }
}
