// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

/**
 * Which rule set an analysis uses. Under {@link #DCP} parameters count as constants (the problem
 * for one fixed parameter value); under {@link #DPP} parameters count as affine, and products are
 * restricted so that the compiled cone program's data is affine in the parameters.
 */
public enum Rules {
    DCP, DPP
}
