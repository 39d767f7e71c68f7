// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.layer;

import io.convexlayers.ConvexLayersException;

/**
 * Arrays passed to {@link ConvexLayer#forward} or {@link LayerResult#backward} that do not fit the
 * layer: the wrong number of arrays, a wrong size (the message names the parameter or output, the
 * expected and the actual number of entries), inconsistent batch sizes, an empty batch, a NaN or
 * infinite entry (with its instance and position), or a value that violates a parameter's declared
 * attribute.
 */
public class LayerArgumentException extends ConvexLayersException {
    public LayerArgumentException(String message) {
        super(message);
    }

    public LayerArgumentException(String message, Throwable cause) {
        super(message, cause);
    }
}
