// SPDX-License-Identifier: Apache-2.0
package io.convexlayers;


/** A solver setting outside its documented range; the message names the setting and the value. */
public class InvalidSettingsException extends ConvexLayersException {
    public InvalidSettingsException(String setting, Object value, String requirement) {
        super("setting " + setting + " = " + value + ": " + requirement);
    }
}
