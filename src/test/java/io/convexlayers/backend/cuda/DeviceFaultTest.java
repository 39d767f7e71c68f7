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
}
