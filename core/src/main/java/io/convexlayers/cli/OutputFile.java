// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Checks, before a long computation, that its output file can be written: the check actually
 * opens the file (creating and removing it when it does not exist yet), because permission bits
 * say nothing for root or on read-only file systems. The demo used to train first and then die in
 * ImageIO with a stack trace.
 */
final class OutputFile {
    private OutputFile() {
    }

    /**
     * Returns normally when {@code file} can be created or overwritten, leaving the file system as
     * it was.
     *
     * @throws IOException whose message names the file and the reason
     */
    static void checkWritable(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + " is a directory; give a file name such as " + file.resolve("loss.png"));
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new IOException("cannot create " + file + ": " + parent + " is not an existing directory");
        }
        if (Files.exists(file)) {
            // Opening for append changes nothing in an existing file.
            try (OutputStream ignored = Files.newOutputStream(file, StandardOpenOption.APPEND)) {
                return;
            } catch (IOException e) {
                throw new IOException("cannot write " + file + ": " + reason(e), e);
            }
        }
        try {
            Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            return; // created meanwhile by someone else: writable enough to find out later
        } catch (IOException e) {
            throw new IOException("cannot create " + file + ": " + reason(e), e);
        }
        Files.deleteIfExists(file);
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return String.valueOf(e.getMessage());
    }
}
