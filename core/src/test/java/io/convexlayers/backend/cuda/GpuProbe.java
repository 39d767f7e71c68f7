// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

/**
 * The GPU check's first step ({@code ci/gpu-check}): says within seconds whether the CUDA backend
 * can run here — device, driver and module JIT — or why not, so that a machine without a usable GPU
 * costs no more device time. Exit status 0 when usable, 1 otherwise.
 */
public final class GpuProbe {
    private GpuProbe() {
    }

    /** Prints the device and driver, or the reason CUDA is unusable. */
    public static void main(String[] args) {
        String reason = CudaBackend.unavailableReason();
        if (reason != null) {
            System.out.println("probe: CUDA unusable: " + reason);
            System.exit(1);
        }
        CudaBackend backend = CudaBackend.open();
        System.out.println("probe: CUDA usable: device " + backend.deviceName() + ", driver CUDA "
                + JCudaDevice.driverVersion() + ", module " + Ptx.RESOURCE + " JIT-compiled");
    }
}
