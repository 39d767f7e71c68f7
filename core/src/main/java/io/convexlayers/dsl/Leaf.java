// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A leaf of an expression tree: a {@link Variable}, a {@link Parameter} or a {@link Constant}.
 * Variables and parameters are identified by object identity (two leaves with the same name are
 * different leaves).
 */
public abstract class Leaf extends Expression {
    private final String name;
    private final Set<Attribute> attributes;

    protected Leaf(String name, Shape shape, Attribute... attributes) {
        super(shape);
        this.name = name;
        EnumSet<Attribute> set = EnumSet.noneOf(Attribute.class);
        Collections.addAll(set, attributes);
        if ((set.contains(Attribute.SYMMETRIC) || set.contains(Attribute.PSD)) && !shape.isSquare()) {
            throw new ShapeException(name + ": attribute " + (set.contains(Attribute.PSD) ? "PSD" : "SYMMETRIC")
                    + " needs a square matrix, got shape " + shape);
        }
        if (set.contains(Attribute.NONPOS) && (set.contains(Attribute.NONNEG) || set.contains(Attribute.POS))) {
            throw new io.convexlayers.ConvexLayersException(name + ": attributes " + set + " contradict each other");
        }
        this.attributes = Collections.unmodifiableSet(set);
    }

    /** The name given at construction. */
    public String name() {
        return name;
    }

    /** The declared attributes. */
    public Set<Attribute> attributes() {
        return attributes;
    }

    public boolean has(Attribute a) {
        return attributes.contains(a);
    }

    @Override
    public final List<Expression> args() {
        return List.of();
    }

    @Override
    protected Sign computeSign() {
        if (has(Attribute.NONNEG) || has(Attribute.POS)) {
            return Sign.NONNEG;
        }
        if (has(Attribute.NONPOS)) {
            return Sign.NONPOS;
        }
        return Sign.UNKNOWN;
    }

    @Override
    public boolean isSymmetric() {
        return has(Attribute.SYMMETRIC) || has(Attribute.PSD) || shape().isScalar();
    }

    /** The value of this leaf: the given value for a variable, the current value otherwise. */
    abstract double[] leafValue(Map<Variable, double[]> variableValues);

    @Override
    protected final double[] numeric(double[][] argValues) {
        throw new UnsupportedOperationException("leaves are evaluated by leafValue");
    }

    @Override
    protected String render() {
        return name;
    }

    /** Checks {@code values} against this leaf's size and attributes; throws naming the leaf. */
    void checkAttributes(double[] values, String what) {
        if (values.length != size()) {
            throw new ParameterValueException(what + " " + name + " has shape " + shape() + " (" + size()
                    + " entries) but " + values.length + " values were given");
        }
        // The attributes read once, not per entry: a layer checks every instance of every call.
        boolean nonneg = has(Attribute.NONNEG);
        boolean pos = has(Attribute.POS);
        boolean nonpos = has(Attribute.NONPOS);
        for (int k = 0; k < values.length; k++) {
            double v = values[k];
            if (!Double.isFinite(v)) {
                throw new ParameterValueException(what + " " + name + "[" + k + "] is not finite (" + v + ")");
            }
            if (nonneg && v < 0) {
                throw new ParameterValueException(what + " " + name + " is declared NONNEG but entry " + k + " is " + v);
            }
            if (pos && !(v > 0)) {
                throw new ParameterValueException(what + " " + name + " is declared POS but entry " + k + " is " + v);
            }
            if (nonpos && v > 0) {
                throw new ParameterValueException(what + " " + name + " is declared NONPOS but entry " + k + " is " + v);
            }
        }
        if (has(Attribute.SYMMETRIC) || has(Attribute.PSD)) {
            int n = shape().rows();
            double scale = 0;
            for (double v : values) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    if (Math.abs(values[i * n + j] - values[j * n + i]) > 1e-10 * Math.max(1, scale)) {
                        throw new ParameterValueException(what + " " + name + " is declared "
                                + (has(Attribute.PSD) ? "PSD" : "SYMMETRIC") + " but entries (" + i + ", " + j
                                + ") and (" + j + ", " + i + ") differ");
                    }
                }
            }
        }
        if (has(Attribute.PSD)) {
            int n = shape().rows();
            double min = Numerics.psdViolation(values, n);
            if (!Double.isNaN(min)) {
                throw new ParameterValueException(what + " " + name
                        + " is declared PSD but its smallest eigenvalue is " + min);
            }
        }
    }
}
