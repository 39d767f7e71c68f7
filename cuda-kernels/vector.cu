// Element-wise and per-lane vector operations on batch-minor vectors.
#include "hsde.cuh"

// x[t] = value for t < total.
CL_KERNEL cl_fill(int total, double* x, double value) {
    CL_FOR(t, total) { x[t] = value; }
}

// x[t] = value for t < total (int buffers).
CL_KERNEL cl_fill_int(int total, int* x, int value) {
    CL_FOR(t, total) { x[t] = value; }
}

// out[l] = sum_i a[i*lanes+l] * b[i*lanes+l]; one warp per lane (launched over lanes * 32 threads).
CL_KERNEL cl_lane_dot(int lanes, int len, const double* a, const double* b, double* out) {
    CL_FOR_LANE_WARP(l, w, lanes) {
        double s = 0;
        for (int i = w; i < len; i += CL_WARP) {
            s += a[i * lanes + l] * b[i * lanes + l];
        }
        s = cl_warp_sum(s);
        if (w == 0) {
            out[l] = s;
        }
    }
}

// out[l] = || a_l - b_l ||_2; one warp per lane.
CL_KERNEL cl_lane_diff_norm(int lanes, int len, const double* a, const double* b, double* out) {
    CL_FOR_LANE_WARP(l, w, lanes) {
        double s = 0;
        for (int i = w; i < len; i += CL_WARP) {
            double r = a[i * lanes + l] - b[i * lanes + l];
            s += r * r;
        }
        s = cl_warp_sum(s);
        if (w == 0) {
            out[l] = sqrt(s);
        }
    }
}

// out[l] = max(out[l], max_i |a[i*lanes+l]|); one warp per lane. The largest entries of per-lane matrix
// values (batch-minor), for the certificates' matrix scale (ResidualStats.CERT_X_SCALE).
CL_KERNEL cl_lane_abs_max(int lanes, int len, const double* a, double* out) {
    CL_FOR_LANE_WARP(l, w, lanes) {
        double s = 0;
        for (int i = w; i < len; i += CL_WARP) {
            s = cl_max(s, fabs(a[i * lanes + l]));
        }
        s = cl_warp_max(s);
        if (w == 0) {
            out[l] = cl_max(out[l], s);
        }
    }
}

// v[t] *= alpha[t % lanes].
CL_KERNEL cl_lane_scale(int total, int lanes, double* v, const double* alpha) {
    CL_FOR(t, total) { v[t] *= alpha[t % lanes]; }
}

// y[t] = alpha[l] * x[t] + beta[l] * y[t], l = t % lanes.
CL_KERNEL cl_lane_axpby(int total, int lanes, const double* alpha, const double* x, const double* beta,
                        double* y) {
    CL_FOR(t, total) {
        int l = t % lanes;
        y[t] = alpha[l] * x[t] + beta[l] * y[t];
    }
}

// dst[t] = src[t] where mask[t % lanes] != 0.
CL_KERNEL cl_masked_copy(int total, int lanes, const int* mask, const double* src, double* dst) {
    CL_FOR(t, total) {
        if (mask[t % lanes] != 0) {
            dst[t] = src[t];
        }
    }
}

// v_l *= sqrt(len) / ||v_l||_2 (unchanged when the norm is zero or not finite): the norm and the scaling
// of a lane by one warp, in one launch.
CL_KERNEL cl_normalize(int lanes, int len, double* v) {
    CL_FOR_LANE_WARP(l, w, lanes) {
        cl_normalize_lane(lanes, len, l, w, v);
    }
}

// dst (len x k, batch-minor over k) = the columns laneIdx[0..k) of src (len x lanes): the finished lanes'
// iterates gathered so that only they are copied to the host.
CL_KERNEL cl_gather_lanes(int total, int lanes, int k, const int* laneIdx, const double* src, double* dst) {
    CL_FOR(t, total) {
        int i = t / k;
        int c = t % k;
        dst[t] = src[i * lanes + laneIdx[c]];
    }
}
