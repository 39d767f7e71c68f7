// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.testing;

import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.CscMatrix;

import java.util.Random;

/**
 * Batches of linear programs with planted solutions, one dense A per instance (one pattern, values per
 * instance): x* normal, z normal, s* = max(z, 0) on the nonnegative rows and 0 on the zero rows,
 * y* = s* − z, b = Ax* + s*, c = −Aᵀy*, so (x*, y*, s*) satisfies the KKT conditions and the optimal
 * value is cᵀx*.
 */
public final class PlantedLps {
    /** A batch and each instance's optimal value. */
    public record Batch(BatchConeProgram program, double[] optimum) {
    }

    private PlantedLps() {
    }

    /** {@code size} instances with n variables, {@code zero} equality and {@code nonneg} inequality rows. */
    public static Batch batch(int n, int zero, int nonneg, int size, long seed) {
        Random rnd = new Random(seed);
        ConeDims cones = ConeDims.builder().zero(zero).nonneg(nonneg).build();
        int m = zero + nonneg;
        double[][] aValues = new double[size][];
        double[][] bs = new double[size][];
        double[][] cs = new double[size][];
        double[] optimum = new double[size];
        CscMatrix pattern = null;
        for (int k = 0; k < size; k++) {
            double[][] a = new double[m][n];
            for (double[] row : a) {
                for (int j = 0; j < n; j++) {
                    row[j] = rnd.nextGaussian();
                }
            }
            CscMatrix csc = CscMatrix.fromDense("A", a);
            pattern = pattern == null ? csc : pattern;
            aValues[k] = csc.values();
            double[] x = new double[n];
            for (int j = 0; j < n; j++) {
                x[j] = rnd.nextGaussian();
            }
            double[] b = new double[m];
            double[] c = new double[n];
            for (int i = 0; i < m; i++) {
                double z = rnd.nextGaussian();
                double s = i < zero ? 0 : Math.max(z, 0);
                double y = s - z;
                double acc = s;
                for (int j = 0; j < n; j++) {
                    acc += a[i][j] * x[j];
                    c[j] -= a[i][j] * y;
                }
                b[i] = acc;
            }
            for (int j = 0; j < n; j++) {
                optimum[k] += c[j] * x[j];
            }
            bs[k] = b;
            cs[k] = c;
        }
        return new Batch(new BatchConeProgram(null, null, pattern.pattern(), BatchArray.perInstance(aValues),
                BatchArray.perInstance(bs), BatchArray.perInstance(cs), cones), optimum);
    }
}
