// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import java.util.List;

/** The negation −e. */
public final class NegateExpression extends Expression {
    private final Expression arg;

    NegateExpression(Expression arg) {
        super(arg.shape());
        this.arg = arg;
    }

    @Override
    public List<Expression> args() {
        return List.of(arg);
    }

    @Override
    protected Sign computeSign() {
        return arg.sign().negate();
    }

    @Override
    protected Curvature computeCurvature(Rules rules) {
        return arg.curvature(rules).negate();
    }

    @Override
    public boolean isSymmetric() {
        return arg.isSymmetric();
    }

    @Override
    protected double[] numeric(double[][] argValues) {
        double[] v = argValues[0];
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = -v[i];
        }
        return out;
    }

    @Override
    protected int precedence() {
        return PREC_NEG;
    }

    @Override
    protected String render() {
        return "-" + wrap(arg, PREC_NEG);
    }
}
