// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import io.convexlayers.ConvexLayersException;

/**
 * An operation received operands of incompatible shapes, or an index outside a shape. Thrown when
 * the expression is built; the message names the operands and both shapes.
 */
public class ShapeException extends ConvexLayersException {
    public ShapeException(String message) {
        super(message);
    }
}
