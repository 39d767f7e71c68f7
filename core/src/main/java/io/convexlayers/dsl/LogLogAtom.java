// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

import java.util.List;

/**
 * An atom of geometric programming only (DGP, Agrawal, Xu and Boyd 2019): the product of the
 * entries, 1 − x, the Perron–Frobenius eigenvalue and (I − X)⁻¹. They have no DCP curvature (a
 * convex problem that uses one is reported as not DCP) but a log-log curvature, and
 * {@link LogLogForm} rewrites them into convex constraints on log x. Built through {@link Atoms}.
 */
public final class LogLogAtom extends Expression {

    /** The log-log-only atoms. */
    public enum Kind {
        /** Π xᵢ over all entries: log-log affine, increasing. */
        PROD("prod"),
        /** 1 − x elementwise, for 0 &lt; x &lt; 1: log-log concave, decreasing. */
        ONE_MINUS_POS("oneMinusPos"),
        /** The Perron–Frobenius eigenvalue of a positive square matrix: log-log convex, increasing. */
        PF_EIGENVALUE("pfEigenvalue"),
        /** (I − X)⁻¹ of a positive square matrix with spectral radius below 1: log-log convex, increasing. */
        EYE_MINUS_INV("eyeMinusInv");

        private final String display;

        Kind(String display) {
            this.display = display;
        }

        /** The name used when printing, as in {@link Atoms}. */
        public String display() {
            return display;
        }
    }

    private final Kind kind;
    private final Expression arg;

    LogLogAtom(Kind kind, Expression arg) {
        super(shapeOf(kind, arg));
        this.kind = kind;
        this.arg = arg;
    }

    private static Shape shapeOf(Kind kind, Expression arg) {
        Shape s = arg.shape();
        return switch (kind) {
            case PROD -> Shape.scalar();
            case ONE_MINUS_POS -> s;
            case PF_EIGENVALUE, EYE_MINUS_INV -> {
                if (!s.isMatrix() || !s.isSquare()) {
                    throw new ShapeException(kind.display() + "(" + arg + "): needs a square matrix, got shape " + s);
                }
                yield kind == Kind.PF_EIGENVALUE ? Shape.scalar() : s;
            }
        };
    }

    public Kind kind() {
        return kind;
    }

    @Override
    public List<Expression> args() {
        return List.of(arg);
    }

    /** The curvature of log f(exp u) as a function of u. */
    Curvature logLogFunctionCurvature() {
        return switch (kind) {
            case PROD -> Curvature.AFFINE;
            case ONE_MINUS_POS -> Curvature.CONCAVE;
            case PF_EIGENVALUE, EYE_MINUS_INV -> Curvature.CONVEX;
        };
    }

    /** How f varies with its (positive) argument. */
    Monotonicity monotonicity() {
        return kind == Kind.ONE_MINUS_POS ? Monotonicity.DECREASING : Monotonicity.INCREASING;
    }

    @Override
    protected Sign computeSign() {
        return Sign.NONNEG;
    }

    @Override
    protected Curvature computeCurvature(Rules rules) {
        return arg.curvature(rules) == Curvature.CONSTANT ? Curvature.CONSTANT : Curvature.UNKNOWN;
    }

    @Override
    protected String violation(Rules rules) {
        return kind.display() + " is a log-log (geometric programming) atom with no DCP curvature; it is allowed "
                + "in a DGP problem (Problem.isDgp)";
    }

    @Override
    protected String suggestion(Rules rules) {
        return kind == Kind.ONE_MINUS_POS ? "1 - " + wrap(arg, PREC_MUL) + " in a convex problem" : null;
    }

    @Override
    protected double[] numeric(double[][] argValues) {
        double[] x = argValues[0];
        return switch (kind) {
            case PROD -> {
                double p = 1;
                for (double t : x) {
                    p *= t;
                }
                yield new double[] {p};
            }
            case ONE_MINUS_POS -> {
                double[] out = new double[x.length];
                for (int i = 0; i < x.length; i++) {
                    out[i] = 1 - x[i];
                }
                yield out;
            }
            case PF_EIGENVALUE -> new double[] {perronRoot(x, arg.shape().rows())};
            case EYE_MINUS_INV -> eyeMinusInverse(x, arg.shape().rows());
        };
    }

    /** The spectral radius of a nonnegative matrix by power iteration (NaN when an entry is negative). */
    static double perronRoot(double[] a, int n) {
        for (double t : a) {
            if (!(t >= 0)) {
                return Double.NaN;
            }
        }
        double[] v = new double[n];
        java.util.Arrays.fill(v, 1.0 / n);
        double lambda = 0;
        for (int it = 0; it < 10_000; it++) {
            double[] w = new double[n];
            double norm = 0;
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += a[i * n + j] * v[j];
                }
                w[i] = s;
                norm += s;
            }
            if (norm == 0) {
                return 0;
            }
            double next = norm; // Σv = 1, so Σ(Av) tends to λ
            for (int i = 0; i < n; i++) {
                v[i] = w[i] / norm;
            }
            if (Math.abs(next - lambda) <= 1e-15 * next) {
                return next;
            }
            lambda = next;
        }
        return lambda;
    }

    /** (I − X)⁻¹ row-major; NaN entries when I − X is singular. */
    static double[] eyeMinusInverse(double[] x, int n) {
        DMatrixRMaj m = new DMatrixRMaj(n, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                m.set(i, j, (i == j ? 1 : 0) - x[i * n + j]);
            }
        }
        DMatrixRMaj inv = new DMatrixRMaj(n, n);
        if (!CommonOps_DDRM.invert(m, inv)) {
            double[] nan = new double[n * n];
            java.util.Arrays.fill(nan, Double.NaN);
            return nan;
        }
        return inv.data.clone();
    }

    @Override
    protected String render() {
        return kind.display() + "(" + arg + ")";
    }
}
