// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.bench;

import io.convexlayers.solver.Algorithm;
import java.util.Arrays;
import java.util.Locale;

/**
 * The command line of the same-process timing harnesses ({@link ForwardCpuTime}, {@link SimdSpeedup},
 * {@link PolishCost}, {@link ThreadScaling}):
 * {@code [--repeats R] [--algorithm auto|first-order|interior-point] NAME…}, and the median they report.
 * The last two fix their configurations per case and ignore {@code --algorithm}.
 *
 * @param repeats   timed rounds per workload
 * @param algorithm the solver's algorithm
 * @param workloads workload names ({@link Workloads#names()})
 */
record TimingOptions(int repeats, Algorithm algorithm, String[] workloads) {

    /** Parses {@code args}, with the given defaults for what they leave out. */
    static TimingOptions parse(String[] args, int defaultRepeats, Algorithm defaultAlgorithm) {
        int repeats = defaultRepeats;
        Algorithm algorithm = defaultAlgorithm;
        int k = 0;
        while (k + 1 < args.length && args[k].startsWith("--")) {
            switch (args[k]) {
                case "--repeats" -> repeats = Integer.parseInt(args[k + 1]);
                case "--algorithm" -> algorithm = Algorithm.valueOf(args[k + 1].toUpperCase(Locale.ROOT).replace('-', '_'));
                default -> throw new IllegalArgumentException("unknown option " + args[k]);
            }
            k += 2;
        }
        return new TimingOptions(repeats, algorithm, Arrays.copyOfRange(args, k, args.length));
    }

    /** The median of {@code v} (the mean of the two middle values for an even count). */
    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }
}
