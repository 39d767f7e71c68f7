// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cone;

/**
 * The CPU's per-cone numerics opened to tests in other packages: the CUDA kernels' twins in
 * {@code backend.cuda} call these, since the device functions are ports of exactly this code (one
 * algorithm per cone on both backends), and the host check of the CUDA sources compares with them.
 */
public final class CpuConeFunctions {
    private CpuConeFunctions() {
    }

    /** Π_{K_exp}(x, y, z) into out[0..2]. */
    public static void projectExp(double x, double y, double z, double[] out) {
        out[0] = x;
        out[1] = y;
        out[2] = z;
        ExpCone.projectInPlace(out, 0, 1, 2);
    }

    /** DΠ_{K_exp}(x, y, z), row-major 3×3, into jac[0..8]. */
    public static void expJacobian(double x, double y, double z, double[] jac) {
        ExpCone.jacobian(x, y, z, new double[6], jac, 0, 1);
    }

    /**
     * Eigendecomposition of the symmetric k×k matrix {@code a} (row-major, lower triangle read):
     * ascending eigenvalues into {@code values}, eigenvector i as row i of {@code vectorRows}.
     */
    public static void eigen(double[] a, int k, double[] values, double[] vectorRows) {
        SymmetricEigen eig = new SymmetricEigen(k);
        eig.decompose(a, k);
        System.arraycopy(eig.valuesArray(), 0, values, 0, k);
        System.arraycopy(eig.vectorsArray(), 0, vectorRows, 0, k * k);
    }

    /** Π onto the PSD cone of order k of the svec {@code v[0 ..)}, in place. */
    public static void projectPsd(double[] v, int k) {
        PsdCone.project(v, 0, k, new PsdCone.Workspace(k));
    }

    /** DΠ_{K_exp*}(x, y, z) = I − DΠ_{K_exp}(−x, −y, −z), row-major 3×3, into jac[0..8]. */
    public static void expDualJacobian(double x, double y, double z, double[] jac) {
        ExpCone.jacobianDual(x, y, z, new double[6], jac, 0, 1);
    }

    /** Π_{K_exp*}(x, y, z) into out[0..2]. */
    public static void projectExpDual(double x, double y, double z, double[] out) {
        out[0] = x;
        out[1] = y;
        out[2] = z;
        ExpCone.projectDualInPlace(out, 0, 1, 2);
    }

    /** The directional derivative of the PSD projection of order k at svec v applied to svec d. */
    public static double[] psdDerivative(double[] v, double[] d, int k) {
        PsdCone.Workspace ws = new PsdCone.Workspace(k);
        double[] values = new double[k];
        double[] vectors = new double[k * k];
        PsdCone.linearize(v, 0, k, 1, ws, values, 0, vectors, 0);
        double[] out = new double[d.length];
        PsdCone.applyDerivative(values, 0, vectors, 0, k, 1, d, 0, out, 0, ws);
        return out;
    }

    /** Π_{K_α}(x, y, z) into out[0..2], 0 &lt; α &lt; 1. */
    public static void projectPow(double x, double y, double z, double alpha, double[] out) {
        out[0] = x;
        out[1] = y;
        out[2] = z;
        PowerCone.projectInPlace(out, 0, 1, 2, alpha);
    }

    /** DΠ_{K_α}(x, y, z), row-major 3×3, into jac[0..8], 0 &lt; α &lt; 1. */
    public static void powJacobian(double x, double y, double z, double alpha, double[] jac) {
        PowerCone.jacobian(x, y, z, alpha, new double[3], jac, 0, 1);
    }
}
