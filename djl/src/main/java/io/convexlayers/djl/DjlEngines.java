// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.djl;

import ai.djl.engine.Engine;
import io.convexlayers.BackendUnavailableException;

/**
 * The DJL engine the adapter trains with: PyTorch, whose native library comes from a jar on the class
 * path (for example {@code ai.djl.pytorch:pytorch-native-cpu:2.7.1}, classifier {@code linux-x86_64})
 * rather than a download at run time. Where it cannot be loaded the error says what to add.
 */
public final class DjlEngines {
    /** DJL's name of the PyTorch engine. */
    public static final String PYTORCH = "PyTorch";

    private DjlEngines() {
    }

    /**
     * The PyTorch engine, loaded without network access: sets DJL's {@code ai.djl.offline} property
     * to {@code true} unless the application set it.
     *
     * @throws BackendUnavailableException when the engine or its native library is missing
     */
    public static Engine pytorch() {
        return named(PYTORCH);
    }

    /** The engine called {@code name}, loaded offline as {@link #pytorch()}. */
    static Engine named(String name) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        try {
            return Engine.getEngine(name);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new BackendUnavailableException("the DJL engine " + name + " cannot be loaded here (" + e
                    + "). convexlayers-djl trains with DJL's PyTorch engine and never downloads it: add its "
                    + "native library for this platform to the class path, e.g. the Maven dependency "
                    + "ai.djl.pytorch:pytorch-native-cpu:2.7.1 with classifier linux-x86_64 (README, "
                    + "\"Deep learning with DJL\")", e);
        }
    }
}
