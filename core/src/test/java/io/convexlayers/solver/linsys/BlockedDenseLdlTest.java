// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link BlockedDenseLdl} against the matrix it factors: L·D·Lᵀ rebuilt entry by entry, at orders on
 * both sides of the panel width and with odd trailing column counts.
 */
class BlockedDenseLdlTest {

    /** A random quasi-definite matrix: positive diagonal block first, then a negative one. */
    private static double[][] quasiDefinite(int order, long seed) {
        Random rnd = new Random(seed);
        double[][] a = new double[order][order];
        int positive = order / 2 + 1;
        for (int i = 0; i < order; i++) {
            for (int j = 0; j < i; j++) {
                double v = rnd.nextGaussian();
                a[i][j] = v;
                a[j][i] = v;
            }
            a[i][i] = (i < positive ? 1 : -1) * (order + rnd.nextDouble());
        }
        return a;
    }

    private static BlockedDenseLdl load(double[][] a) {
        BlockedDenseLdl f = new BlockedDenseLdl(a.length);
        for (int j = 0; j < a.length; j++) {
            for (int i = j; i < a.length; i++) {
                f.column(j)[i] = a[i][j];
            }
        }
        return f;
    }

    /** max |(L·D·Lᵀ − a)_ij| / max |a_ij|. */
    private static double reconstructionError(BlockedDenseLdl f, double[][] a) {
        int t = a.length;
        double[] d = f.pivots();
        double worst = 0;
        double scale = 0;
        for (int i = 0; i < t; i++) {
            for (int j = 0; j <= i; j++) {
                double v = 0;
                for (int p = 0; p <= j; p++) {
                    double lip = p == i ? 1 : f.column(p)[i];
                    double ljp = p == j ? 1 : f.column(p)[j];
                    v += lip * d[p] * ljp;
                }
                worst = Math.max(worst, Math.abs(v - a[i][j]));
                scale = Math.max(scale, Math.abs(a[i][j]));
            }
        }
        return worst / scale;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5, 63, 64, 65, 67, 130, 200})
    void rebuildsTheMatrix(int order) {
        double[][] a = quasiDefinite(order, order);
        BlockedDenseLdl f = load(a);
        List<Integer> asked = new ArrayList<>();
        f.factor((c, v) -> {
            asked.add(c);
            return v;
        });
        assertEquals(order, asked.size());
        for (int c = 0; c < order; c++) {
            assertEquals(c, asked.get(c), "pivots are decided in column order");
            assertTrue(c <= order / 2 ? f.pivots()[c] > 0 : f.pivots()[c] < 0, "pivot sign " + c);
        }
        double err = reconstructionError(f, a);
        assertTrue(err < 1e-13, "order " + order + ": " + err);
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 70})
    void aReplacedPivotFactorsTheMatrixWithThatDiagonal(int order) {
        double[][] a = quasiDefinite(order, 7 + order);
        int target = order - 2;
        double[] seen = new double[1];
        BlockedDenseLdl f = load(a);
        f.factor((c, v) -> {
            if (c == target) {
                seen[0] = v;
                return -1e3 * order;
            }
            return v;
        });
        // The factor is that of a with the target's diagonal raised by the replacement's change.
        a[target][target] += -1e3 * order - seen[0];
        assertTrue(reconstructionError(f, a) < 1e-13);
    }

    @ParameterizedTest
    @ValueSource(ints = {9, 90})
    void subtractsOuterProductsFromTheLowerTriangle(int order) {
        double[][] a = quasiDefinite(order, 3 * order);
        Random rnd = new Random(order);
        int width = 7;
        int first = order / 3;
        BlockedDenseLdl f = load(a);
        double[][] g = new double[width][order];
        double[] d = new double[width];
        for (int p = 0; p < width; p++) {
            for (int i = first + p; i < order; i++) {
                g[p][i] = rnd.nextGaussian();
            }
            d[p] = rnd.nextDouble() - 0.5;
            f.panel()[p] = g[p];
            f.panelPivots()[p] = d[p];
        }
        f.subtractOuterProducts(first, width);
        double worst = 0;
        for (int j = 0; j < order; j++) {
            for (int i = j; i < order; i++) {
                double expected = a[i][j];
                for (int p = 0; p < width; p++) {
                    expected -= g[p][i] * d[p] * g[p][j];
                }
                worst = Math.max(worst, Math.abs(f.column(j)[i] - expected));
            }
        }
        assertTrue(worst < 1e-12, "" + worst);
    }
}
