// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import java.util.IdentityHashMap;
import java.util.List;

/**
 * The log-log curvature of expressions under the DGP rules (Agrawal, Xu and Boyd, <i>Disciplined
 * geometric programming</i>, 2019): the curvature of F(u) = log f(exp u) in the logs u of the
 * positive variables. {@code AFFINE} marks a monomial c·Π xᵢ^aᵢ, {@code CONVEX} a log-log convex
 * expression (posynomials, their maxima, …), {@code CONCAVE} a log-log concave one. Under
 * {@link Rules#DCP} parameters are positive constants; under {@link Rules#DPP} they are log-log
 * affine (the compiled program then depends on log θ affinely). One instance memoizes one
 * analysis; not thread-safe.
 */
final class LogLogRules {
    private final Rules rules;
    private final IdentityHashMap<Expression, Curvature> memo = new IdentityHashMap<>();

    LogLogRules(Rules rules) {
        this.rules = rules;
    }

    Rules rules() {
        return rules;
    }

    /** The log-log curvature of {@code e}; {@code UNKNOWN} when the DGP rules cannot certify one. */
    Curvature of(Expression e) {
        Curvature c = memo.get(e);
        if (c == null) {
            c = compute(e);
            memo.put(e, c);
        }
        return c;
    }

    private Curvature compute(Expression e) {
        if (e instanceof Leaf leaf) {
            return leafViolation(leaf) != null ? Curvature.UNKNOWN
                    : e instanceof Variable || (e instanceof Parameter && rules == Rules.DPP) ? Curvature.AFFINE
                    : Curvature.CONSTANT;
        }
        for (Expression a : e.args()) {
            if (!of(a).isKnown()) {
                return Curvature.UNKNOWN;
            }
        }
        return nodeViolation(e) == null ? combine(e) : Curvature.UNKNOWN;
    }

    /** Why a leaf has no log-log curvature, or null. */
    static String leafViolation(Leaf leaf) {
        if (leaf instanceof Constant c) {
            for (double v : c.values()) {
                if (!(v > 0)) {
                    return "the constant " + c + " has the entry " + Constant.format(v)
                            + ", but DGP constants must be positive";
                }
            }
            return null;
        }
        if (!leaf.has(Attribute.POS)) {
            String what = leaf instanceof Variable ? "variable " : "parameter ";
            return what + leaf.name() + " is not declared positive (Attribute.POS): DGP works with the logarithms "
                    + "of positive " + (leaf instanceof Variable ? "variables" : "parameters");
        }
        if (leaf.has(Attribute.PSD)) {
            return leaf.name() + " is declared PSD, which has no meaning in a geometric program";
        }
        return null;
    }

    /**
     * Why a node breaks the DGP rules although all its operands have a log-log curvature, or null.
     * Called only when every operand's curvature is known.
     */
    String nodeViolation(Expression e) {
        if (e instanceof Leaf leaf) {
            return leafViolation(leaf);
        }
        if (e instanceof AddExpression) {
            for (Expression t : e.args()) {
                if (!of(t).isConvex()) {
                    return "a sum is log-log convex only as a sum of log-log convex terms (a posynomial), but "
                            + t + " is log-log " + of(t).word();
                }
            }
            return null;
        }
        if (e instanceof NegateExpression) {
            return "negation leaves the positive numbers: geometric programs have no subtraction";
        }
        if (e instanceof ProductExpression p) {
            if (p.kind() == ProductExpression.Kind.KRON) {
                return "kron has no log-log rule in this library";
            }
            Curvature prod = of(p.left()).add(of(p.right()));
            if (!prod.isKnown()) {
                return "a product of the log-log " + of(p.left()).word() + " " + p.left() + " and the log-log "
                        + of(p.right()).word() + " " + p.right() + " has no known log-log curvature";
            }
            if (p.kind() == ProductExpression.Kind.MATMUL && innerDimension(p) > 1 && !prod.isConvex()) {
                return "each entry of a matrix product is a sum of products, which must be log-log convex, but "
                        + "the products are log-log " + prod.word();
            }
            return null;
        }
        if (e instanceof DivideExpression d) {
            Curvature c = of(d.numerator()).add(of(d.denominator()).negate());
            return c.isKnown() ? null : "a quotient of the log-log " + of(d.numerator()).word() + " "
                    + d.numerator() + " by the log-log " + of(d.denominator()).word() + " " + d.denominator()
                    + " has no known log-log curvature (the denominator must be log-log concave or a monomial "
                    + "when the numerator is log-log convex)";
        }
        if (e instanceof LinearMapExpression lm) {
            int[] counts = rowCounts(lm.map());
            boolean sums = false;
            for (int k = 0; k < counts.length; k++) {
                if (counts[k] == 0) {
                    return lm.name() + " creates entries equal to zero, which are not positive (entry " + k + ")";
                }
                sums |= counts[k] > 1;
            }
            Curvature c = Curvature.CONSTANT;
            for (Expression a : e.args()) {
                if (sums && !of(a).isConvex()) {
                    return lm.name() + " adds entries, which must be log-log convex, but " + a + " is log-log "
                            + of(a).word();
                }
                c = c.add(of(a));
            }
            return c.isKnown() ? null : lm.name() + " combines operands of opposite log-log curvature";
        }
        if (e instanceof CumsumExpression) {
            return "cumsum has no log-log rule in this library (write the partial sums out)";
        }
        if (e instanceof Atom atom) {
            return atomViolation(atom.toString(), atom.args(), atomCurvature(atom), k -> atomMonotonicity(atom, k),
                    atom.kind().display());
        }
        if (e instanceof LogLogAtom a) {
            return atomViolation(a.toString(), a.args(), a.logLogFunctionCurvature(), k -> a.monotonicity(),
                    a.kind().display());
        }
        return e.getClass().getSimpleName() + " has no log-log rule";
    }

    private String atomViolation(String printed, List<Expression> args, Curvature f,
                                 java.util.function.IntFunction<Monotonicity> mono, String name) {
        if (!f.isKnown()) {
            return name + " is not a log-log atom: the DGP rules know products, quotients, powers, sums, "
                    + "max/min, geoMean, prod, norms, sumSquares, quadOverLin, exp, oneMinusPos, pfEigenvalue and "
                    + "eyeMinusInv";
        }
        if (f.isAffine()) {
            Curvature c = Curvature.CONSTANT;
            for (int k = 0; k < args.size(); k++) {
                Curvature a = of(args.get(k));
                c = c.add(mono.apply(k) == Monotonicity.DECREASING ? a.negate() : a);
            }
            return c.isKnown() ? null : name + " combines log-log convex and log-log concave arguments in " + printed;
        }
        for (int k = 0; k < args.size(); k++) {
            Expression a = args.get(k);
            Curvature c = of(a);
            if (c.isAffine()) {
                continue;
            }
            Monotonicity m = mono.apply(k);
            boolean ok = f.isConvex()
                    ? (c.isConvex() && m == Monotonicity.INCREASING) || (c.isConcave() && m == Monotonicity.DECREASING)
                    : (c.isConcave() && m == Monotonicity.INCREASING) || (c.isConvex() && m == Monotonicity.DECREASING);
            if (!ok) {
                String need = (f.isConvex() == (m == Monotonicity.INCREASING)) ? "log-log convex (or a monomial)"
                        : "log-log concave (or a monomial)";
                return name + " is log-log " + f.word() + " and " + (m == Monotonicity.INCREASING ? "increasing"
                        : "decreasing") + (args.size() > 1 ? " in argument " + (k + 1) : "") + ", so that argument "
                        + "must be " + need + ", but " + a + " is log-log " + c.word();
            }
        }
        return null;
    }

    private Curvature combine(Expression e) {
        boolean allConstant = true;
        for (Expression a : e.args()) {
            allConstant &= of(a) == Curvature.CONSTANT;
        }
        if (allConstant) {
            return Curvature.CONSTANT;
        }
        if (e instanceof AddExpression) {
            return e.args().size() == 1 ? of(e.args().get(0)) : Curvature.CONVEX;
        }
        if (e instanceof ProductExpression p) {
            Curvature prod = of(p.left()).add(of(p.right()));
            return p.kind() == ProductExpression.Kind.MATMUL && innerDimension(p) > 1 ? Curvature.CONVEX : prod;
        }
        if (e instanceof DivideExpression d) {
            return of(d.numerator()).add(of(d.denominator()).negate());
        }
        if (e instanceof LinearMapExpression lm) {
            for (int c : rowCounts(lm.map())) {
                if (c > 1) {
                    return Curvature.CONVEX;
                }
            }
            Curvature c = Curvature.CONSTANT;
            for (Expression a : e.args()) {
                c = c.add(of(a));
            }
            return c;
        }
        if (e instanceof Atom atom) {
            return compose(atom.args(), atomCurvature(atom), k -> atomMonotonicity(atom, k));
        }
        LogLogAtom a = (LogLogAtom) e;
        return compose(a.args(), a.logLogFunctionCurvature(), k -> a.monotonicity());
    }

    private Curvature compose(List<Expression> args, Curvature f, java.util.function.IntFunction<Monotonicity> mono) {
        if (f == Curvature.CONSTANT) {
            return Curvature.CONSTANT;
        }
        if (f.isAffine()) {
            Curvature c = Curvature.CONSTANT;
            for (int k = 0; k < args.size(); k++) {
                Curvature a = of(args.get(k));
                c = c.add(mono.apply(k) == Monotonicity.DECREASING ? a.negate() : a);
            }
            return c == Curvature.CONSTANT ? Curvature.AFFINE : c;
        }
        return f; // nodeViolation has checked the composition rule
    }

    /** The log-log curvature of the atom's function log f(exp u); UNKNOWN for atoms without a DGP rule. */
    static Curvature atomCurvature(Atom atom) {
        return switch (atom.kind()) {
            case POWER -> atom.param() == 0 ? Curvature.CONSTANT : Curvature.AFFINE;
            case GEO_MEAN -> Curvature.AFFINE;
            case MAXIMUM, MAX, NORM1, NORM2, NORM_INF, SUM_SQUARES, QUAD_OVER_LIN, EXP -> Curvature.CONVEX;
            case MINIMUM, MIN -> Curvature.CONCAVE;
            default -> Curvature.UNKNOWN;
        };
    }

    /** How the atom varies with a positive argument {@code k}. */
    static Monotonicity atomMonotonicity(Atom atom, int k) {
        if (atom.kind() == Atom.Kind.POWER) {
            return atom.param() < 0 ? Monotonicity.DECREASING : Monotonicity.INCREASING;
        }
        if (atom.kind() == Atom.Kind.QUAD_OVER_LIN && k == 1) {
            return Monotonicity.DECREASING;
        }
        return Monotonicity.INCREASING;
    }

    /** The summed dimension of a matrix product (1: an outer product, no sums). */
    static int innerDimension(ProductExpression p) {
        Shape l = p.left().shape();
        return l.isVector() ? l.dim(0) : l.dim(1);
    }

    /** The number of stored entries of each output row of a map. */
    static int[] rowCounts(LinearMap map) {
        int[] counts = new int[map.outSize()];
        for (int k = 0; k < map.nnz(); k++) {
            if (map.coef(k) != 0) {
                counts[map.outIndex(k)]++;
            }
        }
        return counts;
    }
}
