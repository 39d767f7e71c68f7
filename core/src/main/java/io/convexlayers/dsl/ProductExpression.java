// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import java.util.List;

/**
 * A product of two expressions: scalar multiplication (one side a scalar), elementwise product,
 * matrix product or Kronecker product. DCP needs one side constant; DPP needs one side constant,
 * or one side parameter-affine and the other parameter-free (DESIGN §3).
 */
public final class ProductExpression extends Expression {

    /** Which product. */
    public enum Kind {
        /** One side is a scalar: c·E. */
        SCALAR,
        /** Same shapes, entry by entry. */
        ELEMENTWISE,
        /** Matrix product {@code L @ R}; vectors act as a column on the right, a row on the left. */
        MATMUL,
        /** Kronecker product; vectors act as columns. */
        KRON
    }

    private final Kind kind;
    private final Expression left;
    private final Expression right;

    ProductExpression(Kind kind, Expression left, Expression right) {
        super(shapeOf(kind, left, right));
        this.kind = kind;
        this.left = left;
        this.right = right;
    }

    private static Shape shapeOf(Kind kind, Expression l, Expression r) {
        Shape a = l.shape();
        Shape b = r.shape();
        switch (kind) {
            case SCALAR:
                if (!a.isScalar() && !b.isScalar()) {
                    throw new ShapeException("scalar product: neither " + l + " " + a + " nor " + r + " " + b
                            + " is a scalar");
                }
                return a.isScalar() ? b : a;
            case ELEMENTWISE:
                return broadcast("multiply", l, r);
            case MATMUL: {
                if (a.isScalar() || b.isScalar()) {
                    throw new ShapeException("matrix product " + l + " @ " + r + ": scalar operand (shapes " + a
                            + " and " + b + "); use times for scalar multiplication");
                }
                int inner = a.isVector() ? a.dim(0) : a.dim(1);
                int innerR = b.dim(0);
                if (inner != innerR) {
                    throw new ShapeException("matrix product " + l + " @ " + r + ": shapes " + a + " and " + b
                            + " do not align (" + inner + " != " + innerR + ")");
                }
                if (a.isVector() && b.isVector()) {
                    return Shape.scalar();
                }
                if (a.isVector()) {
                    return Shape.vector(b.dim(1));
                }
                if (b.isVector()) {
                    return Shape.vector(a.dim(0));
                }
                return Shape.matrix(a.dim(0), b.dim(1));
            }
            default: {
                String what = "kron(" + l + ", " + r + ") of shapes " + a + " and " + b;
                if (a.isVector() && b.isVector()) {
                    return Shape.vector(Shape.dimension(what, (long) a.dim(0) * b.dim(0)));
                }
                return Shape.matrix(Shape.dimension(what, (long) a.rows() * b.rows()),
                        Shape.dimension(what, (long) a.cols() * b.cols()));
            }
        }
    }

    public Kind kind() {
        return kind;
    }

    public Expression left() {
        return left;
    }

    public Expression right() {
        return right;
    }

    @Override
    public List<Expression> args() {
        return List.of(left, right);
    }

    @Override
    protected Sign computeSign() {
        return left.sign().multiply(right.sign());
    }

    /** Whether {@code a} may act as the constant coefficient of a product with {@code other}. */
    static boolean isCoefficient(Expression a, Expression other, Rules rules) {
        if (a.curvature(rules) == Curvature.CONSTANT) {
            return true;
        }
        return rules == Rules.DPP && a.isParameterAffine() && other.isParameterFree();
    }

    @Override
    protected Curvature computeCurvature(Rules rules) {
        Curvature l = left.curvature(rules);
        Curvature r = right.curvature(rules);
        if (!l.isKnown() || !r.isKnown()) {
            return Curvature.UNKNOWN;
        }
        boolean lc = isCoefficient(left, right, rules);
        boolean rc = isCoefficient(right, left, rules);
        if (lc && rc) {
            return l == Curvature.CONSTANT && r == Curvature.CONSTANT ? Curvature.CONSTANT : Curvature.AFFINE;
        }
        if (lc) {
            return r.scaleBy(left.sign());
        }
        if (rc) {
            return l.scaleBy(right.sign());
        }
        return Curvature.UNKNOWN;
    }

    @Override
    protected String violation(Rules rules) {
        boolean lc = isCoefficient(left, right, rules);
        boolean rc = isCoefficient(right, left, rules);
        if (lc || rc) {
            Expression coef = lc ? left : right;
            Expression other = lc ? right : left;
            return "the coefficient " + coef + " has unknown sign, so its product with the "
                    + other.curvature(rules).word() + " " + other + " has no known curvature";
        }
        if (rules == Rules.DCP) {
            return "multiplies two non-constant expressions " + left + " and " + right;
        }
        if (!left.hasVariables() && !right.hasVariables()) {
            return "multiplies two parameter-dependent expressions " + left + " and " + right
                    + " (a product of parameters is not affine in the parameters)";
        }
        Expression coef = left.hasVariables() ? right : left;
        Expression other = left.hasVariables() ? left : right;
        if (!coef.isParameterAffine()) {
            return "the coefficient " + coef + " is not affine in the parameters";
        }
        return "a product needs one side constant, or one side parameter-affine and the other parameter-free; "
                + coef + " is parameter-affine but " + other + " depends on parameters";
    }

    @Override
    protected String suggestion(Rules rules) {
        if (rules != Rules.DPP) {
            return null;
        }
        if (!left.hasVariables() && !right.hasVariables()) {
            return "introduce a new parameter for " + this + " and set its value to the product";
        }
        Expression coef = left.hasVariables() ? right : left;
        Expression other = left.hasVariables() ? left : right;
        if (!coef.isParameterAffine()) {
            return "replace " + coef + " by a new parameter q and set q's value to " + coef;
        }
        String op = kind == Kind.MATMUL ? " @ " : " * ";
        return "introduce a variable y with the constraint y == " + other + " and write "
                + (coef == left ? wrap(coef, PREC_MUL) + op + "y" : "y" + op + wrap(coef, PREC_MUL + 1));
    }

    @Override
    public boolean isSymmetric() {
        return switch (kind) {
            case SCALAR -> left.shape().isScalar() ? right.isSymmetric() : left.isSymmetric();
            case ELEMENTWISE, KRON -> left.isSymmetric() && right.isSymmetric();
            case MATMUL -> false;
        };
    }

    @Override
    protected double[] numeric(double[][] v) {
        double[] a = v[0];
        double[] b = v[1];
        switch (kind) {
            case SCALAR:
            case ELEMENTWISE: {
                double[] out = new double[size()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = a[a.length == 1 ? 0 : i] * b[b.length == 1 ? 0 : i];
                }
                return out;
            }
            case MATMUL: {
                Shape sa = left.shape();
                Shape sb = right.shape();
                int m = sa.isVector() ? 1 : sa.dim(0);
                int k = sb.dim(0);
                int n = sb.isVector() ? 1 : sb.dim(1);
                double[] out = new double[m * n];
                for (int i = 0; i < m; i++) {
                    for (int p = 0; p < k; p++) {
                        double aip = a[i * k + p];
                        if (aip == 0) {
                            continue;
                        }
                        for (int j = 0; j < n; j++) {
                            out[i * n + j] += aip * b[p * n + j];
                        }
                    }
                }
                return out;
            }
            default: {
                Shape sa = left.shape();
                Shape sb = right.shape();
                int p = sa.rows();
                int q = sa.cols();
                int r = sb.rows();
                int s = sb.cols();
                double[] out = new double[p * q * r * s];
                int cols = q * s;
                for (int i = 0; i < p; i++) {
                    for (int j = 0; j < q; j++) {
                        for (int k = 0; k < r; k++) {
                            for (int l = 0; l < s; l++) {
                                out[(i * r + k) * cols + j * s + l] = a[i * q + j] * b[k * s + l];
                            }
                        }
                    }
                }
                return out;
            }
        }
    }

    @Override
    protected int precedence() {
        return kind == Kind.SCALAR || kind == Kind.MATMUL ? PREC_MUL : PREC_ATOM;
    }

    @Override
    protected String render() {
        return switch (kind) {
            case SCALAR -> wrap(left, PREC_MUL) + " * " + wrap(right, PREC_MUL + 1);
            case MATMUL -> wrap(left, PREC_MUL) + " @ " + wrap(right, PREC_MUL + 1);
            case ELEMENTWISE -> "multiply(" + left + ", " + right + ")";
            case KRON -> "kron(" + left + ", " + right + ")";
        };
    }
}
