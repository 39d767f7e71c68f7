package io.convexlayers.bench;

/**
 * A batch of conic quadratic programs of one structure, the common input every contender reads:
 * <pre>
 *   minimize ½xᵀPx + qᵀx   subject to  Ax = b,  h − Gx ∈ K = ℝ₊^{mIneq} × SOC(soc[0]) × …
 * </pre>
 * Matrices are dense row-major; each is stored either once for the whole batch (array of length 1)
 * or per instance (length {@code batch}). {@code P} is null for linear objectives, {@code A} null
 * without equalities. Vectors are always per instance.
 */
public final class QpBatch {
    /** Workload name, e.g. {@code dense-qp} or {@code small-qp-n50-b128}. */
    public final String name;
    /** Variables. */
    public final int n;
    /** Equality rows (rows of A). */
    public final int mEq;
    /** Nonnegative rows (the first rows of G). */
    public final int mIneq;
    /** Sizes of the second-order cones after the nonnegative rows of G. */
    public final int[] soc;
    /** Instances. */
    public final int batch;
    /** True when A and G have few nonzeros (so sparse contenders should keep them sparse). */
    public final boolean sparse;
    /** P (n×n), shared or per instance; null for LPs. */
    public final double[][] p;
    /** q per instance. */
    public final double[][] q;
    /** A (mEq×n), shared or per instance; null without equalities. */
    public final double[][] a;
    /** b per instance (length mEq). */
    public final double[][] b;
    /** G (mCone×n), shared or per instance. */
    public final double[][] g;
    /** h per instance (length mCone). */
    public final double[][] h;

    QpBatch(String name, int n, int mEq, int mIneq, int[] soc, int batch, boolean sparse, double[][] p,
            double[][] q, double[][] a, double[][] b, double[][] g, double[][] h) {
        this.name = name;
        this.n = n;
        this.mEq = mEq;
        this.mIneq = mIneq;
        this.soc = soc;
        this.batch = batch;
        this.sparse = sparse;
        this.p = p;
        this.q = q;
        this.a = a;
        this.b = b;
        this.g = g;
        this.h = h;
    }

    /** Rows of G: the nonnegative rows followed by every second-order cone. */
    public int mCone() {
        int m = mIneq;
        for (int k : soc) {
            m += k;
        }
        return m;
    }

    /** Matrix {@code mat} of instance {@code k} (shared matrices are stored once). */
    public static double[] of(double[][] mat, int k) {
        return mat.length == 1 ? mat[0] : mat[k];
    }

    /** True for a plain QP or LP (no second-order cones). */
    public boolean isQp() {
        return soc.length == 0;
    }

    /** ½xᵀPx + qᵀx of instance k. */
    public double objective(int k, double[] x) {
        double f = 0;
        double[] qk = q[k];
        for (int i = 0; i < n; i++) {
            f += qk[i] * x[i];
        }
        if (p != null) {
            double[] pk = of(p, k);
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += pk[i * n + j] * x[j];
                }
                f += 0.5 * x[i] * s;
            }
        }
        return f;
    }

    /** The first {@code count} instances as a batch of their own (for quick validation). */
    public QpBatch head(int count) {
        int c = Math.min(count, batch);
        return new QpBatch(name, n, mEq, mIneq, soc, c, sparse, cut(p, c), cut(q, c), cut(a, c), cut(b, c),
                cut(g, c), cut(h, c));
    }

    private static double[][] cut(double[][] arr, int c) {
        return arr == null || arr.length == 1 ? arr : java.util.Arrays.copyOf(arr, c);
    }

    @Override
    public String toString() {
        return name + " (n=" + n + ", " + mEq + " equalities, " + mIneq + " inequalities"
                + (soc.length > 0 ? ", " + soc.length + " second-order cones" : "") + ", batch " + batch + ")";
    }
}
