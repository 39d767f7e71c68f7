package io.convexlayers.bench;

import java.util.stream.IntStream;
import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;
import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.convex.ConvexSolver;

/**
 * ojAlgo's convex QP solver ({@code ConvexSolver}, an active-set method on dense data) looping over
 * the batch, instances spread over all cores. Forward only. ojAlgo minimizes ½xᵀQx − Cᵀx subject to
 * A_E x = B_E, A_I x ≤ B_I, so C = −q.
 */
public final class OjAlgoContender implements Contender {
    /** Instances larger than this (variables) are not attempted: dense active set, minutes per batch. */
    public static final int MAX_N = 512;

    @Override
    public String name() {
        return "ojalgo";
    }

    @Override
    public String unsupportedReason(QpBatch w) {
        if (!w.isQp()) {
            return "QP solver only (no second-order cones)";
        }
        if (w.n > MAX_N) {
            return "dense active-set solver; n = " + w.n + " > " + MAX_N + "";
        }
        return null;
    }

    @Override
    public boolean differentiable() {
        return false;
    }

    @Override
    public Prepared prepare(QpBatch w) {
        int n = w.n;
        MatrixStore<Double>[] qs = stores(w.p == null ? new double[][] {new double[n * n]} : w.p, n, n);
        MatrixStore<Double>[] gs = stores(w.g, w.mIneq, n);
        MatrixStore<Double>[] as = w.mEq > 0 ? stores(w.a, w.mEq, n) : null;
        MatrixStore<Double>[] cs = new MatrixStore[w.batch];
        MatrixStore<Double>[] hs = new MatrixStore[w.batch];
        MatrixStore<Double>[] bs = new MatrixStore[w.batch];
        for (int k = 0; k < w.batch; k++) {
            double[] c = new double[n];
            for (int j = 0; j < n; j++) {
                c[j] = -w.q[k][j];
            }
            cs[k] = R064Store.wrap(c);
            hs[k] = R064Store.wrap(w.h[k].clone());
            bs[k] = w.mEq > 0 ? R064Store.wrap(w.b[k].clone()) : null;
        }
        return new Prepared() {
            @Override
            public double[][] forward() {
                double[][] x = new double[w.batch][];
                IntStream.range(0, w.batch).parallel().forEach(k -> {
                    ConvexSolver.Builder builder = ConvexSolver.newBuilder()
                            .objective(pick(qs, k), cs[k]).inequalities(pick(gs, k), hs[k]);
                    if (as != null) {
                        builder.equalities(pick(as, k), bs[k]);
                    }
                    Optimisation.Result r = builder.solve();
                    if (!r.getState().isFeasible()) {
                        throw new IllegalStateException("ojalgo on " + w.name + ": instance " + k + " " + r.getState());
                    }
                    double[] xk = new double[n];
                    for (int j = 0; j < n; j++) {
                        xk[j] = r.doubleValue(j);
                    }
                    x[k] = xk;
                });
                return x;
            }

            @Override
            public double[][] forwardBackward(double[][] dx) {
                throw new UnsupportedOperationException("ojalgo is forward only");
            }
        };
    }

    private static <T> T pick(T[] arr, int k) {
        return arr.length == 1 ? arr[0] : arr[k];
    }

    @SuppressWarnings("unchecked")
    private static MatrixStore<Double>[] stores(double[][] rowMajor, int rows, int cols) {
        MatrixStore<Double>[] out = new MatrixStore[rowMajor.length];
        for (int k = 0; k < rowMajor.length; k++) {
            double[] colMajor = new double[rows * cols];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    colMajor[j * rows + i] = rowMajor[k][i * cols + j];
                }
            }
            out[k] = R064Store.wrap(colMajor, rows);
        }
        return out;
    }
}
