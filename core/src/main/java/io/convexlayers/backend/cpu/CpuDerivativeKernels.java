// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cpu;

import io.convexlayers.batch.BatchOperator;
import io.convexlayers.batch.BatchVectors;
import io.convexlayers.batch.CpuBatchVectors;
import io.convexlayers.batch.TileSparse;
import io.convexlayers.cone.ConeDerivative;
import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.CscMatrix;
import io.convexlayers.data.SparsePattern;
import io.convexlayers.diff.kernels.DerivativeKernels;
import io.convexlayers.solver.BatchSolution;

import java.util.Arrays;

/**
 * {@link DerivativeKernels} on host arrays, the whole batch as one tile: the reference the device
 * implementation is held to, and the CPU side of the SPI. M and Mᵀ are the products of DESIGN §6 by
 * {@link TileSparse} and the CPU's {@link ConeDerivative}; dθ is the stacked parameter map's adjoint
 * read column by column. (The layer's CPU backward keeps {@code diff.SolutionDerivative}, whose tiles
 * also run the dense and sparse active-block solves.)
 */
public final class CpuDerivativeKernels implements DerivativeKernels<double[]> {
    private final int n;
    private final int m;
    private final int lanes;
    private final CpuBatchVectors vectors;
    private final SparsePattern aPattern;
    private final double[] aValues;
    private final boolean aShared;
    private final SparsePattern pPattern;
    private final double[] pValues;
    private final boolean pShared;
    private final double[] c;
    private final double[] b;
    private final double[] x;
    private final double[] y;
    private final double[] z;
    private final double[] cPlus2Px;
    private final double[] xPx;
    private final ConeDerivative cone;
    private final CscMatrix tensor;
    private final double[] t;
    private final double[] q;

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
        this.aShared = program.aValues().isShared();
        this.aValues = matrix(program.aValues());
        this.pPattern = program.pPattern();
        BatchArray pv = program.pValues();
        this.pShared = pv == null || pv.isShared();
        this.pValues = pv == null ? null : matrix(pv);
        this.c = perLane(program.c());
        this.b = perLane(program.b());
        this.x = new double[n * lanes];
        this.y = new double[m * lanes];
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
                z[(n + i) * lanes + l] = y[i * lanes + l] - solution.s().get(i, l);
            }
            z[(n + m) * lanes + l] = 1;
        }
        double[] px = new double[n * lanes];
        if (pPattern != null) {
            TileSparse.symmetricMultiplyAdd(pPattern, pValues, pShared, lanes, x, 0, px, 0);
        }
        this.cPlus2Px = new double[n * lanes];
        this.xPx = new double[lanes];
        for (int k = 0; k < n * lanes; k++) {
            cPlus2Px[k] = c[k] + 2 * px[k];
            xPx[k % lanes] += x[k] * px[k];
        }
        this.cone = new ConeDerivative(program.cones(), lanes);
        cone.linearizeAt(z, n * lanes, true);
        this.t = new double[(n + m + 1) * lanes];
        this.q = new double[(n + m + 1) * lanes];
    }

    /** A matrix's values as TileSparse takes them: one copy when shared, else batch-minor. */
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

    @Override
    public BatchOperator<double[]> residualMap(boolean fixedTau) {
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
                double[] src = in;
                if (fixedTau) {
                    src = in.clone();
                    Arrays.fill(src, w, w + lanes, 0);
                }
                projectDerivative(src, t);
                multiplyDq(t, q, false);
                for (int k = 0; k < out.length; k++) {
                    out[k] = q[k] - t[k] + src[k];
                }
            }

            @Override
            public void applyTranspose(double[] in, double[] out) {
                multiplyDq(in, q, true);
                for (int k = 0; k < q.length; k++) {
                    q[k] -= in[k];
                }
                projectDerivative(q, t);
                for (int k = 0; k < out.length; k++) {
                    out[k] = t[k] + in[k];
                }
                if (fixedTau) {
                    Arrays.fill(out, w, w + lanes, 0);
                }
            }
        };
    }

    /** out = DΠ(z)·in: identity on the x and τ rows, DΠ_{K*} on the y rows (symmetric). */
    private void projectDerivative(double[] in, double[] out) {
        int nl = n * lanes;
        System.arraycopy(in, 0, out, 0, nl);
        cone.apply(in, nl, out, nl);
        int w = (n + m) * lanes;
        System.arraycopy(in, w, out, w, lanes);
    }

    /**
     * out = DQ·in or DQᵀ·in, DQ = [[P, Aᵀ, c], [−A, 0, b], [−(c + 2Px)ᵀ, −bᵀ, xᵀPx]].
     */
    private void multiplyDq(double[] in, double[] out, boolean transpose) {
        int nl = n * lanes;
        int w = (n + m) * lanes;
        Arrays.fill(out, 0);
        if (pPattern != null) {
            TileSparse.symmetricMultiplyAdd(pPattern, pValues, pShared, lanes, in, 0, out, 0);
        }
        double[] xCol = transpose ? cPlus2Px : c; // the τ column of the x rows (negated when transposed)
        double sign = transpose ? -1 : 1;
        double[] aty = new double[nl];
        TileSparse.transposeMultiplyAdd(aPattern, aValues, aShared, lanes, in, nl, aty, 0);
        for (int k = 0; k < nl; k++) {
            out[k] += sign * (aty[k] + xCol[k] * in[w + k % lanes]);
        }
        TileSparse.multiplyAdd(aPattern, aValues, aShared, lanes, in, 0, out, nl);
        for (int k = 0; k < m * lanes; k++) {
            out[nl + k] = sign * (b[k] * in[w + k % lanes] - out[nl + k]);
        }
        double[] xRow = transpose ? c : cPlus2Px; // the τ row's x part (negated when not transposed)
        for (int l = 0; l < lanes; l++) {
            out[w + l] = xPx[l] * in[w + l];
        }
        for (int k = 0; k < nl; k++) {
            out[w + k % lanes] -= sign * xRow[k] * in[k];
        }
        for (int k = 0; k < m * lanes; k++) {
            out[w + k % lanes] -= sign * b[k] * in[nl + k];
        }
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
            cone.applyTranspose(dy, 0, out, nl);
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
