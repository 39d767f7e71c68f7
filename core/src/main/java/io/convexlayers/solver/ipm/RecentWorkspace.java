// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

import io.convexlayers.data.BatchConeProgram;

/**
 * Per thread, the workspaces of the last small solve — the single-instance one
 * ({@link InteriorPointMethod}) and the lock-step tile's ({@link TileInteriorPointMethod}), each with
 * its {@link IpmLayout} — handed to the next solve of the same structure. A layer that solves one
 * instance, or a few tiles, per call (the same A and P patterns every time) then skips rebuilding the
 * layout and the workspaces: about 8% of a 10-variable QP's single solve, and about a fifth of a
 * 16-instance batch's. A worker takes a workspace for a tile and keeps it again afterwards, so a solve
 * started from inside another (an iteration listener's) builds its own. Results do not depend on it:
 * one workspace already serves every instance or tile a worker solves.
 */
final class RecentWorkspace {
    /**
     * Larger structures (n + m) are not kept: their workspace — a dense Newton system of order up to
     * n, about 1.3 MB at this bound for one instance, eight times that for a tile — would stay
     * allocated in every thread that solved one, while rebuilding it is a share of the solve only for
     * small instances.
     */
    static final int MAX_ORDER = 400;
    private static final ThreadLocal<InteriorPointMethod> RECENT = new ThreadLocal<>();
    private static final ThreadLocal<TileInteriorPointMethod> RECENT_TILE = new ThreadLocal<>();

    private RecentWorkspace() {
    }

    /**
     * This thread's kept workspace when it was built for {@code batch}'s structure (the same pattern
     * objects, cones and Newton system); null otherwise. The caller owns it until {@link #keep}.
     */
    static InteriorPointMethod take(BatchConeProgram batch, NewtonSystemChoice newton) {
        return takeIf(RECENT, method -> builtFor(method.layout(), batch, newton));
    }

    /** Keeps {@code method} for this thread's next solve, when its structure is small enough. */
    static void keep(InteriorPointMethod method) {
        if (small(method.layout())) {
            RECENT.set(method);
        }
    }

    /**
     * This thread's kept tile workspace when it was built for {@code batch}'s structure and tiles of
     * {@code lanes}; null otherwise. The caller owns it until {@link #keep(TileInteriorPointMethod)}.
     */
    static TileInteriorPointMethod takeTile(BatchConeProgram batch, NewtonSystemChoice newton, int lanes) {
        return takeIf(RECENT_TILE, method -> method.lanes() == lanes && builtFor(method.layout(), batch, newton));
    }

    /** The slot's workspace, taken out of it, when there is one and it fits; null otherwise (left in place). */
    private static <T> T takeIf(ThreadLocal<T> slot, java.util.function.Predicate<T> fits) {
        T kept = slot.get();
        if (kept == null || !fits.test(kept)) {
            return null;
        }
        slot.remove();
        return kept;
    }

    /** Keeps {@code method} for this thread's next tile, when its structure is small enough. */
    static void keep(TileInteriorPointMethod method) {
        if (small(method.layout())) {
            RECENT_TILE.set(method);
        }
    }

    /**
     * The layout of a workspace this thread keeps for {@code batch}'s structure (left in place), or
     * null: a solve's workers share one layout, and a kept one spares building it.
     */
    static IpmLayout keptLayout(BatchConeProgram batch, NewtonSystemChoice newton) {
        InteriorPointMethod method = RECENT.get();
        if (method != null && builtFor(method.layout(), batch, newton)) {
            return method.layout();
        }
        TileInteriorPointMethod tile = RECENT_TILE.get();
        return tile != null && builtFor(tile.layout(), batch, newton) ? tile.layout() : null;
    }

    private static boolean builtFor(IpmLayout layout, BatchConeProgram batch, NewtonSystemChoice newton) {
        return layout.aPattern == batch.aPattern() && layout.pPattern == batch.pPattern() && layout.newton == newton
                && layout.n == batch.n() && layout.m == batch.m() && layout.cones.equals(batch.cones());
    }

    /** Whether workspaces of this structure are kept across solves (n + m ≤ {@value #MAX_ORDER}). */
    static boolean keeps(IpmLayout layout) {
        return small(layout);
    }

    private static boolean small(IpmLayout layout) {
        return layout.n + (long) layout.m <= MAX_ORDER;
    }
}
