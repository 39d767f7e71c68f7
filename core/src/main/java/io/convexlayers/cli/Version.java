// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version of this build, from {@code version.properties}, which Maven's resource filtering
 * fills in from the POM, so the number is written in one place only.
 */
final class Version {
    private Version() {
    }

    /** The version, e.g. {@code 0.1.0-SNAPSHOT}; {@code "unknown"} when the build did not filter it. */
    static String get() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
