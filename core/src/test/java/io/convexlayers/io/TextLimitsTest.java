// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.io;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The readers' text limits: a gzip bomb stops at {@link ReaderLimits#MAX_TEXT_BYTES} with a typed
 * error naming the file and the limit, and so does a file of more than {@link ReaderLimits#MAX_LINES}
 * lines (both take a few seconds and a few hundred MB, as the limits are meant to allow real files).
 */
class TextLimitsTest {

    @Test
    void aGzipBombStopsAtTheTextLimit() throws IOException {
        // ~0.5 MB of gzip that inflates to the limit plus one MiB of blanks
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        byte[] chunk = new byte[1 << 20];
        Arrays.fill(chunk, (byte) ' ');
        try (GZIPOutputStream out = new GZIPOutputStream(gz, 1 << 16)) {
            for (long written = 0; written <= ReaderLimits.MAX_TEXT_BYTES; written += chunk.length) {
                out.write(chunk);
            }
        }
        assertTrue(gz.size() < 4 << 20, "the bomb is small: " + gz.size());
        ProblemFormatException e = assertThrows(ProblemFormatException.class,
                () -> LineSource.read("bomb.mps.gz", new ByteArrayInputStream(gz.toByteArray())));
        assertTrue(e.getMessage().contains("bomb.mps.gz") && e.getMessage().contains("MAX_TEXT_BYTES"),
                e.getMessage());
    }

    @Test
    void moreLinesThanTheLimitAreATypedError() {
        byte[] text = new byte[ReaderLimits.MAX_LINES + 1];
        Arrays.fill(text, (byte) '\n');
        ProblemFormatException e = assertThrows(ProblemFormatException.class, () -> LineSource.of("lines.cbf", text));
        assertTrue(e.getMessage().contains("lines.cbf") && e.getMessage().contains("MAX_LINES"), e.getMessage());
    }
}
