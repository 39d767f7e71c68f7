// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.canon;

import io.convexlayers.dsl.Atom;
import io.convexlayers.dsl.Expression;
import io.convexlayers.dsl.LinearMap;
import io.convexlayers.dsl.Numerics;
import io.convexlayers.dsl.Shape;

import java.util.ArrayList;
import java.util.List;

/**
 * Graph implementations of the atoms (DESIGN §3): each method returns the affine tensor standing
 * for the atom's value (usually a new epigraph or hypograph variable) and adds the cone
 * constraints that tie it to the canonicalized arguments. For a convex atom f the constraints
 * imply t ≥ f(args) and allow t = f(args); for a concave atom, t ≤ f(args).
 */
final class AtomGraphs {
    private AtomGraphs() {
    }

    static AffineTensor apply(Canonicalizer cx, Atom atom) {
        return switch (atom.kind()) {
            case ABS -> abs(cx, atom);
            case POS -> pos(cx, atom);
            case NEG -> neg(cx, atom);
            case MAXIMUM -> maximum(cx, atom, true);
            case MINIMUM -> maximum(cx, atom, false);
            case MAX -> max(cx, atom, true);
            case MIN -> max(cx, atom, false);
            case NORM1 -> absOf(cx, arg(cx, atom, 0)).sumRows();
            case NORM2 -> norm2(cx, atom);
            case NORM_INF -> normInf(cx, atom);
            case SUM_SQUARES -> quadOverLin(cx, arg(cx, atom, 0), AffineTensor.filled(1, 1));
            case QUAD_OVER_LIN -> quadOverLin(cx, arg(cx, atom, 0), arg(cx, atom, 1));
            case QUAD_FORM -> quadForm(cx, atom);
            case HUBER -> huber(cx, atom);
            case EXP -> exp(cx, atom);
            case LOG -> log(cx, atom);
            case ENTR -> entr(cx, atom);
            case LOG_SUM_EXP -> logSumExp(cx, atom);
            case LOGISTIC -> logistic(cx, atom);
            case REL_ENTR -> relEntr(cx, atom);
            case KL_DIV -> klDiv(cx, atom);
            case POWER -> power(cx, atom);
            case GEO_MEAN -> geoMean(cx, atom);
            case LAMBDA_MAX -> lambdaMax(cx, atom);
            case LAMBDA_MIN -> lambdaMin(cx, atom);
            case SIGMA_MAX -> sigmaMax(cx, atom);
            case NORM_NUC -> normNuc(cx, atom);
            case LOG_DET -> logDet(cx, atom);
            case SUM_LARGEST -> sumLargest(cx, atom);
        };
    }

    private static AffineTensor arg(Canonicalizer cx, Atom atom, int i) {
        return cx.canon(atom.args().get(i));
    }

    // ------------------------------------------------------------------ piecewise linear

    /** t ≥ x, t ≥ −x. */
    static AffineTensor absOf(Canonicalizer cx, AffineTensor x) {
        AffineTensor t = cx.newVariable(x.length());
        cx.nonneg(t.minus(x), null);
        cx.nonneg(t.plus(x), null);
        return t;
    }

    private static AffineTensor abs(Canonicalizer cx, Atom atom) {
        return absOf(cx, arg(cx, atom, 0));
    }

    /** t ≥ x, t ≥ 0. */
    private static AffineTensor pos(Canonicalizer cx, Atom atom) {
        AffineTensor x = arg(cx, atom, 0);
        AffineTensor t = cx.newVariable(x.length());
        cx.nonneg(t.minus(x), null);
        cx.nonneg(t, null);
        return t;
    }

    /** t ≥ −x, t ≥ 0. */
    private static AffineTensor neg(Canonicalizer cx, Atom atom) {
        AffineTensor x = arg(cx, atom, 0);
        AffineTensor t = cx.newVariable(x.length());
        cx.nonneg(t.plus(x), null);
        cx.nonneg(t, null);
        return t;
    }

    /** Elementwise maximum: t ≥ each argument; minimum: t ≤ each. */
    private static AffineTensor maximum(Canonicalizer cx, Atom atom, boolean isMax) {
        int n = atom.size();
        AffineTensor t = cx.newVariable(n);
        for (int i = 0; i < atom.args().size(); i++) {
            AffineTensor a = arg(cx, atom, i).broadcast(n);
            cx.nonneg(isMax ? t.minus(a) : a.minus(t), null);
        }
        return t;
    }

    /** Reduction: t ≥ x_i over all entries (or along an axis); min: t ≤ x_i. */
    private static AffineTensor max(Canonicalizer cx, Atom atom, boolean isMax) {
        Expression xe = atom.args().get(0);
        AffineTensor x = cx.canon(xe);
        int k = atom.size();
        AffineTensor t = cx.newVariable(k);
        AffineTensor expanded;
        if (k == 1) {
            expanded = t.broadcast(x.length());
        } else {
            int rows = xe.shape().dim(0);
            int cols = xe.shape().dim(1);
            LinearMap.Builder b = LinearMap.builder(rows * cols, k);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    b.add(i * cols + j, atom.axis() == 0 ? j : i, 1);
                }
            }
            expanded = t.map(b.build());
        }
        cx.nonneg(isMax ? expanded.minus(x) : x.minus(expanded), null);
        return t;
    }

    /** t ≥ |x_i| for every i. */
    private static AffineTensor normInf(Canonicalizer cx, Atom atom) {
        AffineTensor x = arg(cx, atom, 0);
        AffineTensor t = cx.newVariable(1);
        AffineTensor tb = t.broadcast(x.length());
        cx.nonneg(tb.minus(x), null);
        cx.nonneg(tb.plus(x), null);
        return t;
    }

    /** t ≥ q·k + Σu, u ≥ x − q, u ≥ 0 (the LP dual of the k largest entries). */
    private static AffineTensor sumLargest(Canonicalizer cx, Atom atom) {
        AffineTensor x = arg(cx, atom, 0);
        int n = x.length();
        AffineTensor q = cx.newVariable(1);
        AffineTensor u = cx.newVariable(n);
        cx.nonneg(u.minus(x).plus(q.broadcast(n)), null);
        cx.nonneg(u, null);
        return q.scale(atom.param()).plus(u.sumRows());
    }

    // ------------------------------------------------------------------ second-order cone

    /** (t, x) ∈ SOC. */
    private static AffineTensor norm2(Canonicalizer cx, Atom atom) {
        AffineTensor x = arg(cx, atom, 0);
        AffineTensor t = cx.newVariable(1);
        cx.soc(t, x, x.length(), null);
        return t;
    }

    /** ‖x‖² ≤ y·t as ‖(y − t, 2x)‖ ≤ y + t. */
    static AffineTensor quadOverLin(Canonicalizer cx, AffineTensor x, AffineTensor y) {
        AffineTensor t = cx.newVariable(1);
        AffineTensor head = y.plus(t);
        AffineTensor tail = AffineTensor.stack(List.of(y.minus(t), x.scale(2)));
        cx.soc(head, tail, tail.length(), null);
        return t;
    }

    /** Elementwise t_i ≥ x_i² as ‖(1 − t_i, 2x_i)‖ ≤ 1 + t_i. */
    private static AffineTensor squares(Canonicalizer cx, AffineTensor x) {
        int n = x.length();
        AffineTensor t = cx.newVariable(n);
        AffineTensor one = AffineTensor.filled(n, 1);
        cx.socElementwise(List.of(one.plus(t), one.minus(t), x.scale(2)));
        return t;
    }

    /** xᵀQx = ‖Lᵀx‖² with Q = LLᵀ from the eigen-decomposition (−‖·‖² for NSD Q). */
    private static AffineTensor quadForm(Canonicalizer cx, Atom atom) {
        Expression pe = atom.args().get(1);
        int n = pe.shape().rows();
        AffineTensor x = arg(cx, atom, 0).broadcast(n);
        double[] q = cx.numericValue(pe);
        Numerics.SymmetricEigen eig = Numerics.symmetricEigen(q, n);
        int sign = atom.quadFormDefiniteness() >= 0 ? 1 : -1;
        if (atom.quadFormDefiniteness() == 0) {
            sign = Numerics.semidefiniteness(q, n) >= 0 ? 1 : -1;
        }
        double tol = 1e-12 * Math.max(1, Numerics.maxAbs(q)) * n;
        List<double[]> rows = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            double lam = sign * eig.values()[k];
            if (lam > tol) {
                double s = Math.sqrt(lam);
                double[] r = new double[n];
                for (int i = 0; i < n; i++) {
                    r[i] = s * eig.vectors()[k][i];
                }
                rows.add(r);
            }
        }
        if (rows.isEmpty()) {
            return AffineTensor.zeros(1);
        }
        double[] l = new double[rows.size() * n];
        for (int k = 0; k < rows.size(); k++) {
            System.arraycopy(rows.get(k), 0, l, k * n, n);
        }
        AffineTensor lx = AffineTensor.product(AffineTensor.Product.MATMUL, AffineTensor.constant(l), rows.size(), n,
                x, n, 1);
        AffineTensor t = quadOverLin(cx, lx, AffineTensor.filled(1, 1));
        return sign > 0 ? t : t.negate();
    }

    /** huber(x) = n² + 2M|s| with x = n + s. */
    private static AffineTensor huber(Canonicalizer cx, Atom atom) {
        AffineTensor x = arg(cx, atom, 0);
        int len = x.length();
        AffineTensor n = cx.newVariable(len);
        AffineTensor s = cx.newVariable(len);
        cx.zero(x.minus(n).minus(s), null);
        return squares(cx, n).plus(absOf(cx, s).scale(2 * atom.param()));
    }

    // ------------------------------------------------------------------ exponential cone

    /** (x, 1, t) ∈ K_exp: e^x ≤ t. */
    private static AffineTensor exp(Canonicalizer cx, Atom atom) {
        AffineTensor x = arg(cx, atom, 0);
        AffineTensor t = cx.newVariable(x.length());
        cx.exp(x, AffineTensor.filled(x.length(), 1), t, null);
        return t;
    }

    /** (t, 1, x) ∈ K_exp: e^t ≤ x. */
    private static AffineTensor log(Canonicalizer cx, Atom atom) {
        AffineTensor x = arg(cx, atom, 0);
        AffineTensor t = cx.newVariable(x.length());
        cx.exp(t, AffineTensor.filled(x.length(), 1), x, null);
        return t;
    }

    /** (t, x, 1) ∈ K_exp: x·e^(t/x) ≤ 1, i.e. t ≤ −x log x. */
    private static AffineTensor entr(Canonicalizer cx, Atom atom) {
        AffineTensor x = arg(cx, atom, 0);
        AffineTensor t = cx.newVariable(x.length());
        cx.exp(t, x, AffineTensor.filled(x.length(), 1), null);
        return t;
    }

    /** Σ exp(x_i − t) ≤ 1 via u_i ≥ exp(x_i − t), Σu ≤ 1. */
    private static AffineTensor logSumExp(Canonicalizer cx, Atom atom) {
        AffineTensor x = arg(cx, atom, 0);
        int n = x.length();
        AffineTensor t = cx.newVariable(1);
        AffineTensor u = cx.newVariable(n);
        cx.exp(x.minus(t.broadcast(n)), AffineTensor.filled(n, 1), u, null);
        cx.nonneg(AffineTensor.filled(1, 1).minus(u.sumRows()), null);
        return t;
    }

    /** log(1 + e^x) ≤ t via e^(−t) + e^(x − t) ≤ 1. */
    private static AffineTensor logistic(Canonicalizer cx, Atom atom) {
        AffineTensor x = arg(cx, atom, 0);
        int n = x.length();
        AffineTensor t = cx.newVariable(n);
        AffineTensor u1 = cx.newVariable(n);
        AffineTensor u2 = cx.newVariable(n);
        AffineTensor one = AffineTensor.filled(n, 1);
        cx.exp(t.negate(), one, u1, null);
        cx.exp(x.minus(t), one, u2, null);
        cx.nonneg(one.minus(u1).minus(u2), null);
        return t;
    }

    /** (−t, x, y) ∈ K_exp: x·e^(−t/x) ≤ y, i.e. t ≥ x log(x/y). */
    private static AffineTensor relEntrOf(Canonicalizer cx, AffineTensor x, AffineTensor y) {
        AffineTensor t = cx.newVariable(x.length());
        cx.exp(t.negate(), x, y, null);
        return t;
    }

    private static AffineTensor relEntr(Canonicalizer cx, Atom atom) {
        int n = atom.size();
        return relEntrOf(cx, arg(cx, atom, 0).broadcast(n), arg(cx, atom, 1).broadcast(n));
    }

    private static AffineTensor klDiv(Canonicalizer cx, Atom atom) {
        int n = atom.size();
        AffineTensor x = arg(cx, atom, 0).broadcast(n);
        AffineTensor y = arg(cx, atom, 1).broadcast(n);
        return relEntrOf(cx, x, y).minus(x).plus(y);
    }

    // ------------------------------------------------------------------ powers

    /**
     * xᵖ elementwise: p = 2 and p = ½ and p = −1 by second-order cones; other p by power cones
     * (t, 1, x) ∈ K_{1/p} for p &gt; 1 (plus x ≥ 0 unless p is an even integer), (x, 1, t) ∈ K_p for
     * 0 &lt; p &lt; 1, (x, t, 1) ∈ K_{−p/(1−p)} for p &lt; 0.
     */
    private static AffineTensor power(Canonicalizer cx, Atom atom) {
        double p = atom.param();
        AffineTensor x = arg(cx, atom, 0);
        int n = x.length();
        if (p == 0) {
            return AffineTensor.filled(n, 1);
        }
        if (p == 1) {
            return x;
        }
        if (p == 2) {
            return squares(cx, x);
        }
        AffineTensor t = cx.newVariable(n);
        AffineTensor one = AffineTensor.filled(n, 1);
        if (p == 0.5) {
            cx.socElementwise(List.of(x.plus(one), x.minus(one), t.scale(2)));
        } else if (p == -1) {
            cx.socElementwise(List.of(x.plus(t), x.minus(t), AffineTensor.filled(n, 2)));
        } else if (p > 1) {
            cx.power(t, one, x, 1 / p);
            if (!Atom.isEvenInteger(p)) {
                cx.nonneg(x, null);
            }
        } else if (p > 0) {
            cx.power(x, one, t, p);
        } else {
            cx.power(x, t, one, -p / (1 - p));
        }
        return t;
    }

    /**
     * t ≤ Π x_i^(w_i) by a chain of power cones: (x_0, u_1, t) ∈ K_{w_0}, (x_1, u_2, u_1) ∈
     * K_{w_1/(1−w_0)}, …, the last u being the last x.
     */
    private static AffineTensor geoMean(Canonicalizer cx, Atom atom) {
        AffineTensor x = arg(cx, atom, 0);
        double[] w = atom.weights();
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < w.length; i++) {
            if (w[i] > 0) {
                idx.add(i);
            }
        }
        AffineTensor t = cx.newVariable(1);
        if (idx.size() == 1) {
            AffineTensor xi = x.rows(idx.get(0), 1);
            cx.nonneg(xi.minus(t), null);
            cx.nonneg(xi, null);
            return t;
        }
        double remaining = 1;
        AffineTensor u = t;
        for (int j = 0; j < idx.size() - 1; j++) {
            double wj = w[idx.get(j)];
            double alpha = Math.min(1, wj / remaining);
            AffineTensor next = j == idx.size() - 2 ? x.rows(idx.get(j + 1), 1) : cx.newVariable(1);
            cx.power(x.rows(idx.get(j), 1), next, u, alpha);
            remaining -= wj;
            u = next;
        }
        return t;
    }

    // ------------------------------------------------------------------ semidefinite

    /** A k×k block matrix assembled from placed tensors (row-major k·k rows). */
    private static final class Blocks {
        private final int k;
        private final List<AffineTensor> parts = new ArrayList<>();

        Blocks(int k) {
            this.k = k;
        }

        /** Places the r×c matrix m at (r0, c0), transposed when asked. */
        Blocks place(AffineTensor m, int r0, int c0, int r, int c, boolean transposed) {
            LinearMap.Builder b = LinearMap.builder(k * k, r * c);
            for (int i = 0; i < r; i++) {
                for (int j = 0; j < c; j++) {
                    int out = transposed ? (r0 + j) * k + c0 + i : (r0 + i) * k + c0 + j;
                    b.add(out, i * c + j, 1);
                }
            }
            parts.add(m.map(b.build()));
            return this;
        }

        /** Places s·I_len (s one row) at (r0, r0). */
        Blocks diagonal(AffineTensor s, int r0, int len) {
            LinearMap.Builder b = LinearMap.builder(k * k, 1);
            for (int i = 0; i < len; i++) {
                b.add((r0 + i) * k + r0 + i, 0, 1);
            }
            parts.add(s.map(b.build()));
            return this;
        }

        /** Places the vector d (len rows) as a diagonal block at (r0, r0). */
        Blocks diagonalOf(AffineTensor d, int r0, int len) {
            LinearMap.Builder b = LinearMap.builder(k * k, len);
            for (int i = 0; i < len; i++) {
                b.add((r0 + i) * k + r0 + i, i, 1);
            }
            parts.add(d.map(b.build()));
            return this;
        }

        AffineTensor build() {
            return AffineTensor.sum(k * k, parts);
        }
    }

    private static int order(Atom atom) {
        return atom.args().get(0).shape().rows();
    }

    /** tI − X ⪰ 0 (and X symmetric). */
    private static AffineTensor lambdaMax(Canonicalizer cx, Atom atom) {
        int k = order(atom);
        AffineTensor x = arg(cx, atom, 0);
        cx.requireSymmetric(atom.args().get(0), x);
        AffineTensor t = cx.newVariable(1);
        cx.psd(new Blocks(k).diagonal(t, 0, k).build().minus(x), k, null);
        return t;
    }

    /** X − tI ⪰ 0 (and X symmetric). */
    private static AffineTensor lambdaMin(Canonicalizer cx, Atom atom) {
        int k = order(atom);
        AffineTensor x = arg(cx, atom, 0);
        cx.requireSymmetric(atom.args().get(0), x);
        AffineTensor t = cx.newVariable(1);
        cx.psd(x.minus(new Blocks(k).diagonal(t, 0, k).build()), k, null);
        return t;
    }

    /** [[tI_m, X], [Xᵀ, tI_n]] ⪰ 0. */
    private static AffineTensor sigmaMax(Canonicalizer cx, Atom atom) {
        Shape s = atom.args().get(0).shape();
        int m = s.rows();
        int n = s.cols();
        AffineTensor x = arg(cx, atom, 0);
        AffineTensor t = cx.newVariable(1);
        AffineTensor big = new Blocks(m + n).diagonal(t, 0, m).diagonal(t, m, n)
                .place(x, 0, m, m, n, false).place(x, m, 0, m, n, true).build();
        cx.psd(big, m + n, null);
        return t;
    }

    /** ½(tr U + tr V) with [[U, X], [Xᵀ, V]] ⪰ 0. */
    private static AffineTensor normNuc(Canonicalizer cx, Atom atom) {
        Shape s = atom.args().get(0).shape();
        int m = s.rows();
        int n = s.cols();
        AffineTensor x = arg(cx, atom, 0);
        AffineTensor u = cx.newVariable(m * m);
        AffineTensor v = cx.newVariable(n * n);
        AffineTensor big = new Blocks(m + n).place(u, 0, 0, m, m, false).place(v, m, m, n, n, false)
                .place(x, 0, m, m, n, false).place(x, m, 0, m, n, true).build();
        cx.psd(big, m + n, null);
        LinearMap.Builder tu = LinearMap.builder(1, m * m);
        for (int i = 0; i < m; i++) {
            tu.add(0, i * m + i, 0.5);
        }
        LinearMap.Builder tv = LinearMap.builder(1, n * n);
        for (int i = 0; i < n; i++) {
            tv.add(0, i * n + i, 0.5);
        }
        return u.map(tu.build()).plus(v.map(tv.build()));
    }

    /**
     * log det X ≥ t via [[X, Z], [Zᵀ, diag(Z)]] ⪰ 0 with Z lower triangular and
     * t ≤ Σ log Z_ii (exponential cones), X symmetric.
     */
    private static AffineTensor logDet(Canonicalizer cx, Atom atom) {
        int k = order(atom);
        AffineTensor x = arg(cx, atom, 0);
        cx.requireSymmetric(atom.args().get(0), x);
        int lower = k * (k + 1) / 2;
        AffineTensor zVars = cx.newVariable(lower);
        LinearMap.Builder zb = LinearMap.builder(k * k, lower);
        LinearMap.Builder db = LinearMap.builder(k, lower);
        int q = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j <= i; j++) {
                zb.add(i * k + j, q, 1);
                if (i == j) {
                    db.add(i, q, 1);
                }
                q++;
            }
        }
        AffineTensor z = zVars.map(zb.build());
        AffineTensor d = zVars.map(db.build());
        AffineTensor big = new Blocks(2 * k).place(x, 0, 0, k, k, false).place(z, 0, k, k, k, false)
                .place(z, k, 0, k, k, true).diagonalOf(d, k, k).build();
        cx.psd(big, 2 * k, null);
        AffineTensor u = cx.newVariable(k);
        cx.exp(u, AffineTensor.filled(k, 1), d, null);
        return u.sumRows();
    }
}
