// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

/**
 * The quasi-definite KKT solve of DESIGN §4 for a whole chunk on the device, in reduced form
 * (ρ_x I + P̂ + Âᵀ diag(ρ_y)⁻¹ Â) x = r_x + Âᵀ(r_y ./ ρ_y), y = (Âx − r_y) ./ ρ_y. The weights ρ_y
 * live in a device buffer (m × lanes) owned by the caller, which has already written them when it
 * calls {@link #factor}.
 */
interface DeviceKkt {

    /**
     * (Re)factors for new weights; {@code rhoYHost} is the host copy of the device weights and
     * {@code changed} (null: all) the lanes whose weights changed, the only ones a per-lane factorization
     * needs to redo.
     */
    void factor(double rhoX, double[] rhoYHost, boolean[] changed);

    /**
     * Solves in place on the first n + m rows of {@code v}. {@code accurate} asks for a solve to full
     * precision (the cached g); otherwise an iterative method may stop at its inexact tolerance.
     */
    void solve(DeviceVector v, boolean accurate);

    /** True when one factorization (and so one ρ_y) serves every lane. */
    boolean sharedFactor();

    /** A short name for logs. */
    String name();

    /** out (n rows) = r_x + Âᵀ(r_y ./ ρ_y), the reduced right-hand side; tmpM holds m rows of scratch. */
    static void reducedRhs(Device dev, DeviceMatrices mat, DeviceBuffer rhoY, DeviceVector v, DeviceBuffer tmpM,
                           DeviceBuffer.Ptr out) {
        int nl = mat.n * mat.lanes;
        int ml = mat.m * mat.lanes;
        if (out.buffer() != v.buffer() || out.offset() != 0) {
            dev.copy(v.ptr(), out, nl);
        }
        dev.launch(CudaKernel.KKT_DIV_ROWS, ml, ml, v.row(mat.n), rhoY, tmpM);
        mat.mulAT(tmpM.ptr(), out, true);
    }

    /** y = (Âx − r_y) ./ ρ_y in the y rows of v, with x already in v's first n rows. */
    static void recoverY(Device dev, DeviceMatrices mat, DeviceBuffer rhoY, DeviceVector v, DeviceBuffer tmpM) {
        int ml = mat.m * mat.lanes;
        mat.mulA(v.ptr(), tmpM.ptr(), false);
        dev.launch(CudaKernel.KKT_RECOVER_Y, ml, ml, tmpM, rhoY, v.row(mat.n));
    }
}
