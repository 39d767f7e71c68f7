// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.ConvexLayersException;

/** Small dense helpers for the host side of the shared factorization. */
final class HostDense {
    private HostDense() {
    }

    /**
     * The inverse of the symmetric positive definite row-major n × n matrix {@code k} (overwritten
     * with its Cholesky factor), via K = LLᵀ and K⁻¹ = L⁻ᵀL⁻¹. Every inner product runs over
     * contiguous memory (L by rows, L⁻¹ kept transposed) and the independent rows or columns of each
     * phase run on the common fork-join pool; each entry is computed by the same sequential loop
     * whatever the threads, so the result does not depend on them. Measured for n = 1024 on 2 cores
     * (the shared path's cost at each scale change of the sparse QP): 1.13 s with strided column
     * access on one thread, 0.29 s now, the same bits.
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
            double dj = Math.sqrt(d);
            k[j * n + j] = dj;
            int col = j;
            rows(j + 1, n, i -> {
                double s = k[i * n + col];
                for (int q = 0; q < col; q++) {
                    s -= k[i * n + q] * k[col * n + q];
                }
                k[i * n + col] = s / dj;
            });
        }
        // Linv (lower triangular) stored transposed: linvT[c * n + i] = Linv[i][c], column c on its own.
        double[] linvT = new double[n * n];
        rows(0, n, c -> {
            linvT[c * n + c] = 1 / k[c * n + c];
            for (int i = c + 1; i < n; i++) {
                double s = 0;
                for (int q = c; q < i; q++) {
                    s -= k[i * n + q] * linvT[c * n + q];
                }
                linvT[c * n + i] = s / k[i * n + i];
            }
        });
        // K^-1 = Linv^T Linv: entry (i, j), j <= i, sums Linv[q][i] Linv[q][j] over q >= i.
        double[] inv = new double[n * n];
        rows(0, n, i -> {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int q = i; q < n; q++) {
                    s += linvT[i * n + q] * linvT[j * n + q];
                }
                inv[i * n + j] = s;
                inv[j * n + i] = s;
            }
        });
        return inv;
    }

    /** Runs {@code body} for every index in [from, to), in parallel when the range is large. */
    private static void rows(int from, int to, java.util.function.IntConsumer body) {
        if (to - from < PARALLEL_MIN) {
            for (int i = from; i < to; i++) {
                body.accept(i);
            }
        } else {
            java.util.stream.IntStream.range(from, to).parallel().forEach(body);
        }
    }

    /** Ranges shorter than this run on the calling thread (a fork-join round trip costs more). */
    private static final int PARALLEL_MIN = 64;
}
