package io.convexlayers.bench;

import java.util.stream.IntStream;
import org.hipparchus.linear.MatrixUtils;
import org.hipparchus.linear.RealMatrix;
import org.hipparchus.linear.RealVector;
import org.hipparchus.optim.nonlinear.vector.constrained.ADMMQPOptimizer;
import org.hipparchus.optim.nonlinear.vector.constrained.ADMMQPOption;
import org.hipparchus.optim.nonlinear.vector.constrained.LagrangeSolution;
import org.hipparchus.optim.nonlinear.vector.constrained.LinearEqualityConstraint;
import org.hipparchus.optim.nonlinear.vector.constrained.LinearInequalityConstraint;
import org.hipparchus.optim.nonlinear.vector.constrained.QuadraticFunction;
import org.hipparchus.optim.nonlinear.scalar.ObjectiveFunction;

/**
 * Hipparchus's ADMM QP optimizer ({@code ADMMQPOptimizer}, OSQP-like, dense linear algebra) looping
 * over the batch, instances spread over all cores. Forward only. Hipparchus's linear inequality
 * constraint reads A x ≥ b, so Gx ≤ h is passed as (−G)x ≥ −h.
 */
public final class HipparchusContender implements Contender {
    /** Tolerance passed to {@link ADMMQPOption#setEps}, matching convexlayers' 1e-6. */
    public static final double EPS = 1e-6;
    /** Instances larger than this (variables) are not attempted: dense KKT factorizations. */
    public static final int MAX_N = 512;

    @Override
    public String name() {
        return "hipparchus";
    }

    @Override
    public String unsupportedReason(QpBatch w) {
        if (!w.isQp()) {
            return "QP solver only (no second-order cones)";
        }
        if (w.p == null) {
            return "ADMM needs ~5 s per LP instance here (validation run): hours per batch";
        }
        if (w.n > MAX_N) {
            return "dense KKT factorization; n = " + w.n + " > " + MAX_N + "";
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
        RealMatrix[] ps = matrices(w.p == null ? new double[][] {new double[n * n]} : w.p, n, n, 1);
        RealMatrix[] gs = matrices(w.g, w.mIneq, n, -1);
        RealMatrix[] as = w.mEq > 0 ? matrices(w.a, w.mEq, n, 1) : null;
        RealVector[] qs = new RealVector[w.batch];
        RealVector[] hs = new RealVector[w.batch];
        RealVector[] bs = new RealVector[w.batch];
        for (int k = 0; k < w.batch; k++) {
            qs[k] = MatrixUtils.createRealVector(w.q[k].clone());
            double[] mh = new double[w.mIneq];
            for (int i = 0; i < w.mIneq; i++) {
                mh[i] = -w.h[k][i];
            }
            hs[k] = MatrixUtils.createRealVector(mh);
            bs[k] = MatrixUtils.createRealVector(w.b[k].clone());
        }
        return new Prepared() {
            @Override
            public double[][] forward() {
                double[][] x = new double[w.batch][];
                IntStream.range(0, w.batch).parallel().forEach(k -> {
                    ADMMQPOption option = new ADMMQPOption();
                    option.setEps(EPS);
                    ADMMQPOptimizer opt = new ADMMQPOptimizer();
                    ObjectiveFunction f = new ObjectiveFunction(new QuadraticFunction(pick(ps, k), qs[k], 0));
                    LinearInequalityConstraint ineq = new LinearInequalityConstraint(pick(gs, k), hs[k]);
                    LagrangeSolution sol = as == null ? opt.optimize(option, f, ineq)
                            : opt.optimize(option, f, ineq, new LinearEqualityConstraint(pick(as, k), bs[k]));
                    x[k] = sol.getX().toArray();
                });
                return x;
            }

            @Override
            public double[][] forwardBackward(double[][] dx) {
                throw new UnsupportedOperationException("hipparchus is forward only");
            }
        };
    }

    private static <T> T pick(T[] arr, int k) {
        return arr.length == 1 ? arr[0] : arr[k];
    }

    private static RealMatrix[] matrices(double[][] rowMajor, int rows, int cols, double sign) {
        RealMatrix[] out = new RealMatrix[rowMajor.length];
        for (int k = 0; k < rowMajor.length; k++) {
            double[][] d = new double[rows][cols];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    d[i][j] = sign * rowMajor[k][i * cols + j];
                }
            }
            out[k] = MatrixUtils.createRealMatrix(d);
        }
        return out;
    }
}
