// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.testing;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ServiceLoader;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Skipped tests say why on the console: the listener, and its registration for surefire's launcher. */
class SkipReasonListenerTest {
    /** Run only through the launcher below (its class is not named *Test, so surefire skips it). */
    static class Skipping {
        @Test
        void needsAGpu() {
            Assumptions.assumeTrue(false, "no usable CUDA device: libcuda.so.1 not found");
        }

        @Test
        @Disabled("kept for the record")
        void disabled() {
        }
    }

    @Test
    void assumptionsAndDisabledTestsArePrintedWithTheirReason() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Launcher launcher = LauncherFactory.create(LauncherConfig.builder()
                .enableTestExecutionListenerAutoRegistration(false).build());
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(Skipping.class)).build();
        launcher.execute(request, new SkipReasonListener(new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("Skipping.needsAGpu — Assumption failed: no usable CUDA device: libcuda.so.1 not found"), out);
        assertTrue(out.contains("Skipping.disabled — kept for the record"), out);
    }

    @Test
    void theLauncherFindsTheListener() {
        boolean registered = ServiceLoader.load(org.junit.platform.launcher.TestExecutionListener.class).stream()
                .anyMatch(p -> p.type() == SkipReasonListener.class);
        assertTrue(registered, "META-INF/services registration missing");
    }
}
