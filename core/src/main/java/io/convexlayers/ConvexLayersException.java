// SPDX-License-Identifier: Apache-2.0
package io.convexlayers;

/**
 * Base of every exception thrown by convexlayers for misuse or bad input. Solver outcomes
 * (infeasible, unbounded, failed) are reported as statuses, not exceptions.
 */
public class ConvexLayersException extends RuntimeException {
    public ConvexLayersException(String message) {
        super(message);
    }

    public ConvexLayersException(String message, Throwable cause) {
        super(message, cause);
    }
}
