// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link DeviceForwardTest} on a real GPU (skipped with the reason where there is none): a layer's
 * forward with the data made on the device from θ against the same device fed host-instantiated data,
 * chunked, on every family (the device's parameter map and scaling round as the host does, so the two
 * agree to 1e-10), and the exact difference of their uploads. Run by {@code ci/gpu-check}.
 */
@Tag("gpu")
class DeviceForwardGpuTest {
    private static final int BATCH = 40;
    private static final int CHUNK = 16;

    @ParameterizedTest
    @EnumSource(DeviceForwardTest.Family.class)
    void deviceParameterMapMatchesTheHostInstantiatedPath(DeviceForwardTest.Family family) {
        JCudaDevice gpu = Gpu.require();
        double worst = DeviceForwardTest.compare(family, new CudaBackend(gpu, CHUNK), new CudaBackend(gpu, CHUNK),
                BATCH, 1e-10);
        System.out.println("DeviceForwardGpuTest " + family + ": largest difference " + worst);
    }

    @ParameterizedTest
    @EnumSource(value = DeviceForwardTest.Family.class, names = {"QP_PER_INSTANCE", "QP_SHARED_MATRIX"})
    void theForwardSendsThetaNotTheMatrices(DeviceForwardTest.Family family) {
        DeviceForwardTest.uploadsDifferByTheMatrices(family, Gpu.require(), BATCH, CHUNK);
    }
}
