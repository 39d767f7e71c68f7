// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.io;

/**
 * How the data lines of an MPS or QPS file are split into fields.
 *
 * <p>Fixed MPS places the fields at columns 2–3, 5–12, 15–22, 25–36, 40–47 and 50–61; names may
 * contain spaces and may be blank (a blank RHS, RANGES or BOUNDS set name, as in NETLIB's
 * {@code blend.mps}). Free MPS separates fields by white space; names cannot contain spaces and a
 * missing set name is recognized from the number of fields.
 */
public enum MpsLayout {
    /**
     * Fixed when every data line of the file fits the fixed columns (blank separator columns, names
     * and numbers where each section expects them); free otherwise. The default.
     */
    AUTO,
    /** Always split at the fixed columns. */
    FIXED,
    /** Always split at white space. */
    FREE
}
