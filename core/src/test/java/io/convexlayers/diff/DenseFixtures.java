// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import io.convexlayers.diff.residual.ResidualMapOperator;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.ejml.interfaces.linsol.LinearSolverDense;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dense reference computations for the tests of the dense derivative path: small matrix helpers,
 * the full M of one lane formed by applying the operator to unit vectors, and the SVD
 * pseudo-inverse of EJML as the independent answer.
 */
final class DenseFixtures {
    private DenseFixtures() {
    }

    static double[][] gaussianMatrix(int rows, int cols, Random rnd) {
        double[][] a = new double[rows][cols];
        for (double[] row : a) {
            for (int j = 0; j < cols; j++) {
                row[j] = rnd.nextGaussian();
            }
        }
        return a;
    }

    /** A random orthogonal matrix: Gaussian columns orthonormalized by Gram–Schmidt, applied twice. */
    static double[][] orthogonal(int size, Random rnd) {
        double[][] cols = gaussianMatrix(size, size, rnd); // row k holds column k
        for (int k = 0; k < size; k++) {
            for (int pass = 0; pass < 2; pass++) {
                for (int j = 0; j < k; j++) {
                    double c = DerivativeFixtures.dot(cols[j], cols[k]);
                    for (int i = 0; i < size; i++) {
                        cols[k][i] -= c * cols[j][i];
                    }
                }
            }
            double nrm = DerivativeFixtures.norm(cols[k]);
            for (int i = 0; i < size; i++) {
                cols[k][i] /= nrm;
            }
        }
        return transpose(cols);
    }

    static double[][] transpose(double[][] a) {
        double[][] t = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }

    static double[][] copy(double[][] a) {
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].clone();
        }
        return out;
    }

    /** a·x, or aᵀ·x when {@code transposed}. */
    static double[] multiply(double[][] a, double[] x, boolean transposed) {
        int rows = a.length;
        int cols = rows == 0 ? 0 : a[0].length;
        double[] out = new double[transposed ? cols : rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                if (transposed) {
                    out[j] += a[i][j] * x[i];
                } else {
                    out[i] += a[i][j] * x[j];
                }
            }
        }
        return out;
    }

    static double[][] multiply(double[][] a, double[][] b) {
        int inner = b.length;
        double[][] out = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < inner; k++) {
                double v = a[i][k];
                for (int j = 0; j < b[0].length; j++) {
                    out[i][j] += v * b[k][j];
                }
            }
        }
        return out;
    }

    static double frobenius(double[][] a) {
        double s = 0;
        for (double[] row : a) {
            for (double v : row) {
                s += v * v;
            }
        }
        return Math.sqrt(s);
    }

    static double maxAbs(double[][] a) {
        double max = 0;
        for (double[] row : a) {
            for (double v : row) {
                max = Math.max(max, Math.abs(v));
            }
        }
        return max;
    }

    static double[] difference(double[] a, double[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] - b[i];
        }
        return out;
    }

    /** pinv(a)·b (or pinv(aᵀ)·b) through EJML's SVD; a is not modified. */
    static double[] pinvSolve(double[][] a, double[] b, boolean transposed) {
        int rows = a.length;
        int cols = a[0].length;
        DMatrixRMaj m = transposed ? new DMatrixRMaj(cols, rows) : new DMatrixRMaj(rows, cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                if (transposed) {
                    m.set(j, i, a[i][j]);
                } else {
                    m.set(i, j, a[i][j]);
                }
            }
        }
        LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.pseudoInverse(true);
        assertTrue(solver.setA(m), "SVD failed");
        DMatrixRMaj x = new DMatrixRMaj(m.numCols, 1);
        solver.solve(new DMatrixRMaj(b.length, 1, true, b.clone()), x);
        return x.data;
    }

    /**
     * The singular value decomposition a = U·diag(σ)·Vᵀ of a square matrix, σ descending, for
     * pseudo-inverses that treat the smallest singular values as zero.
     */
    record Svd(double[][] u, double[] sigma, double[][] v) {
        static Svd of(double[][] a) {
            int size = a.length;
            SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(size, size, true, true,
                    false);
            assertTrue(svd.decompose(new DMatrixRMaj(a)), "SVD failed");
            DMatrixRMaj u = svd.getU(null, false);
            DMatrixRMaj v = svd.getV(null, false);
            double[] w = svd.getSingularValues();
            Integer[] order = new Integer[size];
            for (int i = 0; i < size; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (p, q) -> Double.compare(w[q], w[p]));
            double[][] us = new double[size][size];
            double[][] vs = new double[size][size];
            double[] sigma = new double[size];
            for (int k = 0; k < size; k++) {
                int c = order[k];
                sigma[k] = w[c];
                for (int i = 0; i < size; i++) {
                    us[i][k] = u.get(i, c);
                    vs[i][k] = v.get(i, c);
                }
            }
            return new Svd(us, sigma, vs);
        }

        /** pinv(a)·b (or pinv(aᵀ)·b) with the {@code drop} smallest singular values taken as zero. */
        double[] pinvSolve(double[] b, boolean transposed, int drop) {
            double[][] left = transposed ? v : u;
            double[][] right = transposed ? u : v;
            int size = sigma.length;
            double[] x = new double[size];
            for (int k = 0; k < size - drop; k++) {
                double c = 0;
                for (int i = 0; i < size; i++) {
                    c += left[i][k] * b[i];
                }
                c /= sigma[k];
                for (int i = 0; i < size; i++) {
                    x[i] += c * right[i][k];
                }
            }
            return x;
        }
    }

    /** The full M (rows × rows) of one lane, one column per application to a unit vector. */
    static double[][] fullMatrix(ResidualMapOperator op, int lane) {
        int lanes = op.lanes();
        int len = op.rows();
        double[][] k = new double[len][len];
        double[] unit = new double[len * lanes];
        double[] col = new double[len * lanes];
        for (int j = 0; j < len; j++) {
            unit[j * lanes + lane] = 1;
            op.apply(unit, col);
            unit[j * lanes + lane] = 0;
            for (int i = 0; i < len; i++) {
                k[i][j] = col[i * lanes + lane];
            }
        }
        return k;
    }

    /** Lane {@code lane} of a batch-minor vector. */
    static double[] lane(double[] v, int lanes, int lane) {
        double[] out = new double[v.length / lanes];
        for (int i = 0; i < out.length; i++) {
            out[i] = v[i * lanes + lane];
        }
        return out;
    }
}
