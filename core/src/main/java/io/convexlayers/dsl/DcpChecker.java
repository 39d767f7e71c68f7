// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a problem against the DCP or DPP rules and finds the smallest offending sub-expression:
 * the deepest node whose curvature is unknown while all its operands' curvatures are known, or the
 * objective/constraint itself when its parts are fine but their combination is not.
 */
final class DcpChecker {
    private DcpChecker() {
    }

    /** The first violation, or {@code null} when the problem follows the rules. */
    static Diagnosis diagnose(Problem problem, Rules rules, boolean nativeQuadratic) {
        Expression obj = problem.objective();
        boolean minimize = problem.sense() == Problem.Sense.MINIMIZE;
        Curvature c = obj.curvature(rules);
        if (!c.isKnown()) {
            return offender(obj, rules);
        }
        if (minimize && !c.isConvex()) {
            return new Diagnosis(rules, obj.toString(), "minimizing a " + c.word() + " expression (it must be convex)",
                    null);
        }
        if (!minimize && !c.isConcave()) {
            return new Diagnosis(rules, obj.toString(), "maximizing a " + c.word() + " expression (it must be concave)",
                    null);
        }
        for (Constraint con : problem.constraints()) {
            for (Expression a : con.args()) {
                if (!a.curvature(rules).isKnown()) {
                    return offender(a, rules);
                }
            }
            String why = con.violation(rules);
            if (why != null) {
                return new Diagnosis(rules, con.toString(), why, null);
            }
        }
        if (rules == Rules.DPP) {
            return nativeOnlyViolation(problem, nativeQuadratic);
        }
        return null;
    }

    private static Diagnosis offender(Expression e, Rules rules) {
        Expression node = e;
        outer:
        while (true) {
            for (Expression a : node.args()) {
                if (!a.curvature(rules).isKnown()) {
                    node = a;
                    continue outer;
                }
            }
            return new Diagnosis(rules, node.toString(), node.violation(rules), node.suggestion(rules));
        }
    }

    /**
     * quadForm with a parameter matrix is DPP only where the native objective absorbs it into P:
     * a quadratic position of the objective. Any other occurrence is reported.
     */
    private static Diagnosis nativeOnlyViolation(Problem problem, boolean nativeQuadratic) {
        if (!hasNativeOnlyAtom(problem)) {
            return null; // the usual case: no objective weights to compute (they cost O(entries) per node)
        }
        Expression obj = problem.sense() == Problem.Sense.MINIMIZE ? problem.objective() : problem.objective().negate();
        Map<Expression, double[]> quad = nativeQuadratic ? QuadraticPositions.weights(obj, false) : Map.of();
        IdentityHashMap<Expression, Boolean> visited = new IdentityHashMap<>();
        Atom bad = find(obj, true, quad, visited);
        visited.clear();
        for (Constraint con : problem.constraints()) {
            for (Expression a : con.args()) {
                if (bad == null) {
                    bad = find(a, false, quad, visited);
                }
            }
        }
        if (bad == null) {
            return null;
        }
        String reason = nativeQuadratic
                ? "quadForm with the parameter matrix " + bad.args().get(1) + " is DPP only as a term of the "
                  + "objective (a positive multiple of it, possibly summed), where it becomes the solver's P"
                : "quadForm with the parameter matrix " + bad.args().get(1) + " needs the native quadratic objective, "
                  + "which these compile options turn off";
        return new Diagnosis(Rules.DPP, bad.toString(), reason, bad.suggestion(Rules.DPP));
    }

    /** Whether some atom of the problem needs the native quadratic objective (quadForm with a parameter matrix). */
    private static boolean hasNativeOnlyAtom(Problem problem) {
        java.util.Deque<Expression> stack = new java.util.ArrayDeque<>();
        java.util.Set<Expression> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        stack.push(problem.objective());
        for (Constraint con : problem.constraints()) {
            con.args().forEach(stack::push);
        }
        while (!stack.isEmpty()) {
            Expression e = stack.pop();
            if (!seen.add(e) || !e.hasParameters() || !e.hasVariables()) {
                continue;
            }
            if (e instanceof Atom atom && atom.needsNativeObjective()) {
                return true;
            }
            e.args().forEach(stack::push);
        }
        return false;
    }

    private static Atom find(Expression e, boolean quadPath, Map<Expression, double[]> quad,
                             IdentityHashMap<Expression, Boolean> visited) {
        if (!e.hasParameters() || !e.hasVariables()) {
            return null;
        }
        Boolean prev = visited.get(e);
        if (prev != null && (!prev || quadPath)) {
            return null; // already visited in the same or a stricter context
        }
        visited.put(e, quadPath);
        if (e instanceof Atom atom && atom.needsNativeObjective()) {
            if (!(quadPath && quad.containsKey(atom))) {
                return atom;
            }
            return null;
        }
        double[][] cw = quadPath && !(e instanceof Atom) ? QuadraticPositions.childWeights(e, ones(e.size()), false)
                : null;
        List<Expression> args = e.args();
        for (int k = 0; k < args.size(); k++) {
            boolean childQuad = cw != null && cw[k] != null;
            Atom bad = find(args.get(k), childQuad, quad, visited);
            if (bad != null) {
                return bad;
            }
        }
        return null;
    }

    private static double[] ones(int n) {
        double[] w = new double[n];
        java.util.Arrays.fill(w, 1);
        return w;
    }
}
