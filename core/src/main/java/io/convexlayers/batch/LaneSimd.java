// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.batch;

/**
 * Whether the 8-lane loops run on SIMD registers, decided once per JVM. The vector implementation
 * uses the JDK's incubating Vector API (module {@code jdk.incubator.vector}), which a JVM offers only
 * when started with {@code --add-modules jdk.incubator.vector}; it is used when that module is
 * present, the processor has 512-bit vectors (eight doubles: one tile's lanes) and the system
 * property {@code convexlayers.simd} is not {@code false}. Otherwise the scalar loops run. Both give
 * the same bits, so this is a speed setting only.
 */
public final class LaneSimd {
    private static final String MODULE = "jdk.incubator.vector";
    private static final String IMPLEMENTATION = "io.convexlayers.batch.VectorLanes8Kernels";
    private static final String[] REASON = new String[1];
    private static final Lanes8Kernels AVAILABLE = load();
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
            return "SIMD (Vector API, 512-bit) for 8-lane tiles";
        }
        return AVAILABLE != null ? "scalar (SIMD turned off)" : "scalar (" + REASON[0] + ")";
    }

    private static Lanes8Kernels load() {
        if ("false".equalsIgnoreCase(System.getProperty("convexlayers.simd"))) {
            REASON[0] = "-Dconvexlayers.simd=false";
            return null;
        }
        if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
            REASON[0] = "start the JVM with --add-modules " + MODULE + " for SIMD";
            return null;
        }
        try {
            // Loaded by name so that no class referring to the incubating module is linked without it.
            Lanes8Kernels kernels = (Lanes8Kernels) Class.forName(IMPLEMENTATION).getConstructor().newInstance();
            LaneSimdWarmUp.start(kernels);
            return kernels;
        } catch (java.lang.reflect.InvocationTargetException e) {
            REASON[0] = e.getCause().getMessage(); // the implementation refuses this processor
            return null;
        } catch (ReflectiveOperationException | LinkageError e) {
            REASON[0] = "the Vector API could not be loaded: " + e;
            return null;
        }
    }
}
