// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

/**
 * Checks a problem against the DGP rules and finds the smallest offending sub-expression, as
 * {@link DcpChecker} does for DCP: minimize a log-log convex objective (maximize a log-log concave
 * one), posynomial-like sides below and log-log concave sides above each inequality, monomials on
 * both sides of each equality, and no cone constraints.
 */
final class DgpChecker {
    private DgpChecker() {
    }

    /** The first violation, or {@code null} when the problem follows the DGP rules. */
    static DgpDiagnosis diagnose(Problem problem, Rules rules) {
        LogLogRules ll = new LogLogRules(rules);
        Expression obj = problem.objective();
        boolean minimize = problem.sense() == Problem.Sense.MINIMIZE;
        Curvature c = ll.of(obj);
        if (!c.isKnown()) {
            return offender(obj, ll);
        }
        if (minimize && !c.isConvex()) {
            return new DgpDiagnosis(rules, obj.toString(), "minimizing a log-log " + c.word()
                    + " expression (it must be log-log convex)", null);
        }
        if (!minimize && !c.isConcave()) {
            return new DgpDiagnosis(rules, obj.toString(), "maximizing a log-log " + c.word()
                    + " expression (it must be log-log concave)", "minimize 1 / (" + obj + ") when it is a monomial");
        }
        for (Constraint con : problem.constraints()) {
            for (Expression a : con.args()) {
                if (!ll.of(a).isKnown()) {
                    return offender(a, ll);
                }
            }
            DgpDiagnosis d = constraintViolation(con, ll);
            if (d != null) {
                return d;
            }
        }
        return null;
    }

    private static DgpDiagnosis constraintViolation(Constraint con, LogLogRules ll) {
        Rules rules = ll.rules();
        switch (con.kind()) {
            case EQUALITY -> {
                for (Expression a : con.args()) {
                    if (!ll.of(a).isAffine()) {
                        return new DgpDiagnosis(rules, con.toString(), "a DGP equality needs monomials on both sides, "
                                + "but " + a + " is log-log " + ll.of(a).word(), paramHint(a, rules,
                                "an inequality (<=) with the posynomial on the smaller side, where it is tight at "
                                        + "the optimum"));
                    }
                }
                return null;
            }
            case INEQUALITY -> {
                Expression lhs = con.args().get(0);
                Expression rhs = con.args().get(1);
                if (!ll.of(lhs).isConvex()) {
                    return new DgpDiagnosis(rules, con.toString(), "the smaller side of a DGP inequality must be "
                            + "log-log convex, but " + lhs + " is log-log " + ll.of(lhs).word(), null);
                }
                if (!ll.of(rhs).isConcave()) {
                    return new DgpDiagnosis(rules, con.toString(), "the larger side of a DGP inequality must be "
                            + "log-log concave (a monomial, a minimum, …), but " + rhs + " is log-log "
                            + ll.of(rhs).word(), paramHint(rhs, rules, "a posynomial can only be bounded from above: "
                            + "write posynomial <= monomial"));
                }
                return null;
            }
            default -> {
                return new DgpDiagnosis(rules, con.toString(), "a " + con.kind().name().toLowerCase(java.util.Locale.ROOT)
                        + " cone constraint has no meaning in a geometric program (use <=, >= and ==)", null);
            }
        }
    }

    /** The DPP rewrite for a variable-free parameter expression, else the given advice. */
    private static String paramHint(Expression e, Rules rules, String otherwise) {
        if (rules == Rules.DPP && e.isConstant() && e.hasParameters()) {
            return "replace the parameter expression " + e + " by one new positive parameter whose value is "
                    + "computed outside the problem";
        }
        return otherwise;
    }

    private static DgpDiagnosis offender(Expression e, LogLogRules ll) {
        Expression node = e;
        outer:
        while (true) {
            for (Expression a : node.args()) {
                if (!ll.of(a).isKnown()) {
                    node = a;
                    continue outer;
                }
            }
            String why = ll.nodeViolation(node);
            return new DgpDiagnosis(ll.rules(), node.toString(), why, suggestion(node, ll));
        }
    }

    private static String suggestion(Expression node, LogLogRules ll) {
        if (node instanceof Variable v && !v.has(Attribute.POS)) {
            return "declare it positive: Variable." + (v.shape().isScalar() ? "scalar(\"" + v.name() + "\", "
                    : "of(\"" + v.name() + "\", " + v.shape() + ", ") + "Attribute.POS)";
        }
        if (node instanceof Parameter p && !p.has(Attribute.POS)) {
            return "declare it positive with Attribute.POS";
        }
        if (node instanceof NegateExpression) {
            return "move the subtracted term to the other side of the constraint, or use oneMinusPos(x) for 1 - x";
        }
        if (node instanceof AddExpression) {
            return paramHint(node, ll.rules(), null);
        }
        return null;
    }
}
