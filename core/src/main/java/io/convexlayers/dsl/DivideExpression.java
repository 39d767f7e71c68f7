// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import io.convexlayers.ConvexLayersException;

import java.util.List;

/**
 * Division {@code N / D} by a constant D of known sign: a scalar, or elementwise by an expression
 * of N's shape. Under DPP the divisor must also be parameter-free (1/p is not affine in p); the
 * standard rewrite multiplies by a new parameter q = 1/p.
 */
public final class DivideExpression extends Expression {
    private final Expression num;
    private final Expression den;

    DivideExpression(Expression num, Expression den) {
        super(broadcast("div", num, den));
        this.num = num;
        this.den = den;
        if (den instanceof Constant c) {
            for (double v : c.values()) {
                if (v == 0) {
                    throw new ConvexLayersException("division by zero: " + num + " / " + den);
                }
            }
        }
    }

    public Expression numerator() {
        return num;
    }

    public Expression denominator() {
        return den;
    }

    @Override
    public List<Expression> args() {
        return List.of(num, den);
    }

    @Override
    protected Sign computeSign() {
        return num.sign().multiply(den.sign());
    }

    private static boolean divisorOk(Expression den, Rules rules) {
        if (den.curvature(rules) != Curvature.CONSTANT) {
            return false;
        }
        Sign s = den.sign();
        return s == Sign.NONNEG || s == Sign.NONPOS;
    }

    @Override
    protected Curvature computeCurvature(Rules rules) {
        Curvature n = num.curvature(rules);
        if (!n.isKnown() || !den.curvature(rules).isKnown()) {
            return Curvature.UNKNOWN;
        }
        if (!divisorOk(den, rules)) {
            return Curvature.UNKNOWN;
        }
        return n.scaleBy(den.sign());
    }

    @Override
    protected String violation(Rules rules) {
        if (den.hasVariables()) {
            return "divides by the non-constant expression " + den;
        }
        if (rules == Rules.DPP && den.hasParameters()) {
            return "divides by the parameter expression " + den + " (1/" + wrap(den, PREC_ATOM)
                    + " is not affine in the parameters)";
        }
        return "divides by " + den + " whose sign is not known (declare it POS or NONPOS)";
    }

    @Override
    protected String suggestion(Rules rules) {
        if (rules == Rules.DPP && !den.hasVariables() && den.hasParameters()) {
            return "write " + wrap(num, PREC_MUL) + " * q with a new parameter q whose value is 1/" + wrap(den, PREC_ATOM);
        }
        return null;
    }

    @Override
    public boolean isSymmetric() {
        return den.shape().isScalar() && num.isSymmetric();
    }

    @Override
    protected double[] numeric(double[][] v) {
        double[] a = v[0];
        double[] b = v[1];
        double[] out = new double[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a[a.length == 1 ? 0 : i] / b[b.length == 1 ? 0 : i];
        }
        return out;
    }

    @Override
    protected int precedence() {
        return PREC_MUL;
    }

    @Override
    protected String render() {
        return wrap(num, PREC_MUL) + " / " + wrap(den, PREC_MUL + 1);
    }
}
