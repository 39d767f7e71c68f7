// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.testing.PlantedPrograms;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The instance's products Âx and Âᵀy (contiguous loops for a fully dense A, the sparse kernels
 * otherwise) against the same products computed entry by entry from the scaled matrix's triplets.
 */
class ScaledInstanceTest {
    @ParameterizedTest(name = "density {0}")
    @ValueSource(doubles = {1.0, 0.3})
    void productsMatchTheEntryByEntryDefinition(double density) {
        ConeProgram p = PlantedPrograms.generate(ConeDims.builder().zero(2).nonneg(25).build(), 11, density, false, 9)
                .program();
        BatchConeProgram batch = BatchConeProgram.of(p);
        IpmLayout layout = new IpmLayout(batch);
        ScaledInstance data = new ScaledInstance(layout);
        data.load(batch, 0, true);
        assertEquals(density == 1.0, data.denseA, "the contiguous path is the one under test");
        Random rnd = new Random(3);
        double[] x = rnd.doubles(layout.n, -1, 1).toArray();
        double[] y = rnd.doubles(layout.m, -1, 1).toArray();
        double[] ax = new double[layout.m];
        double[] aty = new double[layout.n];
        double[] axRef = new double[layout.m];
        double[] atyRef = new double[layout.n];
        var pattern = layout.aPattern;
        for (int j = 0; j < layout.n; j++) {
            for (int q = pattern.colStart(j); q < pattern.colStart(j + 1); q++) {
                int i = pattern.rowIndex(q);
                axRef[i] += data.a[q] * x[j];
                atyRef[j] += data.a[q] * y[i];
            }
        }
        data.multiplyA(x, ax);
        data.multiplyAt(y, aty);
        for (int i = 0; i < layout.m; i++) {
            assertEquals(axRef[i], ax[i], 1e-13 * (1 + Math.abs(axRef[i])), "Âx row " + i);
        }
        for (int j = 0; j < layout.n; j++) {
            assertEquals(atyRef[j], aty[j], 1e-13 * (1 + Math.abs(atyRef[j])), "Âᵀy entry " + j);
        }
    }
}
