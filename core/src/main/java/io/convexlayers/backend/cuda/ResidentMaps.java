// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.solver.device.AffineMap;

/**
 * The parameter maps of the last parametric solve, kept on the device for the next one: a layer's maps
 * are the same objects from forward to forward (its {@code DataSharing} keeps them per pattern of batched
 * parameters), so a layer called again sends θ only. One set is kept; a solve with other maps gives the
 * old buffers back to the pool and uploads its own. Per map: CSR row starts, column indices (as the
 * caller lays them out) and values.
 */
final class ResidentMaps {
    private AffineMap[] keys;
    private BufferPool.Lease lease;
    private DeviceBuffer[][] buffers;

    /** How a map's column indices are laid out on the device (a varying part's are renumbered). */
    interface Columns {
        int[] of(AffineMap map);
    }

    /**
     * The device copies of {@code maps} (null entries stay null): those of the last call when it had the
     * same maps (by identity), else uploaded now.
     */
    DeviceBuffer[][] of(BufferPool pool, AffineMap[] maps, Columns columns) {
        if (keys != null && sameMaps(maps)) {
            return buffers;
        }
        release();
        BufferPool.Lease l = new BufferPool.Lease(pool);
        try {
            DeviceBuffer[][] b = new DeviceBuffer[maps.length][];
            for (int k = 0; k < maps.length; k++) {
                AffineMap map = maps[k];
                if (map != null) {
                    b[k] = new DeviceBuffer[] {l.upload(map.rowStart()), l.upload(columns.of(map)),
                            l.upload(map.values())};
                }
            }
            lease = l;
            buffers = b;
            keys = maps.clone();
            return b;
        } catch (RuntimeException | Error e) {
            l.close();
            throw e;
        }
    }

    private boolean sameMaps(AffineMap[] maps) {
        if (maps.length != keys.length) {
            return false;
        }
        for (int k = 0; k < maps.length; k++) {
            if (maps[k] != keys[k]) {
                return false;
            }
        }
        return true;
    }

    /** Gives the kept buffers back to the pool. */
    void release() {
        if (lease != null) {
            lease.close();
        }
        lease = null;
        keys = null;
        buffers = null;
    }

    /** Drops the kept buffers without giving them back: after a device reset they are gone already. */
    void forget() {
        lease = null;
        keys = null;
        buffers = null;
    }
}
