// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A nonlinear atom f(args) of the DCP library, built through {@link Atoms}. Each kind fixes its
 * shape rule, its curvature as a function, its monotonicity in each argument (which may depend on
 * the argument's sign) and the sign of its value; the DCP composition rule then gives the
 * curvature of the node. Its graph implementation (cone form) lives in
 * {@code io.convexlayers.canon.AtomGraphs}.
 */
public final class Atom extends Expression {

    /** The atom library. */
    public enum Kind {
        ABS("abs"), POS("pos"), NEG("neg"), MAXIMUM("maximum"), MINIMUM("minimum"), MAX("max"), MIN("min"),
        NORM1("norm1"), NORM2("norm2"), NORM_INF("normInf"), SUM_SQUARES("sumSquares"), QUAD_FORM("quadForm"),
        QUAD_OVER_LIN("quadOverLin"), HUBER("huber"), EXP("exp"), LOG("log"), ENTR("entr"),
        LOG_SUM_EXP("logSumExp"), LOGISTIC("logistic"), KL_DIV("klDiv"), REL_ENTR("relEntr"), POWER("power"),
        GEO_MEAN("geoMean"), LAMBDA_MAX("lambdaMax"), LAMBDA_MIN("lambdaMin"), SIGMA_MAX("sigmaMax"),
        NORM_NUC("normNuc"), LOG_DET("logDet"), SUM_LARGEST("sumLargest");

        private final String display;

        Kind(String display) {
            this.display = display;
        }

        /** The name used when printing, as in {@link Atoms}. */
        public String display() {
            return display;
        }
    }

    /** Reduction over all entries. */
    public static final int ALL = -1;

    private final Kind kind;
    private final List<Expression> args;
    private final double param;
    private final int axis;
    private final double[] weights;
    private final String displayName;
    private volatile Integer definiteness;

    Atom(Kind kind, List<Expression> args, double param, int axis, double[] weights, String displayName) {
        super(shapeOf(kind, args, axis));
        this.kind = kind;
        this.args = List.copyOf(args);
        this.param = param;
        this.axis = axis;
        this.weights = weights;
        this.displayName = displayName == null ? kind.display() : displayName;
    }

    Atom(Kind kind, Expression arg) {
        this(kind, List.of(arg), 0, ALL, null, null);
    }

    private static Shape shapeOf(Kind kind, List<Expression> args, int axis) {
        Expression x = args.get(0);
        Shape s = x.shape();
        // Exhaustive, no default: a new Kind must state its shape rule here.
        return switch (kind) {
            case ABS, POS, NEG, HUBER, EXP, LOG, ENTR, LOGISTIC, POWER -> s;
            case MAXIMUM, MINIMUM, KL_DIV, REL_ENTR -> {
                Expression acc = x;
                Shape out = s;
                for (Expression e : args.subList(1, args.size())) {
                    out = broadcast(kind.display(), acc, e);
                    acc = out.equals(e.shape()) ? e : acc;
                }
                yield out;
            }
            case MAX, MIN -> {
                if (axis == ALL) {
                    yield Shape.scalar();
                }
                if (s.isVector() && axis == 0) {
                    yield Shape.scalar();
                }
                if (!s.isMatrix() || (axis != 0 && axis != 1)) {
                    throw new ShapeException(kind.display() + "(" + x + ", axis=" + axis + "): invalid axis for shape " + s);
                }
                yield Shape.vector(axis == 0 ? s.dim(1) : s.dim(0));
            }
            case QUAD_FORM -> {
                Expression p = args.get(1);
                int n = s.isScalar() ? 1 : s.isVector() ? s.dim(0) : -1;
                if (n < 0 || !p.shape().isSquare() || p.shape().rows() != n) {
                    throw new ShapeException("quadForm(" + x + ", " + p + "): needs a vector x of length n and an n×n "
                            + "matrix P, got shapes " + s + " and " + p.shape());
                }
                yield Shape.scalar();
            }
            case QUAD_OVER_LIN -> {
                if (!args.get(1).shape().isScalar()) {
                    throw new ShapeException("quadOverLin(" + x + ", " + args.get(1) + "): the denominator must be a "
                            + "scalar, got shape " + args.get(1).shape());
                }
                yield Shape.scalar();
            }
            case LAMBDA_MAX, LAMBDA_MIN, LOG_DET -> {
                if (!s.isSquare()) {
                    throw new ShapeException(kind.display() + "(" + x + "): needs a square matrix, got shape " + s);
                }
                yield Shape.scalar();
            }
            // reductions to a scalar with no further shape condition
            case NORM1, NORM2, NORM_INF, SUM_SQUARES, LOG_SUM_EXP, GEO_MEAN, SIGMA_MAX, NORM_NUC, SUM_LARGEST ->
                    Shape.scalar();
        };
    }

    public Kind kind() {
        return kind;
    }

    /** The number that parametrizes the atom: p of power, M of huber, k of sumLargest (else 0). */
    public double param() {
        return param;
    }

    /** The reduction axis of max/min ({@link #ALL} for all entries). */
    public int axis() {
        return axis;
    }

    /** The normalized weights of geoMean (null for other atoms). */
    public double[] weights() {
        return weights == null ? null : weights.clone();
    }

    @Override
    public List<Expression> args() {
        return args;
    }

    // ------------------------------------------------------------------ DCP properties

    /** +1 when quadForm's matrix is known PSD, −1 when known NSD, 0 otherwise. */
    public int quadFormDefiniteness() {
        Integer d = definiteness;
        if (d == null) {
            Expression p = args.get(1);
            int n = p.shape().rows();
            if (p instanceof Leaf leaf && leaf.has(Attribute.PSD)) {
                d = 1;
            } else if (!p.hasVariables() && !p.hasParameters()) {
                d = Numerics.semidefiniteness(p.value(), n);
            } else {
                d = 0;
            }
            definiteness = d;
        }
        return d;
    }

    /**
     * True for quadForm(x, P) with a parameter P: DPP only as a term of a native quadratic
     * objective (with P declared PSD), where P's values become the solver's P.
     */
    public boolean needsNativeObjective() {
        return kind == Kind.QUAD_FORM && args.get(1).hasParameters();
    }

    /** The curvature of f as a function of its arguments. */
    public Curvature functionCurvature() {
        // Exhaustive, no default: a new Kind must not silently count as convex.
        return switch (kind) {
            case MINIMUM, MIN, LOG, ENTR, GEO_MEAN, LAMBDA_MIN, LOG_DET -> Curvature.CONCAVE;
            case POWER -> {
                if (param == 0) {
                    yield Curvature.CONSTANT;
                }
                if (param == 1) {
                    yield Curvature.AFFINE;
                }
                yield param > 0 && param < 1 ? Curvature.CONCAVE : Curvature.CONVEX;
            }
            case QUAD_FORM -> {
                int d = quadFormDefiniteness();
                yield d > 0 ? Curvature.CONVEX : d < 0 ? Curvature.CONCAVE : Curvature.UNKNOWN;
            }
            case ABS, POS, NEG, MAXIMUM, MAX, NORM1, NORM2, NORM_INF, SUM_SQUARES, QUAD_OVER_LIN, HUBER, EXP,
                    LOG_SUM_EXP, LOGISTIC, KL_DIV, REL_ENTR, LAMBDA_MAX, SIGMA_MAX, NORM_NUC, SUM_LARGEST ->
                    Curvature.CONVEX;
        };
    }

    private static Monotonicity bySign(Expression a) {
        Sign s = a.sign();
        if (s.isNonneg()) {
            return Monotonicity.INCREASING;
        }
        if (s.isNonpos()) {
            return Monotonicity.DECREASING;
        }
        return Monotonicity.NONE;
    }

    /** True for power's exponents defined on all reals as |x|^p: even integers ≥ 2. */
    public static boolean isEvenInteger(double p) {
        return p >= 2 && p == Math.rint(p) && ((long) p) % 2 == 0;
    }

    /** How f varies with argument {@code i}, given that argument's sign. */
    public Monotonicity monotonicity(int i) {
        Expression a = args.get(i);
        // Exhaustive, no default: a new Kind must state its monotonicity here.
        return switch (kind) {
            case ABS, NORM1, NORM2, NORM_INF, SUM_SQUARES, HUBER -> bySign(a);
            case QUAD_OVER_LIN -> i == 0 ? bySign(a) : Monotonicity.DECREASING;
            case POS, MAXIMUM, MINIMUM, MAX, MIN, EXP, LOG, LOG_SUM_EXP, LOGISTIC, GEO_MEAN, SUM_LARGEST ->
                    Monotonicity.INCREASING;
            case NEG -> Monotonicity.DECREASING;
            case REL_ENTR -> i == 0 ? Monotonicity.NONE : Monotonicity.DECREASING;
            case POWER -> {
                if (param > 1) {
                    yield isEvenInteger(param) ? bySign(a) : Monotonicity.INCREASING;
                }
                yield param < 0 ? Monotonicity.DECREASING : Monotonicity.INCREASING;
            }
            // not monotone (quadForm is handled apart; the matrix atoms need affine arguments)
            case QUAD_FORM, ENTR, KL_DIV, LAMBDA_MAX, LAMBDA_MIN, SIGMA_MAX, NORM_NUC, LOG_DET -> Monotonicity.NONE;
        };
    }

    @Override
    protected Sign computeSign() {
        // Exhaustive, no default: a new Kind must state its sign here.
        return switch (kind) {
            case ABS, POS, NEG, NORM1, NORM2, NORM_INF, SUM_SQUARES, QUAD_OVER_LIN, HUBER, EXP, LOGISTIC, KL_DIV,
                    SIGMA_MAX, NORM_NUC, GEO_MEAN -> Sign.NONNEG;
            case POWER -> param == 1 ? args.get(0).sign() : Sign.NONNEG;
            case MAXIMUM -> {
                boolean anyNonneg = false;
                boolean allNonpos = true;
                for (Expression a : args) {
                    anyNonneg |= a.sign().isNonneg();
                    allNonpos &= a.sign().isNonpos();
                }
                yield anyNonneg ? Sign.NONNEG : allNonpos ? Sign.NONPOS : Sign.UNKNOWN;
            }
            case MINIMUM -> {
                boolean anyNonpos = false;
                boolean allNonneg = true;
                for (Expression a : args) {
                    anyNonpos |= a.sign().isNonpos();
                    allNonneg &= a.sign().isNonneg();
                }
                yield anyNonpos ? Sign.NONPOS : allNonneg ? Sign.NONNEG : Sign.UNKNOWN;
            }
            case MAX, MIN, SUM_LARGEST -> args.get(0).sign();
            case QUAD_FORM -> {
                int d = quadFormDefiniteness();
                yield d > 0 ? Sign.NONNEG : d < 0 ? Sign.NONPOS : Sign.UNKNOWN;
            }
            // values of either sign
            case LOG, ENTR, LOG_SUM_EXP, REL_ENTR, LAMBDA_MAX, LAMBDA_MIN, LOG_DET -> Sign.UNKNOWN;
        };
    }

    @Override
    protected Curvature computeCurvature(Rules rules) {
        if (kind == Kind.QUAD_FORM) {
            return quadFormCurvature(rules);
        }
        boolean allConstant = true;
        for (Expression a : args) {
            Curvature c = a.curvature(rules);
            if (!c.isKnown()) {
                return Curvature.UNKNOWN;
            }
            allConstant &= c == Curvature.CONSTANT;
        }
        Curvature f = functionCurvature();
        if (allConstant || f == Curvature.CONSTANT) {
            return Curvature.CONSTANT;
        }
        boolean convexOk = f.isConvex();
        boolean concaveOk = f.isConcave();
        for (int i = 0; i < args.size(); i++) {
            Curvature a = args.get(i).curvature(rules);
            if (a.isAffine()) {
                continue;
            }
            Monotonicity m = monotonicity(i);
            convexOk &= (a.isConvex() && m == Monotonicity.INCREASING) || (a.isConcave() && m == Monotonicity.DECREASING);
            concaveOk &= (a.isConcave() && m == Monotonicity.INCREASING) || (a.isConvex() && m == Monotonicity.DECREASING);
        }
        if (convexOk && concaveOk) {
            return Curvature.AFFINE;
        }
        return convexOk ? Curvature.CONVEX : concaveOk ? Curvature.CONCAVE : Curvature.UNKNOWN;
    }

    private Curvature quadFormCurvature(Rules rules) {
        Expression x = args.get(0);
        Expression p = args.get(1);
        Curvature xc = x.curvature(rules);
        if (!xc.isKnown() || !p.curvature(rules).isKnown()) {
            return Curvature.UNKNOWN;
        }
        if (p.curvature(rules) == Curvature.CONSTANT) {
            if (xc == Curvature.CONSTANT) {
                return Curvature.CONSTANT;
            }
            int d = quadFormDefiniteness();
            if (d == 0 || !xc.isAffine()) {
                return Curvature.UNKNOWN;
            }
            return d > 0 ? Curvature.CONVEX : Curvature.CONCAVE;
        }
        // DPP with a parameter matrix: allowed (in a native quadratic objective) for a PSD parameter
        if (p instanceof Parameter leaf && leaf.has(Attribute.PSD) && x.isParameterFree() && xc.isAffine()) {
            return Curvature.CONVEX;
        }
        return Curvature.UNKNOWN;
    }

    @Override
    protected String violation(Rules rules) {
        if (kind == Kind.QUAD_FORM) {
            Expression x = args.get(0);
            Expression p = args.get(1);
            if (p.hasVariables()) {
                return "quadForm needs a constant matrix, but " + p + " contains variables";
            }
            if (rules == Rules.DPP && p.hasParameters()) {
                if (!(p instanceof Parameter leaf && leaf.has(Attribute.PSD))) {
                    return "quadForm with the parameter matrix " + p
                            + " is DPP only for a parameter declared PSD (and only in the objective)";
                }
                return "quadForm with a parameter matrix needs a parameter-free affine first argument, got " + x;
            }
            if (!x.curvature(rules).isAffine()) {
                return "quadForm needs an affine first argument, but " + x + " is " + x.curvature(rules).word();
            }
            return "quadForm needs a positive or negative semidefinite matrix, but " + p
                    + (p.hasParameters() ? " is a parameter expression not declared PSD" : " is indefinite");
        }
        Curvature f = functionCurvature();
        for (int i = 0; i < args.size(); i++) {
            Expression a = args.get(i);
            Curvature c = a.curvature(rules);
            if (c.isAffine()) {
                continue;
            }
            Monotonicity m = monotonicity(i);
            boolean ok = f.isConvex()
                    ? (c.isConvex() && m == Monotonicity.INCREASING) || (c.isConcave() && m == Monotonicity.DECREASING)
                    : (c.isConcave() && m == Monotonicity.INCREASING) || (c.isConvex() && m == Monotonicity.DECREASING);
            if (!ok) {
                String mono = switch (m) {
                    case INCREASING -> "increasing";
                    case DECREASING -> "decreasing";
                    case NONE -> "not monotone";
                };
                String where = args.size() > 1 ? " in argument " + (i + 1) : "";
                String need = m == Monotonicity.NONE ? "affine"
                        : (f.isConvex() == (m == Monotonicity.INCREASING)) ? "convex (or affine)" : "concave (or affine)";
                return displayName + " is " + f.word() + " and " + mono + where + ", so that argument must be " + need
                        + ", but " + a + " is " + c.word();
            }
        }
        return super.violation(rules);
    }

    @Override
    protected String suggestion(Rules rules) {
        if (kind == Kind.QUAD_FORM && rules == Rules.DPP && args.get(1).hasParameters()) {
            return "sumSquares(Psqrt @ " + wrap(args.get(0), PREC_MUL + 1) + ") with a parameter Psqrt whose value "
                    + "satisfies Psqrt.T @ Psqrt = " + args.get(1) + " (or keep quadForm in the objective, native form, "
                    + "with " + args.get(1) + " declared PSD)";
        }
        return null;
    }

    // ------------------------------------------------------------------ numeric values

    @Override
    protected double[] numeric(double[][] v) {
        double[] x = v[0];
        // Exhaustive, no default: a new Kind must define its value here.
        return switch (kind) {
            case ABS -> map(x, Math::abs);
            case POS -> map(x, t -> Math.max(t, 0));
            case NEG -> map(x, t -> Math.max(-t, 0));
            case EXP -> map(x, Math::exp);
            case LOG -> map(x, t -> t < 0 ? Double.NaN : Math.log(t));
            case ENTR -> map(x, t -> t < 0 ? Double.NEGATIVE_INFINITY : t == 0 ? 0 : -t * Math.log(t));
            case LOGISTIC -> map(x, t -> t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t)));
            case HUBER -> {
                double m = param;
                yield map(x, t -> Math.abs(t) <= m ? t * t : 2 * m * Math.abs(t) - m * m);
            }
            case POWER -> map(x, this::power);
            case MAXIMUM, MINIMUM, KL_DIV, REL_ENTR -> {
                double[] out = new double[size()];
                for (int i = 0; i < out.length; i++) {
                    double acc = Double.NaN;
                    for (int k = 0; k < v.length; k++) {
                        double t = v[k][v[k].length == 1 ? 0 : i];
                        if (k == 0) {
                            acc = t;
                        } else if (kind == Kind.MAXIMUM) {
                            acc = Math.max(acc, t);
                        } else if (kind == Kind.MINIMUM) {
                            acc = Math.min(acc, t);
                        } else {
                            acc = relEntr(acc, t) + (kind == Kind.KL_DIV ? t - acc : 0);
                        }
                    }
                    out[i] = acc;
                }
                yield out;
            }
            case MAX, MIN -> reduce(x, kind == Kind.MAX);
            case NORM1 -> {
                double s = 0;
                for (double t : x) {
                    s += Math.abs(t);
                }
                yield new double[] {s};
            }
            case NORM2 -> new double[] {Math.sqrt(sumSq(x))};
            case NORM_INF -> new double[] {Numerics.maxAbs(x)};
            case SUM_SQUARES -> new double[] {sumSq(x)};
            case QUAD_OVER_LIN -> new double[] {v[1][0] > 0 ? sumSq(x) / v[1][0] : Double.POSITIVE_INFINITY};
            case QUAD_FORM -> {
                double[] p = v[1];
                int n = x.length;
                double s = 0;
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        s += x[i] * p[i * n + j] * x[j];
                    }
                }
                yield new double[] {s};
            }
            case LOG_SUM_EXP -> {
                double m = Double.NEGATIVE_INFINITY;
                for (double t : x) {
                    m = Math.max(m, t);
                }
                double s = 0;
                for (double t : x) {
                    s += Math.exp(t - m);
                }
                yield new double[] {m + Math.log(s)};
            }
            case GEO_MEAN -> new double[] {geoMean(x)};
            case LAMBDA_MAX -> new double[] {Numerics.maxEigenvalue(x, args.get(0).shape().rows())};
            case LAMBDA_MIN -> new double[] {Numerics.minEigenvalue(x, args.get(0).shape().rows())};
            case LOG_DET -> {
                double[] ev = Numerics.symmetricEigenvalues(x, args.get(0).shape().rows());
                double s = 0;
                for (double e : ev) {
                    s += e > 0 ? Math.log(e) : Double.NEGATIVE_INFINITY;
                }
                yield new double[] {s};
            }
            case SIGMA_MAX, NORM_NUC -> {
                Shape s = args.get(0).shape();
                double[] sv = Numerics.singularValues(x, s.rows(), s.cols());
                if (kind == Kind.SIGMA_MAX) {
                    yield new double[] {sv.length == 0 ? 0 : sv[0]};
                }
                double t = 0;
                for (double e : sv) {
                    t += e;
                }
                yield new double[] {t};
            }
            case SUM_LARGEST -> {
                double[] sorted = x.clone();
                Arrays.sort(sorted);
                double k = param;
                double s = 0;
                for (int i = sorted.length - 1; i >= 0 && k > 0; i--) {
                    double w = Math.min(1, k);
                    s += w * sorted[i];
                    k -= w;
                }
                yield new double[] {s};
            }
        };
    }

    /** Π xᵢ^wᵢ; −∞ as soon as an entry with positive weight is negative (outside the domain). */
    private double geoMean(double[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            if (weights[i] > 0) {
                if (x[i] < 0) {
                    return Double.NEGATIVE_INFINITY;
                }
                s += weights[i] * Math.log(x[i]);
            }
        }
        return Math.exp(s);
    }

    private double power(double t) {
        double p = param;
        if (p == 0) {
            return 1;
        }
        if (p == 1) {
            return t;
        }
        if (isEvenInteger(p)) {
            return Math.pow(t, p);
        }
        if (p > 1) {
            return t >= 0 ? Math.pow(t, p) : Double.POSITIVE_INFINITY;
        }
        if (p > 0) {
            return t >= 0 ? Math.pow(t, p) : Double.NEGATIVE_INFINITY;
        }
        return t > 0 ? Math.pow(t, p) : Double.POSITIVE_INFINITY;
    }

    private static double relEntr(double x, double y) {
        if (x > 0 && y > 0) {
            return x * Math.log(x / y);
        }
        if (x == 0 && y >= 0) {
            return 0;
        }
        return Double.POSITIVE_INFINITY;
    }

    private static double sumSq(double[] x) {
        double s = 0;
        for (double t : x) {
            s += t * t;
        }
        return s;
    }

    private double[] reduce(double[] x, boolean max) {
        Shape s = args.get(0).shape();
        if (axis == ALL || s.isVector()) {
            double r = x[0];
            for (double t : x) {
                r = max ? Math.max(r, t) : Math.min(r, t);
            }
            return new double[] {r};
        }
        int rows = s.dim(0);
        int cols = s.dim(1);
        double[] out = new double[axis == 0 ? cols : rows];
        Arrays.fill(out, max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                int k = axis == 0 ? j : i;
                out[k] = max ? Math.max(out[k], x[i * cols + j]) : Math.min(out[k], x[i * cols + j]);
            }
        }
        return out;
    }

    private static double[] map(double[] x, java.util.function.DoubleUnaryOperator f) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = f.applyAsDouble(x[i]);
        }
        return out;
    }

    // ------------------------------------------------------------------ printing

    @Override
    protected String render() {
        List<String> parts = new ArrayList<>();
        for (Expression a : args) {
            parts.add(a.toString());
        }
        // Exhaustive, no default: a new Kind must say which extra arguments it prints (null: none).
        String extra = switch (kind) {
            case HUBER, SUM_LARGEST -> Constant.format(param);
            case POWER -> displayName.equals("power") ? Constant.format(param) : null;
            case MAX, MIN -> axis != ALL ? "axis=" + axis : null;
            case GEO_MEAN -> {
                boolean uniform = true;
                for (double w : weights) {
                    uniform &= Math.abs(w - weights[0]) < 1e-15;
                }
                if (uniform) {
                    yield null;
                }
                StringBuilder sb = new StringBuilder("[");
                for (int i = 0; i < weights.length; i++) {
                    sb.append(i > 0 ? ", " : "").append(Constant.format(weights[i]));
                }
                yield sb.append(']').toString();
            }
            case ABS, POS, NEG, MAXIMUM, MINIMUM, NORM1, NORM2, NORM_INF, SUM_SQUARES, QUAD_FORM, QUAD_OVER_LIN, EXP,
                    LOG, ENTR, LOG_SUM_EXP, LOGISTIC, KL_DIV, REL_ENTR, LAMBDA_MAX, LAMBDA_MIN, SIGMA_MAX, NORM_NUC,
                    LOG_DET -> null;
        };
        if (extra != null) {
            parts.add(extra);
        }
        return displayName + "(" + String.join(", ", parts) + ")";
    }
}
