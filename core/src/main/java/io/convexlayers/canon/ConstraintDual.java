// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.canon;

import io.convexlayers.dsl.Constraint;
import io.convexlayers.dsl.Shape;

/**
 * Where a user constraint's dual lives in the cone program's y, and how to map it back.
 *
 * <p>Conventions (the problem is compiled as a minimization; for a maximization the duals are
 * those of minimizing −objective): for {@code lhs <= rhs} and {@code lhs >= rhs} the dual λ ≥ 0 is
 * the sensitivity of the optimal value to tightening the constraint (optimal value ≈ p* − λ·δ
 * when rhs − lhs ≥ δ is relaxed to ≥ −δ), as in CVXPY; for {@code lhs == rhs} the dual ν is CVXPY's
 * (and cvxopt's): the Lagrangian is f + Σ λᵢ·(lhs − rhs)ᵢ + Σ νⱼ·(lhs − rhs)ⱼ for {@code lhs <= rhs}
 * (a {@code lhs >= rhs} row enters as λᵢ·(rhs − lhs)ᵢ, λᵢ ≥ 0 still), so stationarity reads
 * ∇f + Σ λᵢ∇gᵢ + Σ νⱼ∇hⱼ = 0 (for a QP: Px + q + Gᵀλ + Aᵀν = 0) — the negative of the cone program's y
 * on those rows, which carry s = rhs − lhs ∈ {0}; for cone constraints the dual is the
 * cone-program dual y ∈ K* of the constraint's rows, in the cone's order ((t, x) per SOC,
 * (x, y, z) per exponential triple); for X ⪰ 0 it is the symmetric matrix Z with
 * svec(Z) = y, so that ⟨Z, X⟩ = yᵀ·svec(X).
 *
 * @param constraint the user constraint
 * @param offset     first row of y
 * @param length     number of rows
 * @param transform  how rows map back to the dual value
 * @param shape      the shape of the dual value
 */
public record ConstraintDual(Constraint constraint, int offset, int length, Transform transform, Shape shape) {

    /** How the rows of y become the dual value. */
    public enum Transform {
        /** The rows as they are. */
        IDENTITY,
        /** The rows negated (equality constraints: CVXPY's sign of ν). */
        NEGATED,
        /** svec rows (lower triangle, column-major, off-diagonals ×√2) to a symmetric matrix, row-major. */
        SVEC_TO_MATRIX
    }

    /** The dual value from a solution y (row-major). */
    public double[] extract(double[] y) {
        double[] v = new double[transform == Transform.SVEC_TO_MATRIX ? shape.size() : length];
        gather(y, 1, 0, v, 0);
        return v;
    }

    /**
     * Instance b's dual value from a batch-minor y of {@code batch} instances (row i of instance b
     * at {@code i * batch + b}), written row-major to {@code out[outOffset, outOffset + shape.size())}.
     */
    public void gather(double[] y, int batch, int b, double[] out, int outOffset) {
        if (transform != Transform.SVEC_TO_MATRIX) {
            double sign = transform == Transform.NEGATED ? -1 : 1;
            for (int i = 0; i < length; i++) {
                out[outOffset + i] = sign * y[(offset + i) * batch + b];
            }
            return;
        }
        // svec rows: Z_ii = y_r, Z_ij = Z_ji = y_r/√2 (lower triangle, column-major)
        int k = shape.rows();
        double h = Math.sqrt(0.5);
        int r = offset;
        for (int j = 0; j < k; j++) {
            for (int i = j; i < k; i++) {
                double v = y[r++ * batch + b];
                if (i == j) {
                    out[outOffset + i * k + i] = v;
                } else {
                    out[outOffset + i * k + j] = h * v;
                    out[outOffset + j * k + i] = h * v;
                }
            }
        }
    }

    /**
     * The adjoint of {@link #gather}: adds the rows' share of {@code g[gOffset, gOffset + shape.size())}
     * into instance b of a batch-minor dy.
     */
    public void scatterAdd(double[] g, int gOffset, double[] dy, int batch, int b) {
        if (transform != Transform.SVEC_TO_MATRIX) {
            double sign = transform == Transform.NEGATED ? -1 : 1;
            for (int i = 0; i < length; i++) {
                dy[(offset + i) * batch + b] += sign * g[gOffset + i];
            }
            return;
        }
        int k = shape.rows();
        double h = Math.sqrt(0.5);
        int r = offset;
        for (int j = 0; j < k; j++) {
            for (int i = j; i < k; i++) {
                dy[r++ * batch + b] += i == j ? g[gOffset + i * k + i]
                        : h * (g[gOffset + i * k + j] + g[gOffset + j * k + i]);
            }
        }
    }
}
