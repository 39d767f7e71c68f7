// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.canon;

import io.convexlayers.dsl.CompileOptions;
import io.convexlayers.dsl.Problem;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.solver.SolverSettings;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Shared helpers of the canonicalization tests. */
final class CanonTesting {
    private CanonTesting() {
    }

    static final SolverSettings TIGHT = SolverSettings.defaults().withEps(1e-9).withMaxIters(200_000);

    /** Dense symmetric P from its upper triangle (zeros when absent). */
    static double[][] fullP(ConeProgram p) {
        int n = p.n();
        double[][] d = new double[n][n];
        if (p.p() != null) {
            double[][] u = p.p().toDense();
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    d[i][j] = i <= j ? u[i][j] : u[j][i];
                }
            }
        }
        return d;
    }

    /** Asserts two cone programs equal up to explicit zeros (dense comparison). */
    static void assertSameProgram(ConeProgram expected, ConeProgram actual, double tol) {
        assertEquals(expected.cones(), actual.cones());
        assertEquals(expected.n(), actual.n());
        double[][] ea = expected.a().toDense();
        double[][] aa = actual.a().toDense();
        for (int i = 0; i < ea.length; i++) {
            assertArrayEquals(ea[i], aa[i], tol, "A row " + i);
        }
        assertArrayEquals(expected.b(), actual.b(), tol, "b");
        assertArrayEquals(expected.c(), actual.c(), tol, "c");
        double[][] ep = fullP(expected);
        double[][] ap = fullP(actual);
        for (int i = 0; i < ep.length; i++) {
            assertArrayEquals(ep[i], ap[i], tol, "P row " + i);
        }
    }

    /**
     * Compiles {@code problem} with parameters in θ and with their current values as constants,
     * instantiates both and asserts the cone programs and offsets agree.
     */
    static void assertParametricMatchesConstant(Problem problem, CompileOptions options) {
        ParametricConeProgram param = Compiler.compile(problem, options);
        ParametricConeProgram cst = Compiler.compile(problem, options.withParametersAsConstants(true));
        double[] theta = param.currentTheta();
        assertSameProgram(cst.instantiate(new double[0]), param.instantiate(theta), 1e-12);
        assertEquals(cst.objectiveOffset(new double[0]), param.objectiveOffset(theta), 1e-12);
    }

    static double[] gaussian(Random rnd, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextGaussian();
        }
        return v;
    }

    static double[] uniform(Random rnd, int n, double lo, double hi) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * rnd.nextDouble();
        }
        return v;
    }

    /** Row-major m×n times vector. */
    static double[] mul(double[] a, int m, int n, double[] x) {
        double[] y = new double[m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                y[i] += a[i * n + j] * x[j];
            }
        }
        return y;
    }

    /** Row-major m×n transposed times vector. */
    static double[] mulT(double[] a, int m, int n, double[] y) {
        double[] x = new double[n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                x[j] += a[i * n + j] * y[i];
            }
        }
        return x;
    }

    /** Solves the dense n×n system (row-major) by Gaussian elimination with partial pivoting. */
    static double[] solve(double[] mat, int n, double[] rhs) {
        double[] a = mat.clone();
        double[] b = rhs.clone();
        for (int k = 0; k < n; k++) {
            int p = k;
            for (int i = k + 1; i < n; i++) {
                if (Math.abs(a[i * n + k]) > Math.abs(a[p * n + k])) {
                    p = i;
                }
            }
            for (int j = 0; j < n; j++) {
                double t = a[k * n + j];
                a[k * n + j] = a[p * n + j];
                a[p * n + j] = t;
            }
            double t = b[k];
            b[k] = b[p];
            b[p] = t;
            for (int i = k + 1; i < n; i++) {
                double f = a[i * n + k] / a[k * n + k];
                for (int j = k; j < n; j++) {
                    a[i * n + j] -= f * a[k * n + j];
                }
                b[i] -= f * b[k];
            }
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = b[i];
            for (int j = i + 1; j < n; j++) {
                s -= a[i * n + j] * x[j];
            }
            x[i] = s / a[i * n + i];
        }
        return x;
    }

    /** AᵀA (n×n) of a row-major m×n matrix. */
    static double[] gram(double[] a, int m, int n) {
        double[] g = new double[n * n];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < n; p++) {
                for (int q = 0; q < n; q++) {
                    g[p * n + q] += a[i * n + p] * a[i * n + q];
                }
            }
        }
        return g;
    }
}
