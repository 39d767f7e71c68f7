// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import java.util.List;

/**
 * A repeated sequence of device operations replayed as one unit (a CUDA graph on a real device): the
 * body of a solver iteration issues about a dozen small kernels, and on the machines measured each
 * launch costs the host 15–17 µs, more than most of the kernels run. {@link Device#replayable} records
 * what the body would launch, compares it with the recording held here and, when equal, launches the
 * instantiated graph with one call; otherwise it captures a new one. Owned by the code that repeats
 * the body; {@link #close} releases the device's graph.
 */
final class LaunchGraph implements AutoCloseable {
    private final Device device;
    private List<DeviceOp> ops;
    private Object graph;
    private boolean unsafe;
    private long captures;
    private long replays;

    LaunchGraph(Device device) {
        this.device = device;
    }

    List<DeviceOp> ops() {
        return ops;
    }

    Object graph() {
        return graph;
    }

    void set(List<DeviceOp> recorded, Object instantiated) {
        release();
        this.ops = recorded;
        this.graph = instantiated;
        captures++;
    }

    void replayed() {
        replays++;
    }

    /** The body transfers data to or from the host, so it can never be a graph: always run it eagerly. */
    void markUnsafe() {
        unsafe = true;
        release();
    }

    boolean unsafe() {
        return unsafe;
    }

    /** Graphs instantiated so far (one, unless the body's launches changed, e.g. after a scale change). */
    long captures() {
        return captures;
    }

    /** Times the body ran as one graph launch. */
    long replays() {
        return replays;
    }

    private void release() {
        if (graph != null) {
            device.destroyGraph(graph);
            graph = null;
        }
        ops = null;
    }

    @Override
    public void close() {
        release();
    }
}
