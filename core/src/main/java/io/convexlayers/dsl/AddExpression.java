// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import java.util.ArrayList;
import java.util.List;

/**
 * An n-ary sum of expressions of one shape, where scalar terms broadcast. Nested sums are
 * flattened when built, so long chains {@code a.plus(b).plus(c)…} stay one node.
 */
public final class AddExpression extends Expression {
    private final List<Expression> terms;

    private AddExpression(Shape shape, List<Expression> terms) {
        super(shape);
        this.terms = List.copyOf(terms);
    }

    static Expression of(Expression a, Expression b) {
        Shape shape = broadcast("plus", a, b);
        List<Expression> terms = new ArrayList<>();
        addTerms(terms, a);
        addTerms(terms, b);
        return new AddExpression(shape, terms);
    }

    private static void addTerms(List<Expression> out, Expression e) {
        if (e instanceof AddExpression add) {
            out.addAll(add.terms);
        } else {
            out.add(e);
        }
    }

    @Override
    public List<Expression> args() {
        return terms;
    }

    @Override
    protected Sign computeSign() {
        Sign s = Sign.ZERO;
        for (Expression t : terms) {
            s = s.add(t.sign());
        }
        return s;
    }

    @Override
    protected Curvature computeCurvature(Rules rules) {
        Curvature c = Curvature.CONSTANT;
        for (Expression t : terms) {
            c = c.add(t.curvature(rules));
        }
        return c;
    }

    @Override
    protected String violation(Rules rules) {
        Expression convex = null;
        Expression concave = null;
        for (Expression t : terms) {
            Curvature c = t.curvature(rules);
            if (c == Curvature.CONVEX && convex == null) {
                convex = t;
            }
            if (c == Curvature.CONCAVE && concave == null) {
                concave = t;
            }
        }
        return "adds the convex " + convex + " and the concave " + concave + " (such a sum has no known curvature)";
    }

    @Override
    public boolean isSymmetric() {
        for (Expression t : terms) {
            if (!t.isSymmetric() && !t.shape().isScalar()) {
                return false;
            }
        }
        return shape().isSquare();
    }

    @Override
    protected double[] numeric(double[][] argValues) {
        double[] out = new double[size()];
        for (double[] v : argValues) {
            if (v.length == 1) {
                for (int i = 0; i < out.length; i++) {
                    out[i] += v[0];
                }
            } else {
                for (int i = 0; i < out.length; i++) {
                    out[i] += v[i];
                }
            }
        }
        return out;
    }

    @Override
    protected int precedence() {
        return PREC_ADD;
    }

    @Override
    protected String render() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < terms.size(); i++) {
            Expression t = terms.get(i);
            if (i == 0) {
                sb.append(wrap(t, PREC_ADD));
            } else if (t instanceof NegateExpression neg) {
                sb.append(" - ").append(wrap(neg.args().get(0), PREC_MUL));
            } else if (t instanceof Constant c && c.shape().isScalar() && !c.isNamed() && c.values()[0] < 0) {
                sb.append(" - ").append(Constant.format(-c.values()[0]));
            } else {
                sb.append(" + ").append(wrap(t, PREC_ADD));
            }
        }
        return sb.toString();
    }
}
