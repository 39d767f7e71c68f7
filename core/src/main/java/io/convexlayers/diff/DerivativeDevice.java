// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

/** Where one instance's derivative was computed ({@link DerivativeInfo#device}). */
public enum DerivativeDevice {
    /** On the CPU, in tiles over the worker threads. */
    CPU,
    /** On the CUDA device, the whole batch in lock-step (LSQR over device vectors). */
    CUDA
}
