package io.convexlayers.bench;

/**
 * A solver under test. Every contender goes through this one interface: {@link #prepare} does the
 * untimed work (data layout conversions), the returned {@link Prepared} does the timed work.
 */
public interface Contender {
    /** Registry name, e.g. {@code convexlayers} or {@code ojalgo}. */
    String name();

    /** Null when this contender runs the workload, otherwise why not (shown in the report). */
    String unsupportedReason(QpBatch workload);

    /** Whether {@link Prepared#forwardBackward} computes gradients (a differentiable layer). */
    boolean differentiable();

    /** Converts the workload's data into this contender's layout (not timed). */
    Prepared prepare(QpBatch workload);

    /** A contender bound to one workload. */
    interface Prepared {
        /** Solves every instance; returns x per instance. */
        double[][] forward();

        /**
         * Solves every instance, then back-propagates the loss gradient {@code dx} (per instance);
         * returns dloss/dq per instance.
         *
         * @throws UnsupportedOperationException for forward-only contenders
         */
        double[][] forwardBackward(double[][] dx);
    }
}
