// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cpu;

import io.convexlayers.batch.BatchOperator;
import io.convexlayers.batch.BatchVectors;
import io.convexlayers.batch.CpuBatchVectors;
import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.CscMatrix;
import io.convexlayers.data.SparsePattern;
import io.convexlayers.diff.kernels.DerivativeKernels;
import io.convexlayers.diff.residual.ResidualMapOperator;
import io.convexlayers.solver.BatchSolution;

import java.util.Arrays;

/**
 * {@link DerivativeKernels} on host arrays, the whole batch as one tile: the reference the device
 * implementation is held to, and the CPU side of the SPI. M and Mᵀ (DESIGN §6) are the CPU's one
 * {@link ResidualMapOperator}; dθ is the stacked parameter map's adjoint
 * read column by column. (The layer's CPU backward keeps {@code diff.SolutionDerivative}, whose tiles
 * also run the dense and sparse active-block solves.)
 */
public final class CpuDerivativeKernels implements DerivativeKernels<double[]> {
    private final int n;
    private final int m;
    private final int lanes;
    private final CpuBatchVectors vectors;
    private final SparsePattern aPattern;
    private final SparsePattern pPattern;
    private final double[] x;
    private final double[] y;
    private final double[] z;
    // M and Mᵀ: the CPU's one residual-map operator (also behind diff.SolutionDerivative).
    private final ResidualMapOperator residualMap;
    private final CscMatrix tensor;

    /**
     * @param valid  instances with a solution (the others are zero throughout)
     * @param tensor the stacked parameter map: rows dA (A's pattern order), db, dc, dP; columns θ, 1
     */
    public CpuDerivativeKernels(BatchConeProgram program, BatchSolution solution, boolean[] valid,
                                CscMatrix tensor) {
        this.n = program.n();
        this.m = program.m();
        this.lanes = program.batch();
        this.vectors = new CpuBatchVectors(lanes);
        this.tensor = tensor;
        this.aPattern = program.aPattern();
        this.pPattern = program.pPattern();
        BatchArray pv = program.pValues();
        this.x = new double[n * lanes];
        this.y = new double[m * lanes];
        double[] sv = new double[m * lanes];
        this.z = new double[(n + m + 1) * lanes];
        for (int l = 0; l < lanes; l++) {
            if (!valid[l]) {
                continue;
            }
            for (int j = 0; j < n; j++) {
                x[j * lanes + l] = solution.x().get(j, l);
                z[j * lanes + l] = x[j * lanes + l];
            }
            for (int i = 0; i < m; i++) {
                y[i * lanes + l] = solution.y().get(i, l);
                sv[i * lanes + l] = solution.s().get(i, l);
                z[(n + i) * lanes + l] = y[i * lanes + l] - sv[i * lanes + l];
            }
            z[(n + m) * lanes + l] = 1;
        }
        this.residualMap = new ResidualMapOperator(program.cones(), lanes, aPattern, matrix(program.aValues()),
                program.aValues().isShared(), pPattern, pv == null ? null : matrix(pv), pv == null || pv.isShared(),
                perLane(program.b()), perLane(program.c()), x, y, sv);
    }

    /** A matrix's values as the residual map takes them: one copy when shared, else batch-minor. */
    private double[] matrix(BatchArray arr) {
        return arr.isShared() ? arr.rawData() : perLane(arr);
    }

    private double[] perLane(BatchArray arr) {
        double[] out = new double[arr.length() * lanes];
        arr.copyTile(0, lanes, out);
        return out;
    }

    @Override
    public int n() {
        return n;
    }

    @Override
    public int m() {
        return m;
    }

    @Override
    public BatchVectors<double[]> vectors() {
        return vectors;
    }

    /** M (or M with τ fixed: the τ entry of the input taken as 0, of Mᵀ's output set to 0). */
    @Override
    public BatchOperator<double[]> residualMap(boolean fixedTau) {
        if (!fixedTau) {
            return residualMap;
        }
        int w = (n + m) * lanes;
        return new BatchOperator<>() {
            @Override
            public int rows() {
                return n + m + 1;
            }

            @Override
            public int cols() {
                return n + m + 1;
            }

            @Override
            public void apply(double[] in, double[] out) {
                double[] src = in.clone();
                Arrays.fill(src, w, w + lanes, 0);
                residualMap.apply(src, out);
            }

            @Override
            public void applyTranspose(double[] in, double[] out) {
                residualMap.applyTranspose(in, out);
                Arrays.fill(out, w, w + lanes, 0);
            }
        };
    }

    @Override
    public void point(double[] out) {
        System.arraycopy(z, 0, out, 0, z.length);
    }

    @Override
    public void vjpRightHandSide(double[] dx, double[] dy, double[] out) {
        int nl = n * lanes;
        int w = (n + m) * lanes;
        Arrays.fill(out, 0);
        System.arraycopy(dx, 0, out, 0, nl);
        if (dy != null) {
            residualMap.coneDerivative().applyTranspose(dy, 0, out, nl);
        }
        for (int k = 0; k < nl; k++) {
            out[w + k % lanes] -= x[k] * dx[k];
        }
        for (int k = 0; dy != null && k < m * lanes; k++) {
            out[w + k % lanes] -= y[k] * dy[k];
        }
        for (int l = 0; l < lanes; l++) {
            if (z[w + l] == 0) { // no solution
                for (int i = 0; i < n + m + 1; i++) {
                    out[i * lanes + l] = 0;
                }
            }
        }
    }

    @Override
    public void zeroLanes(double[] v, boolean[] which) {
        for (int k = 0; k < v.length; k++) {
            if (which[k % lanes]) {
                v[k] = 0;
            }
        }
    }

    @Override
    public double[] parameterGradient(double[] r) {
        int nnzA = aPattern.nnz();
        double[] g = new double[tensor.rows() * lanes];
        int nl = n * lanes;
        int w = (n + m) * lanes;
        for (int j = 0; j < n; j++) {
            for (int k = aPattern.colStart(j); k < aPattern.colStart(j + 1); k++) {
                int i = aPattern.rowIndex(k);
                for (int l = 0; l < lanes; l++) {
                    g[k * lanes + l] = x[j * lanes + l] * r[nl + i * lanes + l] - y[i * lanes + l] * r[j * lanes + l];
                }
            }
            for (int k = pPattern == null ? 0 : pPattern.colStart(j); pPattern != null && k < pPattern.colStart(j + 1); k++) {
                int i = pPattern.rowIndex(k);
                int row = nnzA + m + n + k;
                for (int l = 0; l < lanes; l++) {
                    double xi = x[i * lanes + l];
                    double xj = x[j * lanes + l];
                    double p = r[w + l] * xi * xj - 0.5 * (r[i * lanes + l] * xj + xi * r[j * lanes + l]);
                    g[row * lanes + l] = i == j ? p : 2 * p;
                }
            }
        }
        for (int i = 0; i < m; i++) {
            for (int l = 0; l < lanes; l++) {
                g[(nnzA + i) * lanes + l] = y[i * lanes + l] * r[w + l] - r[nl + i * lanes + l];
            }
        }
        for (int j = 0; j < n; j++) {
            for (int l = 0; l < lanes; l++) {
                g[(nnzA + m + j) * lanes + l] = x[j * lanes + l] * r[w + l] - r[j * lanes + l];
            }
        }
        // dθ_c = Σ over column c of T (the constant column has no gradient).
        int params = tensor.cols() - 1;
        SparsePattern tp = tensor.pattern();
        double[] dTheta = new double[params * lanes];
        for (int col = 0; col < params; col++) {
            for (int k = tp.colStart(col); k < tp.colStart(col + 1); k++) {
                double v = tensor.value(k);
                int row = tp.rowIndex(k);
                for (int l = 0; l < lanes; l++) {
                    dTheta[col * lanes + l] += v * g[row * lanes + l];
                }
            }
        }
        return dTheta;
    }

    @Override
    public void close() {
        // host arrays only
    }
}
