// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.canon;

import io.convexlayers.dsl.CompileOptions;
import io.convexlayers.dsl.AddExpression;
import io.convexlayers.dsl.Atom;
import io.convexlayers.dsl.Attribute;
import io.convexlayers.dsl.Constant;
import io.convexlayers.dsl.Constraint;
import io.convexlayers.dsl.CumsumExpression;
import io.convexlayers.dsl.DivideExpression;
import io.convexlayers.dsl.Expression;
import io.convexlayers.dsl.LinearMap;
import io.convexlayers.dsl.LinearMapExpression;
import io.convexlayers.dsl.NegateExpression;
import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.ProductExpression;
import io.convexlayers.dsl.QuadraticPositions;
import io.convexlayers.dsl.Shape;
import io.convexlayers.dsl.Variable;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Step 1 of compilation: turns the expression DAG into canonical affine tensors and cone
 * constraints (CVXPY's Dcp2Cone). Each node is canonicalized once (memoized by identity); atoms
 * get a graph implementation from {@link AtomGraphs} (epigraph/hypograph variables and cone
 * constraints) or, in a quadratic position of the objective, a native quadratic form from
 * {@link NativeQuadratics}. Output: the objective tensor (one row), the cone constraints, the
 * quadratic terms of P, the number of columns of x and the variable slices.
 */
final class Canonicalizer {
    private final CompileOptions options;
    private final ParameterLayout params;
    private final Map<Variable, Integer> variableOffsets = new LinkedHashMap<>();
    private int columns;
    private final List<ConeConstraint> constraints = new ArrayList<>();
    private final QuadraticTerms quadratic = new QuadraticTerms();
    private final IdentityHashMap<Expression, AffineTensor> cache = new IdentityHashMap<>();
    private final IdentityHashMap<Expression, AffineTensor> objectiveCache = new IdentityHashMap<>();
    private Map<Expression, double[]> quadraticWeights = Map.of();
    private final java.util.Set<Parameter> psdChecked = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

    Canonicalizer(CompileOptions options, ParameterLayout params, List<Variable> userVariables) {
        this.options = options;
        this.params = params;
        for (Variable v : userVariables) {
            register(v);
        }
    }

    CompileOptions options() {
        return options;
    }

    List<ConeConstraint> constraints() {
        return constraints;
    }

    QuadraticTerms quadratic() {
        return quadratic;
    }

    int columns() {
        return columns;
    }

    Map<Variable, Integer> variableOffsets() {
        return variableOffsets;
    }

    // ------------------------------------------------------------------ entry points

    /** Canonicalizes an objective to be minimized; returns its one-row tensor. */
    AffineTensor objective(Expression minimized) {
        if (options.nativeQuadratic()) {
            quadraticWeights = QuadraticPositions.weights(minimized, options.parametersAsConstants());
        }
        return objectiveTerm(minimized, options.nativeQuadratic());
    }

    /** Canonicalizes a user constraint into cone rows tagged with it. */
    void constraint(Constraint c) {
        List<Expression> a = c.args();
        switch (c.kind()) {
            case EQUALITY -> zero(canon(a.get(0)).minus(canon(a.get(1))), c);
            case INEQUALITY -> nonneg(canon(a.get(1)).minus(canon(a.get(0))), c);
            case SOC -> {
                AffineTensor t = canon(a.get(0));
                AffineTensor x = canon(a.get(1));
                soc(t, x, x.length() / t.length(), c);
            }
            case PSD -> psd(canon(a.get(0)), a.get(0).shape().rows(), c);
            case EXP -> {
                int n = c.dualShape().size() / 3;
                exp(canon(a.get(0)).broadcast(n), canon(a.get(1)).broadcast(n), canon(a.get(2)).broadcast(n), c);
            }
            default -> throw new IllegalStateException(c.kind().toString());
        }
    }

    // ------------------------------------------------------------------ the walk

    /** The cone form of {@code e}. */
    AffineTensor canon(Expression e) {
        AffineTensor t = cache.get(e);
        if (t == null) {
            t = canonUncached(e);
            cache.put(e, t);
        }
        return t;
    }

    private AffineTensor canonUncached(Expression e) {
        if (e instanceof Variable v) {
            return AffineTensor.variable(register(v), v.size());
        }
        if (e instanceof Parameter p) {
            return options.parametersAsConstants() ? AffineTensor.constant(p.getValue())
                    : AffineTensor.parameter(params.offset(p), p.size());
        }
        if (e instanceof Constant c) {
            return AffineTensor.constant(c.values());
        }
        if (isNumeric(e)) {
            return AffineTensor.constant(e.value()); // constant folding
        }
        if (e instanceof Atom atom) {
            return AtomGraphs.apply(this, atom);
        }
        List<AffineTensor> args = new ArrayList<>();
        for (Expression a : e.args()) {
            args.add(canon(a));
        }
        return combine(e, args);
    }

    /** The objective form of a term: native quadratic where the position allows it. */
    private AffineTensor objectiveTerm(Expression e, boolean quadraticPath) {
        if (!quadraticPath || !e.hasVariables()) {
            return canon(e);
        }
        AffineTensor t = objectiveCache.get(e);
        if (t != null) {
            return t;
        }
        if (e instanceof Atom atom) {
            double[] w = quadraticWeights.get(atom);
            t = w != null ? NativeQuadratics.apply(this, atom, w) : canon(e);
        } else {
            double[][] cw = QuadraticPositions.childWeights(e, new double[e.size()], options.parametersAsConstants());
            if (cw == null) {
                t = canon(e);
            } else {
                List<AffineTensor> args = new ArrayList<>();
                List<Expression> children = e.args();
                for (int k = 0; k < children.size(); k++) {
                    args.add(objectiveTerm(children.get(k), cw[k] != null));
                }
                t = combine(e, args);
            }
        }
        objectiveCache.put(e, t);
        return t;
    }

    /** The tensor of an affine node from its operands' tensors. */
    private AffineTensor combine(Expression e, List<AffineTensor> args) {
        int n = e.size();
        if (e instanceof AddExpression) {
            List<AffineTensor> terms = new ArrayList<>();
            for (AffineTensor a : args) {
                terms.add(a.broadcast(n));
            }
            return AffineTensor.sum(n, terms);
        }
        if (e instanceof NegateExpression) {
            return args.get(0).negate();
        }
        if (e instanceof CumsumExpression cs) {
            return cumsum(cs, args.get(0));
        }
        if (e instanceof LinearMapExpression lm) {
            return AffineTensor.stack(args).map(lm.map());
        }
        if (e instanceof DivideExpression d) {
            double[] den = numericValue(d.denominator());
            double[] inv = new double[den.length];
            for (int i = 0; i < den.length; i++) {
                inv[i] = 1 / den[i];
            }
            return args.get(0).broadcast(n).scaleRows(inv);
        }
        if (e instanceof ProductExpression p) {
            Shape ls = p.left().shape();
            Shape rs = p.right().shape();
            AffineTensor l = args.get(0);
            AffineTensor r = args.get(1);
            switch (p.kind()) {
                case SCALAR:
                    return AffineTensor.product(AffineTensor.Product.SCALAR, l, 1, 1, r, 1, 1);
                case ELEMENTWISE:
                    return AffineTensor.product(AffineTensor.Product.ELEMENTWISE, l.broadcast(n), 1, 1, r.broadcast(n),
                            1, 1);
                case MATMUL: {
                    int lr = ls.isVector() ? 1 : ls.dim(0);
                    int lc = ls.isVector() ? ls.dim(0) : ls.dim(1);
                    int rr = rs.dim(0);
                    int rc = rs.isVector() ? 1 : rs.dim(1);
                    return AffineTensor.product(AffineTensor.Product.MATMUL, l, lr, lc, r, rr, rc);
                }
                default:
                    return AffineTensor.product(AffineTensor.Product.KRON, l, ls.rows(), ls.cols(), r, rs.rows(),
                            rs.cols());
            }
        }
        throw new IllegalStateException("no canonical form for " + e.getClass().getSimpleName() + ": " + e);
    }

    /** y = cumsum(x) as a new variable y with y_i − y_prev(i) = x_i (linear size). */
    private AffineTensor cumsum(CumsumExpression cs, AffineTensor x) {
        int n = x.length();
        AffineTensor y = newVariable(n);
        LinearMap.Builder diff = LinearMap.builder(n, n);
        for (int i = 0; i < n; i++) {
            diff.add(i, i, 1);
            int p = cs.previous(i);
            if (p >= 0) {
                diff.add(i, p, -1);
            }
        }
        zero(y.map(diff.build()).minus(x), null);
        return y;
    }

    // ------------------------------------------------------------------ numbers

    /** Whether the compile can treat {@code e} as a number (no variables; no θ entries). */
    boolean isNumeric(Expression e) {
        return QuadraticPositions.isNumeric(e, options.parametersAsConstants());
    }

    /** The numeric value of an expression for which {@link #isNumeric} holds. */
    double[] numericValue(Expression e) {
        if (!isNumeric(e)) {
            throw new IllegalStateException(e + " is not a number at compile time");
        }
        return e.value();
    }

    /** θ offset of a parameter (DPP compilation only). */
    int parameterOffset(Parameter p) {
        return params.offset(p);
    }

    /** Marks a parameter whose values must be checked PSD when the program is instantiated. */
    void requirePsdAtRuntime(Parameter p) {
        psdChecked.add(p);
    }

    java.util.Set<Parameter> psdChecked() {
        return psdChecked;
    }

    // ------------------------------------------------------------------ variables

    private int register(Variable v) {
        Integer off = variableOffsets.get(v);
        if (off != null) {
            return off;
        }
        int o = columns;
        columns += v.size();
        variableOffsets.put(v, o);
        AffineTensor x = AffineTensor.variable(o, v.size());
        if (v.has(Attribute.NONNEG) || v.has(Attribute.POS)) {
            nonneg(x, null); // POS: the closure x ≥ 0 (a geometric program keeps x > 0 through log x)
        }
        if (v.has(Attribute.NONPOS)) {
            nonneg(x.negate(), null);
        }
        if ((v.has(Attribute.SYMMETRIC) || v.has(Attribute.PSD)) && v.size() > 1) {
            zero(x.map(antisymmetricPart(v.shape().rows())), null);
        }
        if (v.has(Attribute.PSD)) {
            psd(x, v.shape().rows(), null);
        }
        return o;
    }

    /** A new auxiliary variable of {@code size} entries. */
    AffineTensor newVariable(int size) {
        int o = columns;
        columns += size;
        return AffineTensor.variable(o, size);
    }

    /** The columns of a new variable from {@link #newVariable}'s tensor. */
    static int[] columnsOf(AffineTensor variable) {
        return variable.pureVariableColumns();
    }

    /**
     * Columns holding the values of the affine rows {@code e}: its own columns when it is a plain
     * variable selection, else a new variable t with the constraint t = e.
     */
    int[] alias(AffineTensor e) {
        int[] cols = e.pureVariableColumns();
        if (cols != null) {
            return cols;
        }
        AffineTensor t = newVariable(e.length());
        zero(t.minus(e), null);
        return t.pureVariableColumns();
    }

    // ------------------------------------------------------------------ cone constraints

    /** e = 0. */
    void zero(AffineTensor e, Constraint user) {
        constraints.add(new ConeConstraint(ConeConstraint.Kind.ZERO, e, 0, 0, user));
    }

    /** e ≥ 0. */
    void nonneg(AffineTensor e, Constraint user) {
        constraints.add(new ConeConstraint(ConeConstraint.Kind.NONNEG, e, 0, 0, user));
    }

    /** ‖x_i‖ ≤ t_i for k = t.length() cones, x_i = rows [i·d, (i+1)·d) of x. */
    void soc(AffineTensor t, AffineTensor x, int d, Constraint user) {
        int k = t.length();
        LinearMap.Builder b = LinearMap.builder(k * (d + 1), k + k * d);
        for (int i = 0; i < k; i++) {
            b.add(i * (d + 1), i, 1);
            for (int j = 0; j < d; j++) {
                b.add(i * (d + 1) + 1 + j, k + i * d + j, 1);
            }
        }
        AffineTensor rows = AffineTensor.stack(List.of(t, x)).map(b.build());
        constraints.add(new ConeConstraint(ConeConstraint.Kind.SOC, rows, d + 1, 0, user));
    }

    /**
     * Elementwise cones: for each i, (parts[0]_i, parts[1]_i, …) is one second-order cone (first
     * part is t). Every part has the same length k.
     */
    void socElementwise(List<AffineTensor> parts) {
        int k = parts.get(0).length();
        int q = parts.size();
        LinearMap.Builder b = LinearMap.builder(k * q, k * q);
        for (int p = 0; p < q; p++) {
            for (int i = 0; i < k; i++) {
                b.add(i * q + p, p * k + i, 1);
            }
        }
        AffineTensor rows = AffineTensor.stack(parts).map(b.build());
        constraints.add(new ConeConstraint(ConeConstraint.Kind.SOC, rows, q, 0, null));
    }

    /** (x_i, y_i, z_i) ∈ K_exp for each i. */
    void exp(AffineTensor x, AffineTensor y, AffineTensor z, Constraint user) {
        constraints.add(new ConeConstraint(ConeConstraint.Kind.EXP, triples(x, y, z), 0, 0, user));
    }

    /** (x_i, y_i, z_i) in the power cone x^α y^(1−α) ≥ |z| for each i. */
    void power(AffineTensor x, AffineTensor y, AffineTensor z, double alpha) {
        constraints.add(new ConeConstraint(ConeConstraint.Kind.POWER, triples(x, y, z), 0, alpha, null));
    }

    private static AffineTensor triples(AffineTensor x, AffineTensor y, AffineTensor z) {
        int k = Math.max(x.length(), Math.max(y.length(), z.length()));
        x = x.broadcast(k);
        y = y.broadcast(k);
        z = z.broadcast(k);
        LinearMap.Builder b = LinearMap.builder(3 * k, 3 * k);
        for (int i = 0; i < k; i++) {
            b.add(3 * i, i, 1);
            b.add(3 * i + 1, k + i, 1);
            b.add(3 * i + 2, 2 * k + i, 1);
        }
        return AffineTensor.stack(List.of(x, y, z)).map(b.build());
    }

    /** (M + Mᵀ)/2 ⪰ 0 for the k×k matrix M given row-major by {@code m}. */
    void psd(AffineTensor m, int k, Constraint user) {
        constraints.add(new ConeConstraint(ConeConstraint.Kind.PSD, m.map(svecOfSymmetricPart(k)), k, 0, user));
    }

    /** svec((M + Mᵀ)/2): lower triangle column-major, off-diagonals ×√2 (DESIGN §2). */
    static LinearMap svecOfSymmetricPart(int k) {
        LinearMap.Builder b = LinearMap.builder(k * (k + 1) / 2, k * k);
        double h = Math.sqrt(0.5);
        int r = 0;
        for (int j = 0; j < k; j++) {
            for (int i = j; i < k; i++) {
                if (i == j) {
                    b.add(r, i * k + i, 1);
                } else {
                    b.add(r, i * k + j, h);
                    b.add(r, j * k + i, h);
                }
                r++;
            }
        }
        return b.build();
    }

    /** M_ij − M_ji for i &lt; j (row-major pairs), zero iff M is symmetric. */
    static LinearMap antisymmetricPart(int k) {
        LinearMap.Builder b = LinearMap.builder(k * (k - 1) / 2, k * k);
        int r = 0;
        for (int i = 0; i < k; i++) {
            for (int j = i + 1; j < k; j++) {
                b.add(r, i * k + j, 1);
                b.add(r, j * k + i, -1);
                r++;
            }
        }
        return b.build();
    }

    /**
     * Adds M = Mᵀ for a matrix expression not known to be symmetric. Only entry pairs that involve
     * variables are constrained; for pure data the cone sees its symmetric part anyway.
     */
    void requireSymmetric(Expression e, AffineTensor m) {
        int k = e.shape().rows();
        if (k > 1 && !e.isSymmetric()) {
            AffineTensor rows = m.map(antisymmetricPart(k)).rowsWithVariables();
            if (rows.length() > 0) {
                zero(rows, null);
            }
        }
    }
}
