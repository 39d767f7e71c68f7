// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.ConvexLayersException;

/** Small dense helpers for the host side of the shared factorization. */
final class HostDense {
    private HostDense() {
    }

    /**
     * The inverse of the symmetric positive definite row-major n × n matrix {@code k} (overwritten
     * with its Cholesky factor), via K = LLᵀ and K⁻¹ = L⁻ᵀL⁻¹.
     *
     * @throws ConvexLayersException when K is not numerically positive definite
     */
    static double[] spdInverse(double[] k, int n) {
        for (int j = 0; j < n; j++) {
            double d = k[j * n + j];
            for (int q = 0; q < j; q++) {
                d -= k[j * n + q] * k[j * n + q];
            }
            if (!(d > 0)) {
                throw new ConvexLayersException("reduced KKT matrix not positive definite at column " + j);
            }
            d = Math.sqrt(d);
            k[j * n + j] = d;
            for (int i = j + 1; i < n; i++) {
                double s = k[i * n + j];
                for (int q = 0; q < j; q++) {
                    s -= k[i * n + q] * k[j * n + q];
                }
                k[i * n + j] = s / d;
            }
        }
        // Linv (lower triangular), then K^-1 = Linv^T Linv.
        double[] linv = new double[n * n];
        for (int c = 0; c < n; c++) {
            linv[c * n + c] = 1 / k[c * n + c];
            for (int i = c + 1; i < n; i++) {
                double s = 0;
                for (int q = c; q < i; q++) {
                    s -= k[i * n + q] * linv[q * n + c];
                }
                linv[i * n + c] = s / k[i * n + i];
            }
        }
        double[] inv = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int q = i; q < n; q++) {
                    s += linv[q * n + i] * linv[q * n + j];
                }
                inv[i * n + j] = s;
                inv[j * n + i] = s;
            }
        }
        return inv;
    }
}
