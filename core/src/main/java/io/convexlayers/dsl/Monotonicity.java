// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

/** How an atom varies with one of its arguments (given the argument's sign). */
public enum Monotonicity {
    INCREASING, DECREASING, NONE
}
