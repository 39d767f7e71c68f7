package io.convexlayers.cone;

/** TEMPORARY stand-in (zero, nonneg, soc only) until the cones branch merges. */
public final class ConeProjector {
    private final ConeDims dims;
    private final int lanes;

    public ConeProjector(ConeDims dims, int lanes) {
        this.dims = dims;
        this.lanes = lanes;
    }

    public ConeDims dims() { return dims; }

    public int lanes() { return lanes; }

    public void projectDual(double[] v, int offset) {
        project(v, offset, false);
    }

    public void projectPrimal(double[] v, int offset) {
        project(v, offset, true);
    }

    private void project(double[] v, int offset, boolean primal) {
        if (primal) {
            for (int k = 0; k < dims.zero() * lanes; k++) v[offset + k] = 0;
        }
        for (int r = dims.nonnegStart(); r < dims.socStart(); r++)
            for (int l = 0; l < lanes; l++) v[offset + r * lanes + l] = Math.max(0, v[offset + r * lanes + l]);
        int r0 = dims.socStart();
        for (int q : dims.soc()) {
            for (int l = 0; l < lanes; l++) {
                double t = v[offset + r0 * lanes + l];
                double nx = 0;
                for (int i = 1; i < q; i++) { double z = v[offset + (r0 + i) * lanes + l]; nx += z * z; }
                nx = Math.sqrt(nx);
                if (nx <= t) continue;
                if (nx <= -t) { for (int i = 0; i < q; i++) v[offset + (r0 + i) * lanes + l] = 0; continue; }
                double a = 0.5 * (1 + t / nx);
                v[offset + r0 * lanes + l] = a * nx;
                for (int i = 1; i < q; i++) v[offset + (r0 + i) * lanes + l] *= a;
            }
            r0 += q;
        }
    }
}
