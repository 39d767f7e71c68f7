// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.testing.RandomQps;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelProfileTest {

    @Test
    void countsEveryLaunchAndChangesNothingThatIsComputed() {
        CudaBackend backend = new CudaBackend(new EmulatedDevice(1L << 30), 0);
        var batch = RandomQps.batch(8, 16, 3, false, 5);
        SolverSettings settings = SolverSettings.defaults().withAlgorithm(io.convexlayers.solver.Algorithm.FIRST_ORDER);
        BatchSolution plain = backend.solve(batch, settings, null, null);
        KernelProfile profile = new KernelProfile();
        long before = backend.device().launches();
        backend.device().profile(profile);
        BatchSolution profiled = backend.solve(batch, settings, null, null);
        backend.device().profile(null);
        long launched = backend.device().launches() - before;
        long counted = 0;
        for (CudaKernel k : CudaKernel.values()) {
            counted += profile.launches(k);
        }
        assertEquals(launched, counted);
        assertTrue(profile.launches(CudaKernel.DENSE_MV_LANES) > 0);
        for (int l = 0; l < 3; l++) {
            assertEquals(plain.iterations(l), profiled.iterations(l));
            assertArrayEquals(plain.get(l).x(), profiled.get(l).x(), 0);
        }
        String report = profile.report();
        assertTrue(report.contains("| cl_hsde_tau |"), report);
        assertTrue(report.contains("host between device calls"), report);
    }
}
