// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import io.convexlayers.batch.Lsqr;
import io.convexlayers.InvalidSettingsException;

/**
 * Settings of the derivative's LSQR fallback (Paige &amp; Saunders 1982).
 *
 * @param atol     relative tolerance on ‖Kᵀr‖/(‖K‖‖r‖) and on the error in K (default 1e-10)
 * @param btol     relative tolerance on ‖r‖/‖rhs‖ for compatible systems (default 1e-10)
 * @param conlim   stop when the condition estimate exceeds this (default 1e12)
 * @param maxIters iteration limit per lane (0: 4·cols, the default)
 * @param damp     Tikhonov damping λ: minimize ‖Kx − rhs‖² + λ²‖x‖² (default 0)
 */
public record LsqrSettings(double atol, double btol, double conlim, int maxIters, double damp) {

    public LsqrSettings {
        if (!(atol >= 0) || !(btol >= 0)) {
            throw new InvalidSettingsException("lsqr.atol/btol", atol + "/" + btol, "must be >= 0");
        }
        if (!(conlim > 1)) {
            throw new InvalidSettingsException("lsqr.conlim", conlim, "must be > 1");
        }
        if (maxIters < 0) {
            throw new InvalidSettingsException("lsqr.maxIters", maxIters, "must be >= 0 (0 = 4·columns)");
        }
        if (!(damp >= 0) || !Double.isFinite(damp)) {
            throw new InvalidSettingsException("lsqr.damp", damp, "must be a finite number >= 0");
        }
    }

    /** The documented defaults. */
    public static LsqrSettings defaults() {
        return new LsqrSettings(1e-10, 1e-10, 1e12, 0, 0);
    }

    public LsqrSettings withTolerance(double tol) {
        return new LsqrSettings(tol, tol, conlim, maxIters, damp);
    }

    public LsqrSettings withMaxIters(int iters) {
        return new LsqrSettings(atol, btol, conlim, iters, damp);
    }

    public LsqrSettings withDamp(double lambda) {
        return new LsqrSettings(atol, btol, conlim, maxIters, lambda);
    }

    /** The solver's stopping rules. */
    Lsqr.Limits limits() {
        return new Lsqr.Limits(atol, btol, conlim, maxIters, damp);
    }
}
