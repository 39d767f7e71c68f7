// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend;

import io.convexlayers.solver.Backend;
import io.convexlayers.BackendUnavailableException;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import io.convexlayers.testing.RandomQps;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Backends.auto/cuda/cpu; on a machine without a usable GPU (CI) auto falls back with its reason. */
class BackendSelectionTest {

    @Test
    void cpuAlwaysExists() {
        assertEquals("cpu", Backends.cpu().name());
    }

    @Test
    void autoFallsBackToTheCpuOnceWithItsReasonWhereThereIsNoGpu() {
        String reason = Backends.cudaUnavailableReason();
        Assumptions.assumeTrue(reason != null, "a usable CUDA device is present: the fallback cannot happen here");
        Backend first = Backends.auto();
        Backend second = Backends.auto();
        assertEquals("cpu", first.name());
        assertSame(first, second);
        String msg = Backends.fallbackMessage();
        assertNotNull(msg);
        assertTrue(msg.contains("CPU backend") && msg.contains(reason), msg);
        assertEquals(1, Backends.fallbackLogs(), "the fallback is logged once per process");
        // The fallback backend solves.
        assertEquals(SolverStatus.SOLVED, first.solve(RandomQps.batch(3, 6, 2, false, 1), SolverSettings.defaults(),
                null, null).status(1));
    }

    @Test
    void cudaThrowsATypedExceptionSayingWhy() {
        String reason = Backends.cudaUnavailableReason();
        Assumptions.assumeTrue(reason != null, "a usable CUDA device is present");
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, Backends::cuda);
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertTrue(e instanceof io.convexlayers.ConvexLayersException);
    }

    @Test
    void aMachineWithoutTheDriverGetsAReasonNotACrash() {
        String reason = Backends.cudaUnavailableReason();
        Assumptions.assumeTrue(reason != null, "a usable CUDA device is present");
        assertTrue(reason.contains("driver") || reason.contains("device") || reason.contains("module")
                || reason.contains("disabled"), reason);
    }

    @Test
    void autoPicksCudaWhereAGpuIsPresent() {
        Assumptions.assumeTrue(Backends.cudaUnavailableReason() == null, "no usable CUDA device here");
        assertEquals("cuda", Backends.auto().name());
        assertEquals("cuda", Backends.cuda().name());
    }
}
