// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import io.convexlayers.ConvexLayersException;
import org.ejml.data.DMatrixRMaj;

import java.util.List;

/**
 * The atom library and the affine functions, as static methods for {@code import static}:
 *
 * <pre>{@code
 * import static io.convexlayers.dsl.Atoms.*;
 * Problem p = Problem.minimize(norm2(A.times(x).minus(b)).plus(norm1(x).times(lambda)));
 * }</pre>
 *
 * Elementwise atoms keep their argument's shape; reductions return a scalar. Each atom's sign,
 * curvature and monotonicity are those of CVXPY's atom of the same name.
 */
public final class Atoms {
    private Atoms() {
    }

    // ------------------------------------------------------------------ constants

    public static Constant constant(double value) {
        return Constant.scalar(value);
    }

    public static Constant constant(double... values) {
        return Constant.vector(values);
    }

    public static Constant constant(double[][] rows) {
        return Constant.matrix(rows);
    }

    public static Constant constant(DMatrixRMaj m) {
        return Constant.of(m);
    }

    // ------------------------------------------------------------------ affine functions

    /** Sum of all entries. */
    public static Expression sum(Expression x) {
        return x.sum();
    }

    /** Sum along an axis (0: each column, 1: each row). */
    public static Expression sum(Expression x, int axis) {
        return x.sum(axis);
    }

    /** Horizontal stack: vectors are concatenated, matrices placed side by side. */
    public static Expression hstack(Expression... xs) {
        return LinearMapExpression.hstack(xs);
    }

    /** Vertical stack: vectors become rows, matrices are placed on top of each other. */
    public static Expression vstack(Expression... xs) {
        return LinearMapExpression.vstack(xs);
    }

    /** A vector's diagonal matrix, or a square matrix's diagonal as a vector. */
    public static Expression diag(Expression x) {
        return LinearMapExpression.diag(x);
    }

    public static Expression trace(Expression x) {
        return x.trace();
    }

    /** Cumulative sum along an axis (0 for vectors). */
    public static Expression cumsum(Expression x, int axis) {
        return x.cumsum(axis);
    }

    /** Cumulative sum of a vector. */
    public static Expression cumsum(Expression x) {
        return x.cumsum(0);
    }

    public static Expression transpose(Expression x) {
        return x.transpose();
    }

    public static Expression reshape(Expression x, int... dims) {
        return x.reshape(dims);
    }

    /** Kronecker product; one side must be constant (DCP) as for any product. */
    public static Expression kron(Expression a, Expression b) {
        return new ProductExpression(ProductExpression.Kind.KRON, a, b);
    }

    /** Elementwise product. */
    public static Expression multiply(Expression a, Expression b) {
        return a.multiply(b);
    }

    // ------------------------------------------------------------------ piecewise-linear atoms

    /** |x| elementwise. */
    public static Expression abs(Expression x) {
        return new Atom(Atom.Kind.ABS, x);
    }

    /** max(x, 0) elementwise. */
    public static Expression pos(Expression x) {
        return new Atom(Atom.Kind.POS, x);
    }

    /** max(−x, 0) elementwise. */
    public static Expression neg(Expression x) {
        return new Atom(Atom.Kind.NEG, x);
    }

    /** Elementwise maximum of two or more expressions (scalars broadcast). */
    public static Expression maximum(Expression first, Expression... rest) {
        return nary(Atom.Kind.MAXIMUM, first, rest);
    }

    /** Elementwise minimum of two or more expressions (scalars broadcast). */
    public static Expression minimum(Expression first, Expression... rest) {
        return nary(Atom.Kind.MINIMUM, first, rest);
    }

    private static Expression nary(Atom.Kind kind, Expression first, Expression... rest) {
        if (rest.length == 0) {
            return first;
        }
        Expression[] all = new Expression[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return new Atom(kind, List.of(all), 0, Atom.ALL, null, null);
    }

    /** The largest entry. */
    public static Expression max(Expression x) {
        return new Atom(Atom.Kind.MAX, List.of(x), 0, Atom.ALL, null, null);
    }

    /** The largest entry along an axis (0: of each column, 1: of each row). */
    public static Expression max(Expression x, int axis) {
        return new Atom(Atom.Kind.MAX, List.of(x), 0, axis, null, null);
    }

    /** The smallest entry. */
    public static Expression min(Expression x) {
        return new Atom(Atom.Kind.MIN, List.of(x), 0, Atom.ALL, null, null);
    }

    /** The smallest entry along an axis. */
    public static Expression min(Expression x, int axis) {
        return new Atom(Atom.Kind.MIN, List.of(x), 0, axis, null, null);
    }

    /** Sum of the k largest entries (k in (0, size]). */
    public static Expression sumLargest(Expression x, double k) {
        if (!(k > 0 && k <= x.size())) {
            throw new ConvexLayersException("sumLargest(" + x + ", " + k + "): k must lie in (0, " + x.size() + "]");
        }
        return new Atom(Atom.Kind.SUM_LARGEST, List.of(x), k, Atom.ALL, null, null);
    }

    // ------------------------------------------------------------------ norms and quadratics

    /** Σ|xᵢ| over all entries. */
    public static Expression norm1(Expression x) {
        return new Atom(Atom.Kind.NORM1, x);
    }

    /** Euclidean norm of all entries (Frobenius norm for a matrix). */
    public static Expression norm2(Expression x) {
        return new Atom(Atom.Kind.NORM2, x);
    }

    /** max|xᵢ| over all entries. */
    public static Expression normInf(Expression x) {
        return new Atom(Atom.Kind.NORM_INF, x);
    }

    /** Σxᵢ² over all entries. */
    public static Expression sumSquares(Expression x) {
        return new Atom(Atom.Kind.SUM_SQUARES, x);
    }

    /** xᵀPx for a constant PSD (convex) or NSD (concave) P, or a PSD parameter in the objective. */
    public static Expression quadForm(Expression x, Expression p) {
        return new Atom(Atom.Kind.QUAD_FORM, List.of(x, p), 0, Atom.ALL, null, null);
    }

    /** ‖x‖²/y for a scalar y &gt; 0 (convex, decreasing in y). */
    public static Expression quadOverLin(Expression x, Expression y) {
        return new Atom(Atom.Kind.QUAD_OVER_LIN, List.of(x, y), 0, Atom.ALL, null, null);
    }

    /** ‖x‖²/y for a positive number y. */
    public static Expression quadOverLin(Expression x, double y) {
        return quadOverLin(x, Constant.scalar(y));
    }

    /** Huber function with threshold 1, elementwise. */
    public static Expression huber(Expression x) {
        return huber(x, 1);
    }

    /** Huber function elementwise: x² for |x| ≤ M, 2M|x| − M² otherwise. */
    public static Expression huber(Expression x, double m) {
        if (!(m > 0) || Double.isInfinite(m)) {
            throw new ConvexLayersException("huber(" + x + ", " + m + "): the threshold must be a positive number");
        }
        return new Atom(Atom.Kind.HUBER, List.of(x), m, Atom.ALL, null, null);
    }

    // ------------------------------------------------------------------ exponential family

    public static Expression exp(Expression x) {
        return new Atom(Atom.Kind.EXP, x);
    }

    /** Natural logarithm elementwise (concave, increasing; domain x ≥ 0). */
    public static Expression log(Expression x) {
        return new Atom(Atom.Kind.LOG, x);
    }

    /** −x·log x elementwise (concave). */
    public static Expression entr(Expression x) {
        return new Atom(Atom.Kind.ENTR, x);
    }

    /** log Σ exp(xᵢ) over all entries. */
    public static Expression logSumExp(Expression x) {
        return new Atom(Atom.Kind.LOG_SUM_EXP, x);
    }

    /** log(1 + exp(x)) elementwise. */
    public static Expression logistic(Expression x) {
        return new Atom(Atom.Kind.LOGISTIC, x);
    }

    /** x·log(x/y) − x + y elementwise. */
    public static Expression klDiv(Expression x, Expression y) {
        return new Atom(Atom.Kind.KL_DIV, List.of(x, y), 0, Atom.ALL, null, null);
    }

    /** x·log(x/y) elementwise. */
    public static Expression relEntr(Expression x, Expression y) {
        return new Atom(Atom.Kind.REL_ENTR, List.of(x, y), 0, Atom.ALL, null, null);
    }

    // ------------------------------------------------------------------ powers

    /**
     * xᵖ elementwise: p = 0 gives 1; p = 1 gives x; even integers give xᵖ on all reals (convex);
     * other p &gt; 1 give xᵖ for x ≥ 0 (convex, increasing); 0 &lt; p &lt; 1 give xᵖ for x ≥ 0
     * (concave, increasing); p &lt; 0 give xᵖ for x &gt; 0 (convex, decreasing).
     */
    public static Expression power(Expression x, double p) {
        if (!Double.isFinite(p)) {
            throw new ConvexLayersException("power(" + x + ", " + p + "): the exponent must be finite");
        }
        return new Atom(Atom.Kind.POWER, List.of(x), p, Atom.ALL, null, null);
    }

    /** x² elementwise. */
    public static Expression square(Expression x) {
        return new Atom(Atom.Kind.POWER, List.of(x), 2, Atom.ALL, null, "square");
    }

    /** √x elementwise. */
    public static Expression sqrt(Expression x) {
        return new Atom(Atom.Kind.POWER, List.of(x), 0.5, Atom.ALL, null, "sqrt");
    }

    /** 1/x elementwise for x &gt; 0. */
    public static Expression invPos(Expression x) {
        return new Atom(Atom.Kind.POWER, List.of(x), -1, Atom.ALL, null, "invPos");
    }

    /** Geometric mean of all entries (Πxᵢ)^(1/n). */
    public static Expression geoMean(Expression x) {
        double[] w = new double[x.size()];
        java.util.Arrays.fill(w, 1.0 / w.length);
        return new Atom(Atom.Kind.GEO_MEAN, List.of(x), 0, Atom.ALL, w, null);
    }

    /** Weighted geometric mean Π xᵢ^(wᵢ/Σw) with nonnegative weights. */
    public static Expression geoMean(Expression x, double... weights) {
        if (weights.length != x.size()) {
            throw new ShapeException("geoMean(" + x + "): " + weights.length + " weights for shape " + x.shape());
        }
        double total = 0;
        for (double w : weights) {
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new ConvexLayersException("geoMean(" + x + "): weights must be nonnegative numbers");
            }
            total += w;
        }
        if (!(total > 0)) {
            throw new ConvexLayersException("geoMean(" + x + "): weights must not all be zero");
        }
        double[] w = new double[weights.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = weights[i] / total;
        }
        return new Atom(Atom.Kind.GEO_MEAN, List.of(x), 0, Atom.ALL, w, null);
    }

    // ------------------------------------------------------------------ matrix atoms

    /** Largest eigenvalue of a symmetric matrix (a non-symmetric argument is constrained symmetric). */
    public static Expression lambdaMax(Expression x) {
        return new Atom(Atom.Kind.LAMBDA_MAX, x);
    }

    /** Smallest eigenvalue of a symmetric matrix. */
    public static Expression lambdaMin(Expression x) {
        return new Atom(Atom.Kind.LAMBDA_MIN, x);
    }

    /** Largest singular value (spectral norm). */
    public static Expression sigmaMax(Expression x) {
        return new Atom(Atom.Kind.SIGMA_MAX, x);
    }

    /** Nuclear norm: the sum of the singular values. */
    public static Expression normNuc(Expression x) {
        return new Atom(Atom.Kind.NORM_NUC, x);
    }

    /** log det X of a symmetric positive definite matrix (concave). */
    public static Expression logDet(Expression x) {
        return new Atom(Atom.Kind.LOG_DET, x);
    }

    // ------------------------------------------------------------------ log-log atoms (geometric programs)

    /** Π xᵢ over all entries: a monomial of positive x (log-log affine); only in DGP problems. */
    public static Expression prod(Expression x) {
        return new LogLogAtom(LogLogAtom.Kind.PROD, x);
    }

    /** 1 − x elementwise for 0 &lt; x &lt; 1 (log-log concave, decreasing); only in DGP problems. */
    public static Expression oneMinusPos(Expression x) {
        return new LogLogAtom(LogLogAtom.Kind.ONE_MINUS_POS, x);
    }

    /**
     * The Perron–Frobenius eigenvalue (spectral radius) of a square matrix with positive entries
     * (log-log convex, increasing in every entry); only in DGP problems.
     */
    public static Expression pfEigenvalue(Expression x) {
        return new LogLogAtom(LogLogAtom.Kind.PF_EIGENVALUE, x);
    }

    /**
     * (I − X)⁻¹ = Σₖ Xᵏ for a square matrix with positive entries and spectral radius below 1
     * (log-log convex, increasing in every entry); only in DGP problems.
     */
    public static Expression eyeMinusInv(Expression x) {
        return new LogLogAtom(LogLogAtom.Kind.EYE_MINUS_INV, x);
    }
}
