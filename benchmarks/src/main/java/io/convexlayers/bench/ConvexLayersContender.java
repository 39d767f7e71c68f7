package io.convexlayers.bench;

import io.convexlayers.solver.Backend;
import io.convexlayers.data.ConeDims;
import io.convexlayers.diff.DerivativeSettings;
import io.convexlayers.diff.SolutionDerivative;
import io.convexlayers.diff.VjpResult;
import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.data.CscMatrix;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.Polishing;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * convexlayers at the cone-program level: the batch becomes one {@link BatchConeProgram}
 * (A = [A; G], b = [b; h], K = {0}^{mEq} × ℝ₊^{mIneq} × SOC…), solved by the chosen {@link Backend};
 * the backward pass is {@link SolutionDerivative#vjp} with dloss/dx, whose dc is dloss/dq.
 */
public final class ConvexLayersContender implements Contender {
    /** Tolerance used in every timed run: SCS's reference times in PERFORMANCE.md use 1e-6. */
    public static final double EPS = 1e-6;
    /** Tolerance of the interior-point runs (issue #16: 1e-8, as the OptNet-style baseline). */
    public static final double IPM_EPS = 1e-8;

    private final String name;
    private final Backend backend;
    private final double eps;
    private final Algorithm algorithm;
    private final DerivativeSettings derivative;

    /** A contender on {@code backend} with tolerance {@code eps}, running {@code algorithm}, default derivative. */
    public ConvexLayersContender(String name, Backend backend, double eps, Algorithm algorithm) {
        this(name, backend, eps, algorithm, DerivativeSettings.defaults());
    }

    /** As above with these derivative settings (the unrefined contenders turn {@code refine} off). */
    public ConvexLayersContender(String name, Backend backend, double eps, Algorithm algorithm,
                                 DerivativeSettings derivative) {
        this.name = name;
        this.backend = backend;
        this.eps = eps;
        this.algorithm = algorithm;
        this.derivative = derivative;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String unsupportedReason(QpBatch w) {
        return null;
    }

    @Override
    public boolean differentiable() {
        return true;
    }

    @Override
    public Prepared prepare(QpBatch w) {
        BatchConeProgram program = toConeProgram(w);
        // Unpolished, like SCS and the other contenders: the timings compare the iterations at equal eps.
        SolverSettings settings = SolverSettings.defaults().withPolishing(Polishing.OFF).withEps(eps).withAlgorithm(algorithm);
        DerivativeSettings dsettings = derivative;
        return new Prepared() {
            @Override
            public double[][] forward() {
                return xs(solve());
            }

            private BatchSolution solve() {
                BatchSolution sol = backend.solve(program, settings, null, null);
                for (int k = 0; k < sol.batch(); k++) {
                    SolverStatus st = sol.status(k);
                    if (st != SolverStatus.SOLVED && st != SolverStatus.SOLVED_INACCURATE) {
                        throw new IllegalStateException(name + " on " + w.name + ": instance " + k + " " + st);
                    }
                }
                return sol;
            }

            @Override
            public double[][] forwardBackward(double[][] dx) {
                BatchSolution sol = solve();
                VjpResult g = SolutionDerivative.at(program, sol, dsettings)
                        .vjp(BatchArray.perInstance(dx), null, null);
                return rows(g.dc());
            }
        };
    }

    private static double[][] xs(BatchSolution sol) {
        return rows(sol.x());
    }

    /** The contender interface's per-instance rows of a batch-minor array. */
    private static double[][] rows(BatchArray a) {
        double[][] out = new double[a.batch()][];
        for (int k = 0; k < out.length; k++) {
            out[k] = a.instance(k);
        }
        return out;
    }

    /** The workload as a batch of cone programs; matrices shared by the batch stay shared. */
    public static BatchConeProgram toConeProgram(QpBatch w) {
        int n = w.n;
        int m = w.mEq + w.mCone();
        int batch = w.batch;
        boolean aShared = (w.a == null || w.a.length == 1) && w.g.length == 1;
        int instances = aShared ? 1 : batch;
        // stacked dense [A; G] per instance, then one common pattern (union of nonzeros)
        double[][] stacked = new double[instances][];
        for (int k = 0; k < instances; k++) {
            double[] s = new double[m * n];
            if (w.a != null) {
                System.arraycopy(QpBatch.of(w.a, k), 0, s, 0, w.mEq * n);
            }
            System.arraycopy(QpBatch.of(w.g, k), 0, s, w.mEq * n, w.mCone() * n);
            stacked[k] = s;
        }
        CscMatrix aPattern = patternOf("A", stacked, m, n, false);
        BatchArray aValues = valuesOn(aPattern, stacked, n, batch);
        CscMatrix pPattern = null;
        BatchArray pValues = null;
        if (w.p != null) {
            pPattern = patternOf("P", w.p, n, n, true);
            pValues = valuesOn(pPattern, w.p, n, batch);
        }
        double[][] bc = new double[batch][m];
        for (int k = 0; k < batch; k++) {
            System.arraycopy(w.b[k], 0, bc[k], 0, w.mEq);
            System.arraycopy(w.h[k], 0, bc[k], w.mEq, w.mCone());
        }
        ConeDims cones = ConeDims.builder().zero(w.mEq).nonneg(w.mIneq).soc(w.soc).build();
        return new BatchConeProgram(pPattern == null ? null : pPattern.pattern(), pValues, aPattern.pattern(),
                aValues, BatchArray.perInstance(bc), BatchArray.perInstance(w.q), cones);
    }

    private static CscMatrix patternOf(String name, double[][] mats, int rows, int cols, boolean upper) {
        List<Integer> ri = new ArrayList<>();
        List<Integer> ci = new ArrayList<>();
        for (int j = 0; j < cols; j++) {
            for (int i = 0; i < (upper ? j + 1 : rows); i++) {
                boolean nz = false;
                for (double[] mat : mats) {
                    if (mat[i * cols + j] != 0) {
                        nz = true;
                        break;
                    }
                }
                if (nz) {
                    ri.add(i);
                    ci.add(j);
                }
            }
        }
        int[] r = ri.stream().mapToInt(Integer::intValue).toArray();
        int[] c = ci.stream().mapToInt(Integer::intValue).toArray();
        return CscMatrix.fromTriplets(name, rows, cols, r, c, new double[r.length]);
    }

    private static BatchArray valuesOn(CscMatrix pattern, double[][] mats, int cols, int batch) {
        int nnz = pattern.nnz();
        int[] colStart = pattern.pattern().colStartArray();
        int[] rowIndex = pattern.pattern().rowIndexArray();
        double[][] vals = new double[mats.length][nnz];
        for (int k = 0; k < mats.length; k++) {
            for (int j = 0; j < pattern.cols(); j++) {
                for (int t = colStart[j]; t < colStart[j + 1]; t++) {
                    vals[k][t] = mats[k][rowIndex[t] * cols + j];
                }
            }
        }
        return mats.length == 1 ? BatchArray.shared(vals[0], batch) : BatchArray.perInstance(vals);
    }
}
