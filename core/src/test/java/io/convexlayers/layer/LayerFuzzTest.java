// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.layer;

import io.convexlayers.testing.fuzz.FuzzConfig;
import io.convexlayers.testing.fuzz.FuzzReport;
import io.convexlayers.testing.fuzz.FuzzRunner;
import io.convexlayers.testing.fuzz.FuzzTarget;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeded fuzzing of the layer's inputs ({@link LayerScenario}): shapes, values with NaN and ±∞,
 * batch structure, settings and backward inputs. Every scenario must end in results (with
 * per-instance statuses) or a typed {@code ConvexLayersException}. An input is the scenario's seed;
 * a finding's report replays the scenario's choices. CI runs {@value #CI_INPUTS} scenarios
 * (capped at {@value #CI_SECONDS} s); {@code -Dfuzz.inputs} and {@code -Dfuzz.seconds} raise it.
 */
@Tag("fuzz")
class LayerFuzzTest {
    static final int CI_INPUTS = 4000;
    static final double CI_SECONDS = 30;

    /** The scenario of one seed, played. */
    static String play(long seed) {
        return new LayerScenario(seed).run();
    }

    @Test
    void layerInputs() {
        FuzzTarget target = new FuzzTarget() {
            @Override
            public byte[] input(Random random) {
                return ByteBuffer.allocate(Long.BYTES).putLong(random.nextLong()).array();
            }

            @Override
            public String run(byte[] input) {
                return play(ByteBuffer.wrap(input).getLong());
            }

            @Override
            public String describe(byte[] input) {
                // The choices are logged as the scenario plays; a finding may be a hang, so it is
                // replayed on a daemon thread for a few seconds and the log taken as far as it got.
                long seed = ByteBuffer.wrap(input).getLong();
                LayerScenario s = new LayerScenario(seed);
                Thread replay = new Thread(() -> {
                    try {
                        s.run();
                    } catch (RuntimeException | Error e) {
                        // only the log of the choices is wanted here
                    }
                }, "fuzz-layer-describe");
                replay.setDaemon(true);
                replay.start();
                try {
                    replay.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "scenario seed " + seed + ":\n" + s.log();
            }
        };
        FuzzReport report = FuzzRunner.run("layer", FuzzConfig.fromProperties(CI_INPUTS, CI_SECONDS), target);
        report.assertNoFindings();
        assertTrue(report.tried() > 0, report.summary());
    }
}
