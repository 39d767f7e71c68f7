// SPDX-License-Identifier: Apache-2.0
package io.convexlayers;

/**
 * A GPU kernel or a device operation failed (an illegal address, a launch failure, a device fault).
 * Names the kernel when the failure can be attributed to one: always with the debug mode
 * ({@code -Dconvexlayers.cuda.debug=true}, which waits for every launch), otherwise the failure
 * surfaces at the next synchronization and names the last kernel launched before it.
 */
public class DeviceKernelException extends ConvexLayersException {
    private static final long serialVersionUID = 1L;

    private final String kernel;

    /** A failure attributed to {@code kernel} (null when none had been launched). */
    public DeviceKernelException(String kernel, String message, Throwable cause) {
        super(message, cause);
        this.kernel = kernel;
    }

    /** The kernel's entry name, or null when the failure could not be attributed to one. */
    public String kernel() {
        return kernel;
    }
}
