// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

import io.convexlayers.data.BatchConeProgram;

/**
 * Per thread, the single-instance workspace ({@link InteriorPointMethod} with its {@link IpmLayout})
 * of the last small solve, handed to the next solve of the same structure: a layer that solves one
 * instance per call (the same A and P patterns every time) then skips rebuilding the layout and the
 * workspace, about 8% of a 10-variable QP's solve. The workspace is taken out while a solve uses it,
 * so a solve started from inside another (an iteration listener's) builds its own. Results do not
 * depend on it: one workspace already serves every instance a worker solves.
 */
final class RecentWorkspace {
    /**
     * Larger structures (n + m) are not kept: their workspace — a dense Newton system of order up to
     * n, about 1.3 MB at this bound — would stay allocated in every thread that solved one, while
     * rebuilding it is a share of the solve only for small instances.
     */
    static final int MAX_ORDER = 400;
    private static final ThreadLocal<InteriorPointMethod> RECENT = new ThreadLocal<>();

    private RecentWorkspace() {
    }

    /**
     * This thread's kept workspace when it was built for {@code batch}'s structure (the same pattern
     * objects, cones and Newton system); null otherwise. The caller owns it until {@link #keep}.
     */
    static InteriorPointMethod take(BatchConeProgram batch, NewtonSystemChoice newton) {
        InteriorPointMethod method = RECENT.get();
        if (method == null) {
            return null;
        }
        IpmLayout layout = method.layout();
        if (layout.aPattern != batch.aPattern() || layout.pPattern != batch.pPattern() || layout.newton != newton
                || layout.n != batch.n() || layout.m != batch.m() || !layout.cones.equals(batch.cones())) {
            return null;
        }
        RECENT.remove();
        return method;
    }

    /** Keeps {@code method} for this thread's next solve, when its structure is small enough. */
    static void keep(InteriorPointMethod method) {
        IpmLayout layout = method.layout();
        if (layout.n + (long) layout.m <= MAX_ORDER) {
            RECENT.set(method);
        }
    }
}
