// SPDX-License-Identifier: Apache-2.0
package io.convexlayers;


/**
 * A backend was asked for explicitly (e.g. {@code Backends.cuda()}) but cannot run here; the message
 * says why (no driver, no device, the kernels failed to load, ...).
 */
public class BackendUnavailableException extends ConvexLayersException {
    private static final long serialVersionUID = 1L;

    public BackendUnavailableException(String message) {
        super(message);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
