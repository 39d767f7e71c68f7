// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.ConvexLayersException;

/** A device allocation failed; the backend answers by solving in smaller chunks. */
final class OutOfDeviceMemoryException extends ConvexLayersException {
    private static final long serialVersionUID = 1L;

    OutOfDeviceMemoryException(long requested, long free) {
        super("device allocation of " + requested + " bytes failed (" + free + " bytes free)");
    }
}
