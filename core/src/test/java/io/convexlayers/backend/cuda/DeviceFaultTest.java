// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.ConvexLayersException;
import io.convexlayers.DeviceKernelException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A failing kernel surfaces as a typed {@link DeviceKernelException} naming the kernel, not as a raw
 * exception from an unrelated later call. On the emulated device the failure is synchronous, as on a
 * real device in the debug mode.
 */
class DeviceFaultTest {

    @Test
    void anOutOfRangeKernelIsNamedInATypedException() {
        try (EmulatedDevice dev = new EmulatedDevice(1L << 30)) {
            DeviceBuffer small = dev.allocDoubles(4);
            // cl_fill writes `count` entries: 10 into a buffer of 4 is an illegal address.
            DeviceKernelException e = assertThrows(DeviceKernelException.class,
                    () -> dev.launch(CudaKernel.FILL, 10, 10, small, 1.0));
            assertEquals("cl_fill", e.kernel());
            assertTrue(e.getMessage().contains("cl_fill") && e.getMessage().contains("10 work items"), e.getMessage());
            assertInstanceOf(ConvexLayersException.class, e);
        }
    }

    @Test
    void aCorrectLaunchAfterwardsStillWorks() {
        try (EmulatedDevice dev = new EmulatedDevice(1L << 30)) {
            DeviceBuffer small = dev.allocDoubles(4);
            assertThrows(DeviceKernelException.class, () -> dev.launch(CudaKernel.FILL, 10, 10, small, 1.0));
            dev.launch(CudaKernel.FILL, 4, 4, small, 2.5);
            double[] out = new double[4];
            dev.download(small.ptr(), out, 0, 4);
            assertEquals(10.0, out[0] + out[1] + out[2] + out[3], 0.0);
        }
    }

    @Test
    void argumentMistakesStayProgrammingErrorsNotDeviceFaults() {
        try (EmulatedDevice dev = new EmulatedDevice(1L << 30)) {
            DeviceBuffer small = dev.allocDoubles(4);
            assertThrows(IllegalArgumentException.class, () -> dev.launch(CudaKernel.FILL, 4, small, 1.0));
        }
    }

    @Test
    void aFaultInASolveResetsTheDeviceAndTheBatchIsSolvedOnTheCpu() {
        var batch = io.convexlayers.testing.RandomQps.batch(6, 12, 5, false, 41);
        var settings = io.convexlayers.solver.SolverSettings.defaults().withAlgorithm(io.convexlayers.solver.Algorithm.FIRST_ORDER).withEps(1e-8);
        EmulatedDevice dev = new EmulatedDevice(1L << 30);
        CudaBackend gpu = new CudaBackend(dev, 0, true);
        dev.faultAt(CudaKernel.HSDE_FUSED, 3); // the third run between checks
        var got = gpu.solve(batch, settings, null, null);
        assertEquals(1, dev.recoveries());
        var cpu = io.convexlayers.backend.Backends.cpu().solve(batch, settings, null, null);
        for (int l = 0; l < batch.batch(); l++) {
            assertEquals(cpu.status(l), got.status(l));
            org.junit.jupiter.api.Assertions.assertArrayEquals(cpu.get(l).x(), got.get(l).x(), 0,
                    "the CPU's own answer, instance " + l);
        }
        // The device works again for the next batch.
        var next = gpu.solve(batch, settings, null, null);
        EmulatedSolveTest.assertSameSolutions(cpu, next, 1e-6);
        assertEquals(1, dev.recoveries());
    }

    @Test
    void withTheFailPolicyTheFaultIsThrownAfterTheReset() {
        var batch = io.convexlayers.testing.RandomQps.batch(5, 10, 3, false, 42);
        EmulatedDevice dev = new EmulatedDevice(1L << 30);
        CudaBackend gpu = new CudaBackend(dev, 0, false);
        dev.faultAt(CudaKernel.HSDE_FUSED, 2);
        DeviceKernelException e = assertThrows(DeviceKernelException.class,
                () -> gpu.solve(batch, io.convexlayers.solver.SolverSettings.defaults().withAlgorithm(io.convexlayers.solver.Algorithm.FIRST_ORDER), null, null));
        assertTrue(e.getMessage().contains("emulated fault"), e.getMessage());
        assertEquals(1, dev.recoveries());
        assertEquals(3, gpu.solve(batch, io.convexlayers.solver.SolverSettings.defaults().withAlgorithm(io.convexlayers.solver.Algorithm.FIRST_ORDER), null, null).batch());
    }

    @Test
    void aBatchWhoseSingleInstanceDoesNotFitRunsOnTheCpu() {
        var batch = io.convexlayers.testing.RandomQps.batch(30, 60, 2, false, 43);
        // Room for the planner's estimate of a few kilobytes only: not one instance fits.
        CudaBackend gpu = new CudaBackend(new EmulatedDevice(4096), 0, true);
        var got = gpu.solve(batch, io.convexlayers.solver.SolverSettings.defaults().withAlgorithm(io.convexlayers.solver.Algorithm.FIRST_ORDER), null, null);
        var cpu = io.convexlayers.backend.Backends.cpu().solve(batch, io.convexlayers.solver.SolverSettings.defaults().withAlgorithm(io.convexlayers.solver.Algorithm.FIRST_ORDER),
                null, null);
        org.junit.jupiter.api.Assertions.assertArrayEquals(cpu.get(1).x(), got.get(1).x(), 0);
    }

    @Test
    void aFaultInTheInteriorPointKernelSendsTheBatchToTheCpu() {
        var batch = io.convexlayers.testing.RandomQps.batch(6, 12, 5, false, 44);
        var settings = io.convexlayers.solver.SolverSettings.defaults()
                .withAlgorithm(io.convexlayers.solver.Algorithm.INTERIOR_POINT);
        EmulatedDevice dev = new EmulatedDevice(1L << 30);
        CudaBackend gpu = new CudaBackend(dev, 0, true);
        dev.faultAt(CudaKernel.IPM_SOLVE, 1);
        var got = gpu.solve(batch, settings, null, null);
        assertEquals(1, dev.recoveries());
        var cpu = io.convexlayers.backend.Backends.cpu().solve(batch, settings, null, null);
        for (int l = 0; l < batch.batch(); l++) {
            assertEquals(cpu.status(l), got.status(l));
            org.junit.jupiter.api.Assertions.assertArrayEquals(cpu.get(l).x(), got.get(l).x(), 0,
                    "the CPU's own answer, instance " + l);
        }
    }
}
