// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

/**
 * How a problem is compiled.
 *
 * @param nativeQuadratic       convex quadratic objective terms become the solver's P (default
 *                              {@code true}); {@code false} keeps the all-cone form (second-order
 *                              cones) for comparison
 * @param parametersAsConstants compile the parameters' current values as constants (the problem
 *                              for one θ; DCP suffices, DPP is not needed) instead of as entries
 *                              of θ (default {@code false})
 */
public record CompileOptions(boolean nativeQuadratic, boolean parametersAsConstants) {

    /** Native quadratic objective, parameters as θ. */
    public static CompileOptions defaults() {
        return new CompileOptions(true, false);
    }

    /** The all-cone form: quadratic objective terms as second-order cones. */
    public CompileOptions allCone() {
        return new CompileOptions(false, parametersAsConstants);
    }

    public CompileOptions withNativeQuadratic(boolean on) {
        return new CompileOptions(on, parametersAsConstants);
    }

    public CompileOptions withParametersAsConstants(boolean on) {
        return new CompileOptions(nativeQuadratic, on);
    }
}
