// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import io.convexlayers.ConvexLayersException;

/**
 * A parameter value that is missing, has the wrong length, or violates the parameter's declared
 * attributes (nonnegative, positive, symmetric, positive semidefinite). The message names the
 * parameter.
 */
public class ParameterValueException extends ConvexLayersException {
    public ParameterValueException(String message) {
        super(message);
    }
}
