// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.data;

import io.convexlayers.InvalidProblemException;


/**
 * One cone program in SCS form (DESIGN §2):
 * <pre>
 *   minimize ½xᵀPx + cᵀx   subject to  Ax + s = b,  s ∈ K
 * </pre>
 * with P symmetric positive semidefinite stored as its upper triangle (or absent), A of size m×n,
 * and K described by {@link ConeDims}. Validated on construction. Immutable.
 */
public final class ConeProgram {
    private final CscMatrix p;
    private final CscMatrix a;
    private final double[] b;
    private final double[] c;
    private final ConeDims cones;

    /**
     * @param p upper triangle of P (n×n), or {@code null} for a linear objective
     * @throws InvalidProblemException naming the offending field
     */
    public ConeProgram(CscMatrix p, CscMatrix a, double[] b, double[] c, ConeDims cones) {
        if (a == null) {
            throw new InvalidProblemException("A", "missing");
        }
        if (b == null) {
            throw new InvalidProblemException("b", "missing");
        }
        if (c == null) {
            throw new InvalidProblemException("c", "missing");
        }
        if (cones == null) {
            throw new InvalidProblemException("cones", "missing");
        }
        int m = a.rows();
        int n = a.cols();
        if (b.length != m) {
            throw new InvalidProblemException("b", "length " + b.length + " but A has " + m + " rows");
        }
        if (c.length != n) {
            throw new InvalidProblemException("c", "length " + c.length + " but A has " + n + " columns");
        }
        if (cones.rows() != m) {
            throw new InvalidProblemException("cones", "cover " + cones.rows() + " rows but A has " + m
                    + " rows (" + cones + ")");
        }
        if (p != null) {
            if (p.rows() != n || p.cols() != n) {
                throw new InvalidProblemException("P", "is " + p.rows() + "x" + p.cols() + " but A has "
                        + n + " columns");
            }
            if (!p.pattern().isUpperTriangular()) {
                throw new InvalidProblemException("P", "must be stored as its upper triangle");
            }
            requireFinite("P", p.values());
        }
        requireFinite("A", a.values());
        requireFinite("b", b);
        requireFinite("c", c);
        this.p = p;
        this.a = a;
        this.b = b.clone();
        this.c = c.clone();
        this.cones = cones;
    }

    /** Throws naming {@code name[k]} when an entry is NaN or infinite. */
    public static void requireFinite(String name, double[] values) {
        for (int k = 0; k < values.length; k++) {
            if (!Double.isFinite(values[k])) {
                throw new InvalidProblemException(name + "[" + k + "]", "not finite (" + values[k] + ")");
            }
        }
    }

    /** Upper triangle of P, or {@code null} when the objective is linear. */
    public CscMatrix p() {
        return p;
    }

    public CscMatrix a() {
        return a;
    }

    public double[] b() {
        return b.clone();
    }

    public double[] c() {
        return c.clone();
    }

    public ConeDims cones() {
        return cones;
    }

    /** Number of variables n. */
    public int n() {
        return a.cols();
    }

    /** Number of constraint rows m. */
    public int m() {
        return a.rows();
    }

    /** ½xᵀPx + cᵀx at x. */
    public double objective(double[] x) {
        double v = 0;
        for (int j = 0; j < x.length; j++) {
            v += c[j] * x[j];
        }
        if (p != null) {
            double[] px = new double[x.length];
            p.symmetricMultiplyAdd(x, px);
            for (int j = 0; j < x.length; j++) {
                v += 0.5 * x[j] * px[j];
            }
        }
        return v;
    }

    @Override
    public String toString() {
        return "ConeProgram[n=" + n() + ", m=" + m() + ", nnz(A)=" + a.nnz() + ", nnz(P)="
                + (p == null ? 0 : p.nnz()) + ", " + cones + "]";
    }
}
