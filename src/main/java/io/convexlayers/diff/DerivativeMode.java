package io.convexlayers.diff;

/** How the derivative's linear system M·dz = r (or Mᵀ) is solved. */
public enum DerivativeMode {
    /** DENSE when n + m + 1 is at most {@link DerivativeSettings#denseThreshold()}, else LSQR. */
    AUTO,
    /** Matrix-free batched LSQR. */
    LSQR,
    /** Form M per instance and solve by LU (least squares by QR when M is singular). */
    DENSE
}
