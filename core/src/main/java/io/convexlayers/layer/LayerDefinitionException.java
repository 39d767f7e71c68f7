// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.layer;

import io.convexlayers.ConvexLayersException;

/**
 * A layer that cannot be built as specified: the parameter list does not match the problem's
 * parameters, an output is not part of the problem, or a builder setting is missing or null. (A
 * problem that is not DPP is reported by the modeling language's own
 * {@link io.convexlayers.dsl.DppException} or {@link io.convexlayers.dsl.DcpException}.)
 */
public class LayerDefinitionException extends ConvexLayersException {
    public LayerDefinitionException(String message) {
        super(message);
    }
}
