// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.batch;

/**
 * Whether the 8-lane loops run on SIMD registers, decided once per JVM. The vector implementation
 * uses the JDK's incubating Vector API (module {@code jdk.incubator.vector}), which a JVM offers only
 * when started with {@code --add-modules jdk.incubator.vector}; it is used when that module is
 * present, the processor has 256- or 512-bit vectors (an entry's eight lanes in two registers or one;
 * {@code -Dconvexlayers.simd.bits=256} picks the narrower where both run) and the system
 * property {@code convexlayers.simd} is not {@code false}. Otherwise the scalar loops run. Both give
 * the same bits, so this is a speed setting only.
 */
public final class LaneSimd {
    private static final String MODULE = "jdk.incubator.vector";
    private static final String IMPLEMENTATION = "io.convexlayers.batch.VectorLanes8Kernels";
    /** What this JVM offers: the kernels, or null and the reason. */
    private record Detection(Lanes8Kernels kernels, String reason) {
    }

    private static final Detection DETECTED = detect();
    private static final Lanes8Kernels AVAILABLE = DETECTED.kernels();
    private static volatile Lanes8Kernels active = AVAILABLE;

    private LaneSimd() {
    }

    /** The SIMD kernels for 8-lane tiles, or null when the scalar loops run. */
    public static Lanes8Kernels kernels() {
        return active;
    }

    /** Whether this JVM can run the SIMD kernels (see the class comment). */
    public static boolean available() {
        return AVAILABLE != null;
    }

    /**
     * Turns the SIMD kernels on (where {@link #available()}) or off, for comparisons in one process
     * (benchmarks, tests); results do not change. Solves already running may see either setting.
     */
    public static void setEnabled(boolean on) {
        active = on ? AVAILABLE : null;
    }

    /** One line for logs and the CLI: which loops run, and why not SIMD when not. */
    public static String description() {
        if (active != null) {
            return active.vectorBits() >= 512 ? "SIMD (Vector API, 512-bit) for 8-lane tiles"
                    : "SIMD (Vector API, 256-bit, two vectors per entry) for 8-lane tiles";
        }
        return AVAILABLE != null ? "scalar (SIMD turned off)" : "scalar (" + DETECTED.reason() + ")";
    }

    private static Detection detect() {
        if ("false".equalsIgnoreCase(System.getProperty("convexlayers.simd"))) {
            return new Detection(null, "-Dconvexlayers.simd=false");
        }
        if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
            return new Detection(null, "start the JVM with --add-modules " + MODULE + " for SIMD");
        }
        try {
            // Loaded by name so that no class referring to the incubating module is linked without it.
            Lanes8Kernels kernels = (Lanes8Kernels) Class.forName(IMPLEMENTATION).getConstructor().newInstance();
            LaneSimdWarmUp.start(kernels);
            return new Detection(kernels, null);
        } catch (java.lang.reflect.InvocationTargetException e) {
            return new Detection(null, e.getCause().getMessage()); // the implementation refuses this processor
        } catch (ReflectiveOperationException | LinkageError e) {
            return new Detection(null, "the Vector API could not be loaded: " + e);
        }
    }
}
