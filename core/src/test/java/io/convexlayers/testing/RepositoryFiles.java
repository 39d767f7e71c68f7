// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.testing;

import java.nio.file.Path;

/**
 * Files of the repository outside this module (README, .gitignore, ci/, benchmarks/), for tests that
 * check them. Tests run in the module's folder ({@code core/}); the build passes the repository root
 * as {@code convexlayers.repository.root}, and without it (an IDE run) the parent folder is assumed.
 */
public final class RepositoryFiles {
    private RepositoryFiles() {
    }

    /** The path of {@code relative} under the repository root. */
    public static Path at(String relative) {
        return Path.of(System.getProperty("convexlayers.repository.root", "..")).resolve(relative);
    }
}
