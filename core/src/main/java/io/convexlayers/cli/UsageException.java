// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cli;

import io.convexlayers.ConvexLayersException;

/** A command line the program cannot understand; exits with {@link ExitCodes#USAGE}. */
class UsageException extends ConvexLayersException {
    public UsageException(String message) {
        super(message);
    }
}
