// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.testing;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

import java.io.PrintStream;

/**
 * Prints one console line per skipped test with the reason: {@code skipped: Class.method — reason}.
 * Surefire records the reasons only in its XML reports, so a run without a GPU used to show
 * "Skipped: 25" and nothing about why. Registered for the JUnit launcher through
 * {@code META-INF/services/org.junit.platform.launcher.TestExecutionListener} in the test resources.
 * Covers both kinds of skip: a disabled test or container ({@link #executionSkipped}) and a failed
 * assumption such as "no usable CUDA device", which JUnit reports as aborted.
 */
public final class SkipReasonListener implements TestExecutionListener {
    private final PrintStream out;

    /** A listener printing to standard output (the console surefire shows). */
    public SkipReasonListener() {
        this(System.out);
    }

    /** A listener printing to {@code out}. */
    public SkipReasonListener(PrintStream out) {
        this.out = out;
    }

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        out.println("skipped: " + name(test) + " — " + reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            String reason = result.getThrowable().map(Throwable::getMessage).orElse("aborted");
            out.println("skipped: " + name(test) + " — " + reason);
        }
    }

    /**
     * {@code Class.method} for a test method, followed by the invocation's display name for a
     * parameterized or repeated one; otherwise the display name.
     */
    static String name(TestIdentifier test) {
        String display = test.getDisplayName();
        return test.getSource()
                .filter(MethodSource.class::isInstance)
                .map(MethodSource.class::cast)
                .map(m -> simple(m.getClassName()) + "." + m.getMethodName()
                        + (display.startsWith(m.getMethodName() + "(") ? "" : " " + display))
                .orElse(display);
    }

    private static String simple(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
