// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.backend.Backends;
import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.data.CscMatrix;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.LinearSystemKind;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An instance whose P is indefinite (its reduced KKT matrix has no Cholesky factor) is reported FAILED
 * on its own, on the CPU and on the CUDA path (per-lane inverse and triangular factorizations, and the
 * shared inverse), while the other instances of its batch solve as usual.
 */
class IndefiniteInstanceTest {
    private static final CscMatrix A = CscMatrix.fromDense("A", new double[][] {{1, 0}, {0, 1}, {-1, 0}, {0, -1}});
    private static final ConeDims BOX = ConeDims.builder().nonneg(4).build();
    private static final double[] B = {1, 1, 1, 1};
    private static final double[] C = {0.1, 0.2};

    /** P per instance: diag(p0, 1); p0 = −50 makes the reduced matrix indefinite at column 0. */
    static BatchConeProgram batch(double... p0) {
        double[][] pv = new double[p0.length][];
        double[][] av = new double[p0.length][];
        for (int l = 0; l < p0.length; l++) {
            pv[l] = new double[] {p0[l], 1};
            av[l] = A.values().clone();
        }
        CscMatrix p = CscMatrix.upperTriangleOf("P", new double[][] {{1, 0}, {0, 1}});
        return new BatchConeProgram(p.pattern(), BatchArray.perInstance(pv), A.pattern(), BatchArray.perInstance(av),
                BatchArray.shared(B, p0.length), BatchArray.shared(C, p0.length), BOX);
    }

    static void assertOnlyTheIndefiniteLaneFails(BatchSolution s, String where) {
        assertEquals(SolverStatus.SOLVED, s.status(0), where);
        assertEquals(SolverStatus.FAILED, s.status(1), where);
        assertEquals(SolverStatus.SOLVED, s.status(2), where);
        // min ½‖x‖² + cᵀx over the box: x = −c.
        assertEquals(-0.1, s.get(2).x()[0], 1e-4, where);
    }

    @Test
    void theCpuFailsTheInstanceAlone() {
        assertOnlyTheIndefiniteLaneFails(Backends.cpu().solve(batch(1, -50, 1), SolverSettings.defaults(), null,
                null), "cpu");
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void theCudaPathFailsTheInstanceAlone(boolean inverse) {
        EmulatedDevice dev = new EmulatedDevice(1L << 30);
        if (!inverse) {
            // The triangular path serves orders above the inverse's limit: a device with too little
            // shared memory per block for n = 2 stands for that here.
            dev.limitSharedMemory(16);
        }
        CudaBackend gpu = new CudaBackend(dev, 0);
        assertOnlyTheIndefiniteLaneFails(gpu.solve(batch(1, -50, 1), SolverSettings.defaults(), null, null),
                inverse ? "cuda inverse" : "cuda triangular");
    }

    @Test
    void aSharedIndefiniteMatrixFailsEveryInstanceWithoutAnException() {
        CscMatrix p = CscMatrix.upperTriangleOf("P", new double[][] {{-50, 0}, {0, 1}});
        BatchConeProgram shared = BatchConeProgram.of(new ConeProgram(p, A, B, C, BOX));
        assertEquals(LinearSystemKind.SHARED, CudaBackend.deviceKind(shared, SolverSettings.defaults()));
        BatchSolution s = EmulatedSolveTest.emulated().solve(shared, SolverSettings.defaults(), null, null);
        assertEquals(SolverStatus.FAILED, s.status(0));
        assertEquals(SolverStatus.FAILED, Backends.cpu().solve(shared, SolverSettings.defaults(), null, null)
                .status(0));
    }
}
