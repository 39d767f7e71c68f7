// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line text progress bar: {@code [=====>    ]  12/40  loss 4.213  85 ms/step  7530 inst/s}.
 * On an interactive console the line is redrawn in place; otherwise (logs, tests) a line is
 * printed about every tenth of the run and at the end.
 */
final class ProgressBar {
    private static final int WIDTH = 24;
    private final PrintStream out;
    private final int total;
    private final boolean inPlace;
    private int lastPrinted = -1;

    ProgressBar(PrintStream out, int total, boolean inPlace) {
        this.out = out;
        this.total = total;
        this.inPlace = inPlace;
    }

    /** Redraws the bar after step {@code done} of {@code total}. */
    void update(int done, double loss, double secondsPerStep, double instancesPerSecond) {
        int filled = (int) Math.round(WIDTH * (double) done / total);
        StringBuilder bar = new StringBuilder("[");
        for (int i = 0; i < WIDTH; i++) {
            bar.append(i < filled - 1 || (i == filled - 1 && done == total) ? '=' : i == filled - 1 ? '>' : ' ');
        }
        bar.append(']');
        String line = String.format(Locale.ROOT, "%s %4d/%d  loss %.4f  %6.0f ms/step  %8.0f inst/s", bar, done, total,
                loss, secondsPerStep * 1e3, instancesPerSecond);
        if (inPlace) {
            out.print("\r" + line);
            if (done == total) {
                out.println();
            }
            out.flush();
            return;
        }
        int decile = (int) (10L * done / total);
        if (decile != lastPrinted || done == total) {
            lastPrinted = decile;
            out.println(line);
        }
    }
}
