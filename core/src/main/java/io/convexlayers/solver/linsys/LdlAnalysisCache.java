// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

import io.convexlayers.data.SparsePattern;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small least-recently-used cache of {@link LdlAnalysis} by KKT structure (the patterns of A and
 * P, compared by content), so that the tiles of one batch share one ordering and symbolic
 * factorization instead of each computing its own. Thread-safe; the analyses are immutable.
 */
final class LdlAnalysisCache {
    private static final int CAPACITY = 8;

    private record Key(SparsePattern a, SparsePattern p) {
    }

    private static final Map<Key, LdlAnalysis> CACHE = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, LdlAnalysis> eldest) {
            return size() > CAPACITY;
        }
    };

    private LdlAnalysisCache() {
    }

    static LdlAnalysis get(TileMatrices mats) {
        Key key = new Key(mats.aPattern(), mats.pPattern());
        synchronized (CACHE) {
            LdlAnalysis cached = CACHE.get(key);
            if (cached != null) {
                return cached;
            }
        }
        LdlAnalysis fresh = LdlAnalysis.of(mats);
        synchronized (CACHE) {
            CACHE.putIfAbsent(key, fresh);
            return CACHE.get(key);
        }
    }
}
