// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import java.util.Arrays;
import java.util.Objects;

/**
 * One recorded device operation of a {@link LaunchGraph}: a kernel launch (kernel, work size, shape,
 * resolved arguments) or a device-to-device copy. Two operations are equal when replaying one does
 * exactly what the other would: same kernel, same sizes, same scalars and the same buffers at the same
 * offsets (buffers compare by identity, so a reallocated buffer never matches a stale recording).
 */
final class DeviceOp {
    final CudaKernel kernel;
    final int threads;
    final LaunchGeometry geometry;
    final int sharedBytes;
    final Object[] args;
    final DeviceBuffer.Ptr copySrc;
    final DeviceBuffer.Ptr copyDst;
    final int copyCount;

    private DeviceOp(CudaKernel kernel, int threads, LaunchGeometry geometry, int sharedBytes, Object[] args,
                     DeviceBuffer.Ptr copySrc, DeviceBuffer.Ptr copyDst, int copyCount) {
        this.kernel = kernel;
        this.threads = threads;
        this.geometry = geometry;
        this.sharedBytes = sharedBytes;
        this.args = args;
        this.copySrc = copySrc;
        this.copyDst = copyDst;
        this.copyCount = copyCount;
    }

    static DeviceOp launch(CudaKernel kernel, int threads, LaunchGeometry geometry, int sharedBytes, Object[] args) {
        return new DeviceOp(kernel, threads, geometry, sharedBytes, args.clone(), null, null, 0);
    }

    static DeviceOp copy(DeviceBuffer.Ptr src, DeviceBuffer.Ptr dst, int count) {
        return new DeviceOp(null, 0, null, 0, null, src, dst, count);
    }

    boolean isCopy() {
        return kernel == null;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DeviceOp d)) {
            return false;
        }
        return kernel == d.kernel && threads == d.threads && Objects.equals(geometry, d.geometry)
                && sharedBytes == d.sharedBytes && Arrays.equals(args, d.args) && Objects.equals(copySrc, d.copySrc)
                && Objects.equals(copyDst, d.copyDst) && copyCount == d.copyCount;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kernel, threads, geometry, sharedBytes, Arrays.hashCode(args), copySrc, copyDst,
                copyCount);
    }

    @Override
    public String toString() {
        return isCopy() ? "copy(" + copyCount + ")" : kernel.entry();
    }
}
