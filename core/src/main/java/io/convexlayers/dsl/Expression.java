// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import io.convexlayers.ConvexLayersException;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node of a convex-optimization expression: immutable, with a shape, a sign, a curvature under
 * the DCP and the DPP rules, and a readable {@link #toString()} such as {@code norm2(A @ x - b)}.
 * Build expressions from {@link Variable}, {@link Parameter} and {@link Constant} leaves with the
 * methods here and the atoms of {@link Atoms}.
 *
 * <p>Operators follow NumPy/CVXPY: {@link #times} is a matrix product unless one side is a scalar;
 * {@link #multiply} is elementwise; scalars broadcast in elementwise operations and comparisons.
 */
public abstract class Expression {
    /** Operator precedence used for parenthesization when printing. */
    static final int PREC_ADD = 1;
    static final int PREC_MUL = 2;
    static final int PREC_NEG = 3;
    static final int PREC_ATOM = 4;

    private final Shape shape;
    private volatile Analysis analysis;

    /** The results of the sign/curvature analysis, computed once. */
    private record Analysis(Sign sign, Curvature dcp, Curvature dpp, boolean hasVariables,
                            boolean hasParameters) {
    }

    protected Expression(Shape shape) {
        this.shape = shape;
    }

    // ---------------------------------------------------------------- structure

    public final Shape shape() {
        return shape;
    }

    /** Number of entries. */
    public final int size() {
        return shape.size();
    }

    /** The operands of this node (empty for leaves). */
    public abstract List<Expression> args();

    // ---------------------------------------------------------------- analysis

    private Analysis analysis() {
        Analysis a = analysis;
        if (a == null) {
            boolean vars = this instanceof Variable;
            boolean params = this instanceof Parameter;
            for (Expression e : args()) {
                vars |= e.hasVariables();
                params |= e.hasParameters();
            }
            a = new Analysis(computeSign(), computeCurvature(Rules.DCP), computeCurvature(Rules.DPP), vars, params);
            analysis = a;
        }
        return a;
    }

    /** The sign of every entry (same under both rule sets: it relies on declared attributes only). */
    public final Sign sign() {
        return analysis().sign();
    }

    /** The DCP curvature (parameters count as constants). */
    public final Curvature curvature() {
        return analysis().dcp();
    }

    /** The curvature under the given rule set. */
    public final Curvature curvature(Rules rules) {
        return rules == Rules.DCP ? analysis().dcp() : analysis().dpp();
    }

    /** True when the expression contains a variable. */
    public final boolean hasVariables() {
        return analysis().hasVariables();
    }

    /** True when the expression contains a parameter. */
    public final boolean hasParameters() {
        return analysis().hasParameters();
    }

    /** No variables (parameters allowed): constant for one fixed parameter value. */
    public final boolean isConstant() {
        return !hasVariables();
    }

    /** No parameters. */
    public final boolean isParameterFree() {
        return !hasParameters();
    }

    /**
     * Parameter-affine in the DPP sense: no variables and affine in the parameters (for example
     * {@code 2 * p + 1} or {@code A.T} with a parameter A).
     */
    public final boolean isParameterAffine() {
        return !hasVariables() && curvature(Rules.DPP).isAffine();
    }

    public final boolean isConvex() {
        return curvature().isConvex();
    }

    public final boolean isConcave() {
        return curvature().isConcave();
    }

    public final boolean isAffine() {
        return curvature().isAffine();
    }

    /** True when the DCP rules certify a curvature. */
    public final boolean isDcp() {
        return curvature().isKnown();
    }

    /** True when the DPP rules certify a curvature. */
    public final boolean isDpp() {
        return curvature(Rules.DPP).isKnown();
    }

    public final boolean isNonneg() {
        return sign().isNonneg();
    }

    public final boolean isNonpos() {
        return sign().isNonpos();
    }

    /**
     * True when the rules know the value is a symmetric matrix for every parameter value (symmetric
     * leaves, numerically symmetric constants, and operations that preserve symmetry).
     */
    public boolean isSymmetric() {
        return false;
    }

    /** The sign of this node from its operands' (never from this node's own analysis). */
    protected abstract Sign computeSign();

    /** The curvature of this node given its operands' curvatures under {@code rules}. */
    protected abstract Curvature computeCurvature(Rules rules);

    /**
     * Why this node's curvature is unknown under {@code rules} although every operand's is known;
     * called only in that situation.
     */
    protected String violation(Rules rules) {
        return "the " + rules + " rules cannot certify its curvature";
    }

    /** A standard rewrite for {@link #violation}, or {@code null}. */
    protected String suggestion(Rules rules) {
        return null;
    }

    // ---------------------------------------------------------------- values

    /**
     * The numeric value (row-major) of a variable-free expression, with the parameters' current
     * values.
     *
     * @throws ConvexLayersException when the expression holds a variable
     * @throws ParameterValueException when a parameter has no value
     */
    public final double[] value() {
        if (hasVariables()) {
            throw new ConvexLayersException("value(): " + this + " contains variables; use value(Map)");
        }
        return value(Map.of());
    }

    /**
     * The numeric value (row-major) with the given variable values and the parameters' current
     * values. Atoms are evaluated by their defining formulas (for example {@code log} of a negative
     * number is NaN, {@code invPos} of a nonpositive one +∞).
     */
    public final double[] value(Map<Variable, double[]> variableValues) {
        return evaluate(this, variableValues, new IdentityHashMap<>());
    }

    private static double[] evaluate(Expression e, Map<Variable, double[]> vars,
                                     IdentityHashMap<Expression, double[]> memo) {
        double[] v = memo.get(e);
        if (v != null) {
            return v;
        }
        if (e instanceof Leaf leaf) {
            v = leaf.leafValue(vars);
        } else {
            List<Expression> args = e.args();
            double[][] in = new double[args.size()][];
            for (int i = 0; i < in.length; i++) {
                in[i] = evaluate(args.get(i), vars, memo);
            }
            v = e.numeric(in);
        }
        memo.put(e, v);
        return v;
    }

    /** This node's value given its operands' values (row-major). Leaves do not use it. */
    protected abstract double[] numeric(double[][] argValues);

    // ---------------------------------------------------------------- printing

    /** Binding strength for parenthesization: higher binds tighter. */
    protected int precedence() {
        return PREC_ATOM;
    }

    /** This node printed. */
    protected abstract String render();

    /** Prints {@code e}, parenthesized when it binds more loosely than {@code context}. */
    static String wrap(Expression e, int context) {
        String s = e.toString();
        return e.precedence() < context ? "(" + s + ")" : s;
    }

    @Override
    public final String toString() {
        return render();
    }

    // ---------------------------------------------------------------- arithmetic

    /** this + other (scalars broadcast). */
    public Expression plus(Expression other) {
        return AddExpression.of(this, other);
    }

    public Expression plus(double c) {
        return plus(Constant.scalar(c));
    }

    /** this − other (scalars broadcast). */
    public Expression minus(Expression other) {
        return AddExpression.of(this, other.negate());
    }

    public Expression minus(double c) {
        return plus(Constant.scalar(-c));
    }

    /** −this. */
    public Expression negate() {
        if (this instanceof NegateExpression n) {
            return n.args().get(0);
        }
        return new NegateExpression(this);
    }

    /**
     * Product: scalar multiplication when either side is a scalar, else the matrix product
     * {@code this @ other} (vectors act as columns on the right and rows on the left).
     */
    public Expression times(Expression other) {
        if (shape.isScalar() || other.shape.isScalar()) {
            return new ProductExpression(ProductExpression.Kind.SCALAR, this, other);
        }
        return new ProductExpression(ProductExpression.Kind.MATMUL, this, other);
    }

    public Expression times(double c) {
        return times(Constant.scalar(c));
    }

    /** Matrix product {@code this @ other}; same as {@link #times} for non-scalars. */
    public Expression matmul(Expression other) {
        return new ProductExpression(ProductExpression.Kind.MATMUL, this, other);
    }

    /** Elementwise product (scalars broadcast). */
    public Expression multiply(Expression other) {
        if (shape.isScalar() || other.shape.isScalar()) {
            return new ProductExpression(ProductExpression.Kind.SCALAR, this, other);
        }
        return new ProductExpression(ProductExpression.Kind.ELEMENTWISE, this, other);
    }

    /** Inner product Σᵢ thisᵢ·otherᵢ of two expressions of the same shape. */
    public Expression dot(Expression other) {
        if (!shape.equals(other.shape)) {
            throw new ShapeException("dot: " + this + " has shape " + shape + " but " + other
                    + " has shape " + other.shape);
        }
        if (shape.isVector()) {
            return new ProductExpression(ProductExpression.Kind.MATMUL, this, other);
        }
        return multiply(other).sum();
    }

    /** Division by a scalar, or elementwise by an expression of the same shape. */
    public Expression div(Expression other) {
        return new DivideExpression(this, other);
    }

    public Expression div(double c) {
        return div(Constant.scalar(c));
    }

    // ---------------------------------------------------------------- linear maps

    /** Sum of all entries. */
    public Expression sum() {
        return LinearMapExpression.sum(this);
    }

    /** Sum along {@code axis}: 0 sums each column (down the rows), 1 sums each row. */
    public Expression sum(int axis) {
        return LinearMapExpression.sum(this, axis);
    }

    /** Entry {@code i} of a vector. */
    public Expression get(int i) {
        return LinearMapExpression.index(this, i);
    }

    /** Entry (i, j) of a matrix. */
    public Expression get(int i, int j) {
        return LinearMapExpression.index(this, i, j);
    }

    /** Entries [from, to) of a vector. */
    public Expression slice(int from, int to) {
        return LinearMapExpression.slice(this, from, to);
    }

    /** Block rows [r0, r1) × columns [c0, c1) of a matrix. */
    public Expression slice(int r0, int r1, int c0, int c1) {
        return LinearMapExpression.slice(this, r0, r1, c0, c1);
    }

    /** Row {@code i} of a matrix, as a vector. */
    public Expression row(int i) {
        return LinearMapExpression.row(this, i);
    }

    /** Column {@code j} of a matrix, as a vector. */
    public Expression column(int j) {
        return LinearMapExpression.column(this, j);
    }

    /** The same entries in row-major order with a new shape of equal size. */
    public Expression reshape(int... dims) {
        return LinearMapExpression.reshape(this, Shape.of(dims));
    }

    /** The entries as a vector, row-major. */
    public Expression flatten() {
        return LinearMapExpression.reshape(this, Shape.vector(size()));
    }

    /** Transpose (scalars and vectors are their own transpose). */
    public Expression transpose() {
        return LinearMapExpression.transpose(this);
    }

    /** Short for {@link #transpose()}. */
    public Expression T() {
        return transpose();
    }

    /** Trace of a square matrix. */
    public Expression trace() {
        return LinearMapExpression.trace(this);
    }

    /** Cumulative sum along {@code axis} (0 down the rows; vectors use 0). */
    public Expression cumsum(int axis) {
        return LinearMapExpression.cumsum(this, axis);
    }

    // ---------------------------------------------------------------- constraints

    /** {@code this == other} elementwise (scalars broadcast). */
    public Constraint eq(Expression other) {
        return Constraint.equality(this, other);
    }

    public Constraint eq(double c) {
        return eq(Constant.scalar(c));
    }

    /** {@code this <= other} elementwise (scalars broadcast). */
    public Constraint le(Expression other) {
        return Constraint.inequality(this, other, false);
    }

    public Constraint le(double c) {
        return le(Constant.scalar(c));
    }

    /** {@code this >= other} elementwise (scalars broadcast). */
    public Constraint ge(Expression other) {
        return Constraint.inequality(other, this, true);
    }

    public Constraint ge(double c) {
        return ge(Constant.scalar(c));
    }

    // ---------------------------------------------------------------- helpers

    /** The shape of an elementwise operation on shapes a and b (scalars broadcast). */
    static Shape broadcast(String op, Expression a, Expression b) {
        if (a.shape.equals(b.shape) || b.shape.isScalar()) {
            return a.shape;
        }
        if (a.shape.isScalar()) {
            return b.shape;
        }
        throw new ShapeException(op + ": shapes differ: " + a + " has shape " + a.shape + " but " + b
                + " has shape " + b.shape + " (only scalars broadcast)");
    }
}
