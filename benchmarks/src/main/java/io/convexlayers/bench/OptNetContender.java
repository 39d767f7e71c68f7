package io.convexlayers.bench;

/** The OptNet-style batched interior-point QP layer ({@link OptNetQp}) as a contender. */
public final class OptNetContender implements Contender {
    @Override
    public String name() {
        return "optnet";
    }

    @Override
    public String unsupportedReason(QpBatch w) {
        if (!w.isQp()) {
            return "QP layer only (no second-order cones)";
        }
        if (w.mEq > 0) {
            return "dense O(n³) per iteration: n = " + w.n + " with equalities is outside this baseline's design";
        }
        return null;
    }

    @Override
    public boolean differentiable() {
        return true;
    }

    @Override
    public Prepared prepare(QpBatch w) {
        return new Prepared() {
            private OptNetQp last;

            @Override
            public double[][] forward() {
                last = new OptNetQp(w.n, w.mIneq, w.p, w.q, w.g, w.h);
                return last.forward();
            }

            @Override
            public double[][] forwardBackward(double[][] dx) {
                forward();
                return last.backwardDq(dx);
            }
        };
    }
}
