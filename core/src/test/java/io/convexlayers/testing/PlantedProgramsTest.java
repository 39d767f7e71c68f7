// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.testing;

import io.convexlayers.data.ConeDims;
import io.convexlayers.data.ConeProgram;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.MatrixFeatures_DDRM;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlantedProgramsTest {

    @ParameterizedTest
    @CsvSource({"1, 5, 1.0, false", "2, 8, 0.3, true", "3, 4, 0.5, true", "4, 12, 0.2, false", "5, 60, 0.1, true"})
    void plantedPointSatisfiesKkt(long seed, int n, double density, boolean withP) {
        ConeDims cones = PlantedPrograms.mixedCones(seed);
        PlantedPrograms.Planted planted = PlantedPrograms.generate(cones, n, density, withP, seed);
        ConeProgram prog = planted.program();
        double[] x = planted.x();
        double[] y = planted.y();
        double[] s = planted.s();
        int m = prog.m();
        assertEquals(cones.rows(), m);
        assertEquals(n, prog.n());
        assertEquals(withP, prog.p() != null);

        double[] primal = new double[m];   // Ax + s − b
        prog.a().multiplyAdd(x, primal);
        double[] b = prog.b();
        for (int i = 0; i < m; i++) {
            assertEquals(0.0, primal[i] + s[i] - b[i], 1e-12, "primal residual row " + i);
        }
        double[] dual = prog.c();          // Px + Aᵀy + c
        prog.a().transposeMultiplyAdd(y, dual);
        if (prog.p() != null) {
            prog.p().symmetricMultiplyAdd(x, dual);
        }
        for (double r : dual) {
            assertEquals(0.0, r, 1e-12, "dual residual");
        }
        double gap = 0;
        for (int i = 0; i < m; i++) {
            gap += s[i] * y[i];
        }
        assertEquals(0.0, gap, 1e-12, "complementarity");
        assertNull(ConeMembership.violation(cones, s, false, 1e-12, s));
        assertNull(ConeMembership.violation(cones, y, true, 1e-12, y));

        DMatrixRMaj a = new DMatrixRMaj(prog.a().toDense());
        if (m >= n) {
            assertEquals(n, MatrixFeatures_DDRM.rank(a), "full column rank");
        }
        if (prog.p() != null) {
            double[][] upper = prog.p().toDense();
            DMatrixRMaj p = new DMatrixRMaj(n, n);
            for (int i = 0; i < n; i++) {
                for (int j = i; j < n; j++) {
                    p.set(i, j, upper[i][j]);
                    p.set(j, i, upper[i][j]);
                }
            }
            assertTrue(MatrixFeatures_DDRM.isPositiveDefinite(p), "P positive definite");
        }
    }
}
