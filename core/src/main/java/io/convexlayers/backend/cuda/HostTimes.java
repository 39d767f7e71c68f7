// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import java.util.Locale;

/**
 * Where the host's time goes while it drives a device, always counted (two clock reads per call):
 * inside kernel-launch calls, graph-launch calls, uploads and downloads. A download waits for all
 * launched work, so time blocked there is time the device was busy ahead of the host; the rest of a
 * solve's wall time is the host's own work (orchestration, checks, recording).
 */
final class HostTimes {
    long launchNanos;
    long launches;
    long graphNanos;
    long graphs;
    long uploadNanos;
    long uploads;
    long downloadNanos;
    long downloads;

    HostTimes copy() {
        HostTimes c = new HostTimes();
        c.launchNanos = launchNanos;
        c.launches = launches;
        c.graphNanos = graphNanos;
        c.graphs = graphs;
        c.uploadNanos = uploadNanos;
        c.uploads = uploads;
        c.downloadNanos = downloadNanos;
        c.downloads = downloads;
        return c;
    }

    /** The counts since {@code before}, and the host's remaining time out of {@code wallNanos}, in one line. */
    String since(HostTimes before, long wallNanos) {
        long l = launchNanos - before.launchNanos;
        long g = graphNanos - before.graphNanos;
        long u = uploadNanos - before.uploadNanos;
        long d = downloadNanos - before.downloadNanos;
        return String.format(Locale.ROOT, "host: %d kernel launches %.1f ms (%.1f us each), %d graph launches %.1f ms"
                        + " (%.1f us each), %d uploads %.1f ms, %d downloads %.1f ms (waiting for the device included),"
                        + " the rest %.1f ms of %.1f ms", launches - before.launches, l * 1e-6,
                l * 1e-3 / Math.max(1, launches - before.launches), graphs - before.graphs, g * 1e-6,
                g * 1e-3 / Math.max(1, graphs - before.graphs), uploads - before.uploads, u * 1e-6,
                downloads - before.downloads, d * 1e-6, (wallNanos - l - g - u - d) * 1e-6, wallNanos * 1e-6);
    }
}
