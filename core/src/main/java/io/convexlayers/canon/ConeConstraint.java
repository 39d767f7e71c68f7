// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.canon;

import io.convexlayers.data.ConeDims;
import io.convexlayers.dsl.Constraint;

/**
 * One block of cone rows produced by canonicalization: an affine tensor whose rows must lie in a
 * cone (s = rows ∈ K). Rows are already in the solver's layout for the family: SOC cones as
 * (t, x) consecutive, PSD as svec of the symmetric part, exponential and power cones as
 * consecutive triples.
 *
 * @param kind      the cone family
 * @param rows      the affine rows
 * @param coneSize  SOC: entries per cone (all cones of the block are equal); PSD: the order k;
 *                  otherwise unused (0)
 * @param alpha     power cones: α of every triple of the block; otherwise 0
 * @param user      the user constraint whose dual these rows carry, or {@code null}
 */
record ConeConstraint(Kind kind, AffineTensor rows, int coneSize, double alpha, Constraint user) {

    /** Cone families, in the solver's row order (DESIGN §2). */
    enum Kind { ZERO, NONNEG, SOC, PSD, EXP, POWER }

    /** Appends this block's cones to the description of K. */
    void addCones(ConeDims.Builder cones) {
        int len = rows.length();
        switch (kind) {
            case ZERO -> cones.addZero(len);
            case NONNEG -> cones.addNonneg(len);
            case SOC -> cones.addSoc(len / coneSize, coneSize);
            case PSD -> cones.addPsd(coneSize);
            case EXP -> cones.addExp(len / 3);
            case POWER -> cones.addPower(len / 3, alpha);
        }
    }
}
