package io.convexlayers.backend.cuda;

import io.convexlayers.backend.Backend;
import io.convexlayers.backend.BackendUnavailableException;
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

/** Backend.auto/cuda/cpu; on a machine without a usable GPU (CI) auto falls back with its reason. */
class BackendSelectionTest {

    @Test
    void cpuAlwaysExists() {
        assertEquals("cpu", Backend.cpu().name());
    }

    @Test
    void autoFallsBackToTheCpuOnceWithItsReasonWhereThereIsNoGpu() {
        String reason = CudaBackend.unavailableReason();
        Assumptions.assumeTrue(reason != null, "a usable CUDA device is present: the fallback cannot happen here");
        Backend first = Backend.auto();
        Backend second = Backend.auto();
        assertEquals("cpu", first.name());
        assertSame(first, second);
        String msg = CudaBackend.fallbackMessage();
        assertNotNull(msg);
        assertTrue(msg.contains("CPU backend") && msg.contains(reason), msg);
        assertEquals(1, CudaBackend.fallbackLogs(), "the fallback is logged once per process");
        // The fallback backend solves.
        assertEquals(SolverStatus.SOLVED, first.solve(RandomQps.batch(3, 6, 2, false, 1), SolverSettings.defaults(),
                null, null).status(1));
    }

    @Test
    void cudaThrowsATypedExceptionSayingWhy() {
        String reason = CudaBackend.unavailableReason();
        Assumptions.assumeTrue(reason != null, "a usable CUDA device is present");
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, Backend::cuda);
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertTrue(e instanceof io.convexlayers.ConvexLayersException);
    }

    @Test
    void aMachineWithoutTheDriverGetsAReasonNotACrash() {
        String reason = CudaBackend.unavailableReason();
        Assumptions.assumeTrue(reason != null, "a usable CUDA device is present");
        assertTrue(reason.contains("driver") || reason.contains("device") || reason.contains("module")
                || reason.contains("disabled"), reason);
    }

    @Test
    void autoPicksCudaWhereAGpuIsPresent() {
        Assumptions.assumeTrue(CudaBackend.unavailableReason() == null, "no usable CUDA device here");
        assertEquals("cuda", Backend.auto().name());
        assertEquals("cuda", Backend.cuda().name());
    }
}
