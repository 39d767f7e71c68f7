// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import java.util.List;

/**
 * A constraint of a {@link Problem}: {@code lhs == rhs}, {@code lhs <= rhs} (elementwise, scalars
 * broadcast), second-order cone membership, positive semidefiniteness of a square affine matrix,
 * or exponential cone membership. Built with {@link Expression#eq}, {@link Expression#le},
 * {@link Expression#ge} and the static methods here. Identified by object identity (duals are
 * looked up by the constraint object).
 */
public final class Constraint {

    /** The constraint families. */
    public enum Kind {
        /** {@code lhs == rhs}; both sides affine. */
        EQUALITY,
        /** {@code lhs <= rhs}; lhs convex, rhs concave. */
        INEQUALITY,
        /** ‖xᵢ‖₂ ≤ tᵢ for each row i; t and x affine. */
        SOC,
        /** (X + Xᵀ)/2 ⪰ 0 for a square affine X. */
        PSD,
        /** (xᵢ, yᵢ, zᵢ) ∈ K_exp = cl{y·e^(x/y) ≤ z, y &gt; 0} elementwise; all affine. */
        EXP
    }

    private final Kind kind;
    private final List<Expression> args;
    private final boolean flipped;
    private final Shape shape;

    private Constraint(Kind kind, List<Expression> args, boolean flipped, Shape shape) {
        this.kind = kind;
        this.args = List.copyOf(args);
        this.flipped = flipped;
        this.shape = shape;
    }

    static Constraint equality(Expression lhs, Expression rhs) {
        return new Constraint(Kind.EQUALITY, List.of(lhs, rhs), false, Expression.broadcast("==", lhs, rhs));
    }

    /** lhs ≤ rhs; {@code flipped} prints it as {@code rhs >= lhs}. */
    static Constraint inequality(Expression lhs, Expression rhs, boolean flipped) {
        return new Constraint(Kind.INEQUALITY, List.of(lhs, rhs), flipped,
                Expression.broadcast(flipped ? ">=" : "<=", lhs, rhs));
    }

    /**
     * Second-order cone constraint ‖x‖₂ ≤ t for a scalar t, or ‖row i of X‖₂ ≤ tᵢ for a vector t of
     * length k and a matrix X with k rows.
     */
    public static Constraint soc(Expression t, Expression x) {
        Shape ts = t.shape();
        Shape xs = x.shape();
        boolean ok = ts.isScalar() || (ts.isVector() && xs.isMatrix() && xs.dim(0) == ts.dim(0));
        if (!ok) {
            throw new ShapeException("soc(" + t + ", " + x + "): t must be a scalar, or a vector with one entry per row "
                    + "of x; got shapes " + ts + " and " + xs);
        }
        int cones = ts.size();
        int each = 1 + x.size() / cones;
        return new Constraint(Kind.SOC, List.of(t, x), false,
                Shape.vector(Shape.dimension("soc(" + t + ", " + x + ")", (long) cones * each)));
    }

    /** X ⪰ 0 for a square affine X (its symmetric part (X + Xᵀ)/2 is constrained). */
    public static Constraint psd(Expression x) {
        if (!x.shape().isSquare()) {
            throw new ShapeException("psd(" + x + "): needs a square matrix, got shape " + x.shape());
        }
        Shape s = x.shape().isScalar() ? Shape.matrix(1, 1) : x.shape();
        return new Constraint(Kind.PSD, List.of(x), false, s);
    }

    /** X ⪰ Y, i.e. X − Y ⪰ 0. */
    public static Constraint psd(Expression x, Expression y) {
        return psd(x.minus(y));
    }

    /** (x, y, z) ∈ K_exp elementwise (scalars broadcast): y·exp(x/y) ≤ z with y &gt; 0. */
    public static Constraint expCone(Expression x, Expression y, Expression z) {
        Shape s = Expression.broadcast("expCone", x, y);
        Expression big = s.equals(x.shape()) ? x : y;
        s = Expression.broadcast("expCone", big, z);
        return new Constraint(Kind.EXP, List.of(x, y, z), false,
                Shape.vector(Shape.dimension("expCone(" + x + ", " + y + ", " + z + ")", 3L * s.size())));
    }

    public Kind kind() {
        return kind;
    }

    /** The operands: [lhs, rhs] (lhs ≤ rhs for inequalities), [t, x], [X] or [x, y, z]. */
    public List<Expression> args() {
        return args;
    }

    /**
     * The shape of this constraint's dual value: the broadcast shape of the two sides for (in)equalities,
     * the k×k matrix for PSD, a vector of the cone entries ((t, x) per cone, or (x, y, z) per triple)
     * for SOC and exponential cones.
     */
    public Shape dualShape() {
        return shape;
    }

    /** The DCP status of this constraint under the given rules. */
    public boolean isValid(Rules rules) {
        return violation(rules) == null;
    }

    public boolean isDcp() {
        return isValid(Rules.DCP);
    }

    public boolean isDpp() {
        return isValid(Rules.DPP);
    }

    /** Why the constraint itself breaks the rules (its operands having known curvature), or null. */
    String violation(Rules rules) {
        switch (kind) {
            case EQUALITY: {
                for (Expression a : args) {
                    if (!a.curvature(rules).isAffine()) {
                        return "an equality needs affine sides, but " + a + " is " + a.curvature(rules).word();
                    }
                }
                return null;
            }
            case INEQUALITY: {
                Expression lhs = args.get(0);
                Expression rhs = args.get(1);
                if (!lhs.curvature(rules).isConvex()) {
                    return "the smaller side of an inequality must be convex, but " + lhs + " is "
                            + lhs.curvature(rules).word();
                }
                if (!rhs.curvature(rules).isConcave()) {
                    return "the larger side of an inequality must be concave, but " + rhs + " is "
                            + rhs.curvature(rules).word();
                }
                return null;
            }
            default: {
                for (Expression a : args) {
                    if (!a.curvature(rules).isAffine()) {
                        return "a " + kind.name().toLowerCase(java.util.Locale.ROOT) + " cone constraint needs affine operands, "
                                + "but " + a + " is " + a.curvature(rules).word();
                    }
                }
                return null;
            }
        }
    }

    @Override
    public String toString() {
        return switch (kind) {
            case EQUALITY -> args.get(0) + " == " + args.get(1);
            case INEQUALITY -> flipped ? args.get(1) + " >= " + args.get(0) : args.get(0) + " <= " + args.get(1);
            case SOC -> "soc(" + args.get(0) + ", " + args.get(1) + ")";
            case PSD -> args.get(0) + " >> 0";
            case EXP -> "expCone(" + args.get(0) + ", " + args.get(1) + ", " + args.get(2) + ")";
        };
    }
}
