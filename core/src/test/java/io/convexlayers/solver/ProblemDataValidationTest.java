// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver;

import io.convexlayers.InvalidProblemException;
import io.convexlayers.InvalidSettingsException;
import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.data.CscMatrix;
import io.convexlayers.data.SparsePattern;
import io.convexlayers.data.ConeDims;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProblemDataValidationTest {

    private static CscMatrix a2x2() {
        return CscMatrix.fromDense("A", new double[][] {{1, 0}, {2, 3}});
    }

    @Test
    void coneSizesMustCoverTheRows() {
        InvalidProblemException e = assertThrows(InvalidProblemException.class, () ->
                new ConeProgram(null, a2x2(), new double[2], new double[2], ConeDims.builder().nonneg(3).build()));
        assertEquals("cones", e.field());
        assertTrue(e.getMessage().contains("3 rows"), e.getMessage());
    }

    @Test
    void vectorLengthsAreChecked() {
        InvalidProblemException e = assertThrows(InvalidProblemException.class, () ->
                new ConeProgram(null, a2x2(), new double[3], new double[2], ConeDims.builder().nonneg(2).build()));
        assertEquals("b", e.field());
    }

    @Test
    void nonFiniteDataIsNamed() {
        InvalidProblemException e = assertThrows(InvalidProblemException.class, () ->
                new ConeProgram(null, a2x2(), new double[] {0, Double.NaN}, new double[2],
                        ConeDims.builder().nonneg(2).build()));
        assertEquals("b[1]", e.field());
        e = assertThrows(InvalidProblemException.class, () ->
                new ConeProgram(null, CscMatrix.fromDense("A", new double[][] {{1, 0}, {Double.POSITIVE_INFINITY, 3}}),
                        new double[2], new double[2], ConeDims.builder().nonneg(2).build()));
        assertTrue(e.field().startsWith("A["), e.field());
    }

    @Test
    void unsortedRowIndicesAreRejected() {
        InvalidProblemException e = assertThrows(InvalidProblemException.class, () ->
                new SparsePattern("A", 3, 1, new int[] {0, 2}, new int[] {2, 1}));
        assertEquals("A.rowIndex[1]", e.field());
        e = assertThrows(InvalidProblemException.class, () ->
                new SparsePattern("A", 3, 1, new int[] {0, 1}, new int[] {3}));
        assertEquals("A.rowIndex[0]", e.field());
    }

    @Test
    void pMustBeUpperTriangular() {
        CscMatrix full = CscMatrix.fromDense("P", new double[][] {{2, 1}, {1, 2}});
        InvalidProblemException e = assertThrows(InvalidProblemException.class, () ->
                new ConeProgram(full, a2x2(), new double[2], new double[2], ConeDims.builder().nonneg(2).build()));
        assertEquals("P", e.field());
    }

    @Test
    void coneDimsRejectBadSizes() {
        assertEquals("cones.soc[1]", assertThrows(InvalidProblemException.class,
                () -> ConeDims.builder().soc(3, 0).build()).field());
        assertEquals("cones.power[0]", assertThrows(InvalidProblemException.class,
                () -> ConeDims.builder().power(1.0).build()).field());
        assertEquals(3 + 6 + 3 + 3, ConeDims.builder().soc(3).psd(3).exp(1).power(-0.3).build().rows());
    }

    @Test
    void batchDimensionsMustAgree() {
        CscMatrix a = a2x2();
        BatchArray aVals = BatchArray.shared(a.values(), 2);
        BatchArray b = BatchArray.perInstance(new double[][] {{1, 1}, {2, 2}, {3, 3}});
        InvalidProblemException e = assertThrows(InvalidProblemException.class, () ->
                new BatchConeProgram(null, null, a.pattern(), aVals, b, BatchArray.shared(new double[2], 2),
                        ConeDims.builder().nonneg(2).build()));
        assertEquals("b", e.field());
    }

    @Test
    void tripletsSumDuplicates() {
        CscMatrix m = CscMatrix.fromTriplets("M", 2, 2, new int[] {1, 0, 1}, new int[] {0, 1, 0},
                new double[] {1, 2, 3});
        assertEquals(4, m.get(1, 0));
        assertEquals(2, m.get(0, 1));
        assertEquals(2, m.nnz());
    }

    @Test
    void settingsAreValidated() {
        assertThrows(InvalidSettingsException.class, () -> SolverSettings.defaults().toBuilder().alpha(2.0).build());
        assertThrows(InvalidSettingsException.class, () -> SolverSettings.defaults().withEps(-1));
        assertThrows(InvalidSettingsException.class, () -> SolverSettings.defaults().withMaxIters(0));
        assertThrows(InvalidSettingsException.class, () -> SolverSettings.defaults().withEps(Double.NaN));
    }
}
