// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rewrites the expressions of a DGP problem into their logarithms: L(e) = log e as a DCP expression
 * of u = log x (one new free variable per positive variable) and φ = log θ (one new parameter per
 * positive parameter). Monomials become affine; a sum of k terms becomes a log-sum-exp, written as
 * its exponential-cone epigraph t with Σⱼ exp(aⱼ − t) ≤ 1 (valid because the DGP rules only let a
 * sum appear where a larger value never helps); products are sums, powers scalings, and the
 * Perron–Frobenius eigenvalue and (I − X)⁻¹ become epigraphs with their own variables. The
 * epigraph constraints are collected in {@link #constraints()}. Variable-free subexpressions
 * without parameters (or, with {@code parametersAsConstants}, with them) are folded to constants.
 */
final class LogLogRewriter {
    private final boolean parametersAsConstants;
    private final Map<Expression, Expression> memo = new IdentityHashMap<>();
    private final Map<Variable, Variable> variables = new IdentityHashMap<>();
    private final Map<Parameter, Parameter> parameters = new IdentityHashMap<>();
    private final List<Constraint> constraints = new ArrayList<>();
    private int auxiliaries;

    LogLogRewriter(boolean parametersAsConstants) {
        this.parametersAsConstants = parametersAsConstants;
    }

    /** The log variable of each rewritten positive variable. */
    Map<Variable, Variable> variables() {
        return variables;
    }

    /** The log parameter of each rewritten positive parameter (empty with parameters as constants). */
    Map<Parameter, Parameter> parameters() {
        return parameters;
    }

    /** The epigraph constraints the rewrite has introduced so far. */
    List<Constraint> constraints() {
        return constraints;
    }

    /** log e, as a DCP expression of the log variables and log parameters (same shape as e). */
    Expression log(Expression e) {
        Expression l = memo.get(e);
        if (l == null) {
            l = rewrite(e);
            memo.put(e, l);
        }
        return l;
    }

    private Expression rewrite(Expression e) {
        if (!e.hasVariables() && (!e.hasParameters() || parametersAsConstants)) {
            return Constant.of(e.shape(), logOf(e.value(), e));
        }
        if (e instanceof Variable v) {
            return variables.computeIfAbsent(v, k -> Variable.of("log_" + k.name(), k.shape(),
                    k.has(Attribute.SYMMETRIC) ? new Attribute[] {Attribute.SYMMETRIC} : new Attribute[0]));
        }
        if (e instanceof Parameter p) {
            return parameters.computeIfAbsent(p, k -> Parameter.of("log_" + k.name(), k.shape()));
        }
        if (e instanceof AddExpression add) {
            return sum(add);
        }
        if (e instanceof ProductExpression p) {
            return p.kind() == ProductExpression.Kind.MATMUL ? matmul(p) : log(p.left()).plus(log(p.right()));
        }
        if (e instanceof DivideExpression d) {
            return log(d.numerator()).minus(log(d.denominator()));
        }
        if (e instanceof LinearMapExpression lm) {
            return linearMap(lm);
        }
        if (e instanceof Atom atom) {
            return atom(atom);
        }
        if (e instanceof LogLogAtom atom) {
            return logLogAtom(atom);
        }
        throw new DgpException(Rules.DCP, e.toString(), "has no log-log rewrite", null);
    }

    private static double[] logOf(double[] v, Expression e) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            if (!(v[i] > 0) || Double.isInfinite(v[i])) {
                throw new ParameterValueException("the value of " + e + " has the entry " + v[i] + " (index " + i
                        + "), but a geometric program needs positive finite values");
            }
            out[i] = Math.log(v[i]);
        }
        return out;
    }

    // ------------------------------------------------------------------ sums

    /** log(Σ terms) elementwise, scalar terms broadcast. */
    private Expression sum(AddExpression add) {
        int n = add.size();
        List<Expression> parts = new ArrayList<>();
        List<Expression> terms = add.args();
        int[] group = new int[terms.size() * n];
        for (int t = 0; t < terms.size(); t++) {
            parts.add(broadcast(log(terms.get(t)), n));
            for (int i = 0; i < n; i++) {
                group[t * n + i] = i;
            }
        }
        Expression a = parts.size() == 1 ? parts.get(0) : LinearMapExpression.hstack(parts.toArray(new Expression[0]));
        return LinearMapExpression.reshape(groupedLogSumExp(a, group, n), add.shape());
    }

    /** The entries of {@code l} as a vector of n entries (a scalar repeated). */
    private static Expression broadcast(Expression l, int n) {
        if (l.size() == n) {
            return l.shape().isVector() ? l : LinearMapExpression.reshape(l, Shape.vector(n));
        }
        return LinearMapExpression.of("broadcast", Shape.vector(n), List.of(l), LinearMap.gather(new int[n], 1));
    }

    /** log of a matrix product: entry (i, j) is log Σₗ exp(L(A)ᵢₗ + L(B)ₗⱼ). */
    private Expression matmul(ProductExpression p) {
        Shape ls = p.left().shape();
        Shape rs = p.right().shape();
        int m = ls.isVector() ? 1 : ls.dim(0);
        int k = ls.isVector() ? ls.dim(0) : ls.dim(1);
        int n = rs.isVector() ? 1 : rs.dim(1);
        int leftSize = m * k;
        LinearMap.Builder b = LinearMap.builder(m * n * k, leftSize + k * n);
        int[] group = new int[m * n * k];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                for (int l = 0; l < k; l++) {
                    int row = (i * n + j) * k + l;
                    b.add(row, i * k + l, 1);
                    b.add(row, leftSize + l * n + j, 1);
                    group[row] = i * n + j;
                }
            }
        }
        Expression a = LinearMapExpression.of("products", Shape.vector(m * n * k),
                List.of(log(p.left()), log(p.right())), b.build());
        return LinearMapExpression.reshape(groupedLogSumExp(a, group, m * n), p.shape());
    }

    /** A structural map: the same map on the logs when it only moves entries, else log-sum-exps of its rows. */
    private Expression linearMap(LinearMapExpression lm) {
        List<Expression> logArgs = new ArrayList<>();
        for (Expression a : lm.args()) {
            logArgs.add(log(a));
        }
        LinearMap map = lm.map();
        boolean moves = true;
        for (int c : LogLogRules.rowCounts(map)) {
            moves &= c == 1;
        }
        for (int k = 0; k < map.nnz(); k++) {
            moves &= map.coef(k) == 1 || map.coef(k) == 0;
        }
        if (moves) {
            return lm.withArgs(logArgs);
        }
        List<int[]> entries = new ArrayList<>(); // (output row, input entry)
        List<Double> logCoef = new ArrayList<>();
        for (int i = 0; i < map.inSize(); i++) {
            for (int k = map.start(i); k < map.start(i + 1); k++) {
                if (map.coef(k) != 0) {
                    entries.add(new int[] {map.outIndex(k), i});
                    logCoef.add(Math.log(map.coef(k)));
                }
            }
        }
        int nnz = entries.size();
        LinearMap.Builder b = LinearMap.builder(nnz, map.inSize());
        int[] group = new int[nnz];
        double[] offset = new double[nnz];
        boolean anyOffset = false;
        for (int e = 0; e < nnz; e++) {
            b.add(e, entries.get(e)[1], 1);
            group[e] = entries.get(e)[0];
            offset[e] = logCoef.get(e);
            anyOffset |= offset[e] != 0;
        }
        Expression a = LinearMapExpression.of("terms", Shape.vector(nnz), logArgs, b.build());
        if (anyOffset) {
            a = a.plus(Constant.vector(offset));
        }
        return LinearMapExpression.reshape(groupedLogSumExp(a, group, map.outSize()), lm.shape());
    }

    /**
     * r with r_g = log Σ_{k: group[k] = g} exp(a_k): single-entry groups are the entry itself; the
     * others an epigraph variable t_g with z_k ≥ exp(a_k − t_g) (exponential cones) and
     * Σ_{k in g} z_k ≤ 1. The terms a are affine or convex (the DGP rules admit nothing else in a
     * sum); convex ones go through an epigraph first.
     */
    Expression groupedLogSumExp(Expression a, int[] group, int groups) {
        int[] count = new int[groups];
        for (int g : group) {
            count[g]++;
        }
        int[] multiIndex = new int[groups];
        int multi = 0;
        for (int g = 0; g < groups; g++) {
            if (count[g] == 0) {
                throw new IllegalStateException("empty group " + g + " in a log-sum-exp");
            }
            multiIndex[g] = count[g] > 1 ? multi++ : -1;
        }
        int n = group.length;
        if (multi == 0) {
            int[] inverse = new int[groups];
            for (int k = 0; k < n; k++) {
                inverse[group[k]] = k;
            }
            return LinearMapExpression.of("select", Shape.vector(groups), List.of(a), LinearMap.gather(inverse, n));
        }
        if (!a.curvature(Rules.DPP).isAffine()) {
            // a cone needs affine operands: a convex term (a maximum, a nested log-sum-exp) is
            // replaced by its epigraph s ≥ a, exact because the log-sum-exp increases in every term
            Variable s = Variable.vector("lse" + (auxiliaries++), n);
            constraints.add(a.le(s));
            a = s;
        }
        Variable t = Variable.vector("lse" + (auxiliaries++), multi);
        int inMulti = 0;
        for (int g : group) {
            inMulti += count[g] > 1 ? 1 : 0;
        }
        int[] pick = new int[inMulti];
        int[] owner = new int[inMulti];
        LinearMap.Builder sums = LinearMap.builder(multi, inMulti);
        int q = 0;
        for (int k = 0; k < n; k++) {
            if (count[group[k]] > 1) {
                pick[q] = k;
                owner[q] = multiIndex[group[k]];
                sums.add(owner[q], q, 1);
                q++;
            }
        }
        Variable z = Variable.vector("lse" + (auxiliaries++), inMulti);
        Expression aPicked = LinearMapExpression.of("pick", Shape.vector(inMulti), List.of(a), LinearMap.gather(pick, n));
        Expression tSpread = LinearMapExpression.of("spread", Shape.vector(inMulti), List.of(t),
                LinearMap.gather(owner, multi));
        constraints.add(Constraint.expCone(aPicked.minus(tSpread), Constant.scalar(1), z));
        constraints.add(LinearMapExpression.of("groupSum", Shape.vector(multi), List.of(z), sums.build()).le(1));
        LinearMap.Builder out = LinearMap.builder(groups, n + multi);
        for (int k = 0; k < n; k++) {
            if (count[group[k]] == 1) {
                out.add(group[k], k, 1);
            }
        }
        for (int g = 0; g < groups; g++) {
            if (multiIndex[g] >= 0) {
                out.add(g, n + multiIndex[g], 1);
            }
        }
        return LinearMapExpression.of("logSumExp", Shape.vector(groups), List.of(a, t), out.build());
    }

    /** log Σ of all entries of exp(scale · l). */
    private Expression logSumExpAll(Expression l, double scale) {
        Expression flat = broadcast(l, l.size());
        if (scale != 1) {
            flat = flat.times(scale);
        }
        return LinearMapExpression.reshape(groupedLogSumExp(flat, new int[l.size()], 1), Shape.scalar());
    }

    // ------------------------------------------------------------------ atoms

    private Expression atom(Atom atom) {
        List<Expression> args = atom.args();
        Expression x = log(args.get(0));
        return switch (atom.kind()) {
            case POWER -> x.times(atom.param()); // also for p = 0: keeps its leaves in the log problem
            case GEO_MEAN -> x.size() == 1 ? LinearMapExpression.reshape(x, Shape.scalar())
                    : Constant.vector(atom.weights()).times(broadcast(x, x.size()));
            case MAXIMUM, MINIMUM -> {
                List<Expression> logs = new ArrayList<>();
                for (Expression a : args) {
                    logs.add(log(a));
                }
                yield new Atom(atom.kind(), logs, 0, Atom.ALL, null, null);
            }
            case MAX, MIN -> new Atom(atom.kind(), List.of(x), 0, atom.axis(), null, null);
            case NORM_INF -> new Atom(Atom.Kind.MAX, List.of(x), 0, Atom.ALL, null, null);
            case NORM1 -> logSumExpAll(x, 1);
            case SUM_SQUARES -> logSumExpAll(x, 2);
            case NORM2 -> logSumExpAll(x, 2).times(0.5);
            case QUAD_OVER_LIN -> logSumExpAll(x, 2).minus(log(args.get(1)));
            case EXP -> new Atom(Atom.Kind.EXP, x);
            default -> throw new DgpException(Rules.DCP, atom.toString(), atom.kind().display()
                    + " has no log-log rewrite", null);
        };
    }

    private Expression logLogAtom(LogLogAtom atom) {
        Expression x = log(atom.args().get(0));
        return switch (atom.kind()) {
            case PROD -> x.sum();
            case ONE_MINUS_POS -> new Atom(Atom.Kind.LOG, Constant.scalar(1).minus(new Atom(Atom.Kind.EXP, x)));
            case PF_EIGENVALUE -> perronFrobenius(x);
            case EYE_MINUS_INV -> eyeMinusInverse(x);
        };
    }

    /**
     * log λ_pf(X) as the smallest log λ with X·v ≤ λ·v for some v &gt; 0 (Collatz–Wielandt): in logs,
     * log Σⱼ exp(L(X)ᵢⱼ + wⱼ) ≤ log λ + wᵢ with w = log v, normalized by Σ w = 0.
     */
    private Expression perronFrobenius(Expression lx) {
        int n = lx.shape().rows();
        Variable lambda = Variable.scalar("pf" + (auxiliaries++));
        Variable w = Variable.vector("pf" + (auxiliaries++), n);
        LinearMap.Builder b = LinearMap.builder(n * n, n * n + n);
        int[] group = new int[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                b.add(i * n + j, i * n + j, 1);
                b.add(i * n + j, n * n + j, 1);
                group[i * n + j] = i;
            }
        }
        Expression a = LinearMapExpression.of("products", Shape.vector(n * n), List.of(lx, w), b.build());
        constraints.add(groupedLogSumExp(a, group, n).le(w.plus(lambda)));
        constraints.add(w.sum().eq(0));
        return lambda;
    }

    /**
     * log (I − X)⁻¹ as the smallest log U with X·U + I ≤ U entrywise (U = Σₖ Xᵏ is the least such
     * matrix when the spectral radius of X is below 1): log(Σₗ Xᵢₗ Uₗⱼ + δᵢⱼ) ≤ log Uᵢⱼ.
     */
    private Expression eyeMinusInverse(Expression lx) {
        int n = lx.shape().rows();
        Variable u = Variable.matrix("inv" + (auxiliaries++), n, n);
        int products = n * n * n;
        LinearMap.Builder b = LinearMap.builder(products, 2 * n * n);
        int[] group = new int[products + n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int l = 0; l < n; l++) {
                    int row = (i * n + j) * n + l;
                    b.add(row, i * n + l, 1);
                    b.add(row, n * n + l * n + j, 1);
                    group[row] = i * n + j;
                }
            }
            group[products + i] = i * n + i;
        }
        Expression a = LinearMapExpression.hstack(
                LinearMapExpression.of("products", Shape.vector(products), List.of(lx, u), b.build()),
                Constant.of(Shape.vector(n), new double[n]));
        Expression lhs = LinearMapExpression.reshape(groupedLogSumExp(a, group, n * n), Shape.matrix(n, n));
        constraints.add(lhs.le(u));
        return u;
    }
}
