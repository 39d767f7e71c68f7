package io.convexlayers.diff;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

import java.util.Random;

/**
 * Dense mode of the derivative for small programs: forms each lane's square operator K (M or Mᵀ)
 * explicitly, one batched application per column, and returns pinv(K)·rhs, the minimum-norm
 * least-squares solution — the same one LSQR converges to from zero.
 *
 * <p>M is singular by construction: the residual map is positively homogeneous, so M·z = 0 for the
 * solution z = (x, y − s, 1) itself, and K has one null vector on each side (z, and one that two
 * triangular solves find). Instead of an SVD (≈ 20·N³ flops) the pseudo-inverse is applied exactly
 * with LU factors (≈ N³/3 each) of the bordered matrix K + a·bᵀ, nonsingular for a generic a or b:
 * the right-hand side is first projected onto the range of K (removing its left null vector), the
 * bordered system is solved, and the right null vector is removed from the solution. Where the
 * bordered matrix is singular too — a non-differentiable point, where M loses more rank — the SVD
 * pseudo-inverse is used.
 */
final class DenseSolve {
    private DenseSolve() {
    }

    /**
     * @param nullVector z per lane, batch-minor (size × lanes): M·z = 0
     * @param transposed whether {@code k} is Mᵀ (then z is its left null vector, else its right one)
     */
    static void solve(BatchOperator<double[]> k, int lanes, double[] rhs, double[] out, double[] nullVector,
                      boolean transposed) {
        int size = k.cols();
        double[][] mats = new double[lanes][size * size];
        double[] unit = new double[size * lanes];
        double[] col = new double[size * lanes];
        for (int j = 0; j < size; j++) {
            java.util.Arrays.fill(unit, j * lanes, (j + 1) * lanes, 1);
            k.apply(unit, col);
            java.util.Arrays.fill(unit, j * lanes, (j + 1) * lanes, 0);
            for (int i = 0; i < size; i++) {
                for (int l = 0; l < lanes; l++) {
                    mats[l][i * size + j] = col[i * lanes + l];
                }
            }
        }
        double[] w = genericDirection(size);
        double[] b = new double[size];
        double[] z = new double[size];
        double[] x = new double[size];
        for (int l = 0; l < lanes; l++) {
            for (int i = 0; i < size; i++) {
                b[i] = rhs[i * lanes + l];
                z[i] = nullVector[i * lanes + l];
            }
            if (!pseudoInverseByLu(mats[l], size, w, z, transposed, b, x)) {
                svdPseudoInverse(mats[l], size, b, x);
            }
            for (int i = 0; i < size; i++) {
                out[i * lanes + l] = x[i];
            }
        }
    }

    /** A fixed generic unit direction (the same for every call, so results are reproducible). */
    private static double[] genericDirection(int size) {
        Random rnd = new Random(0x5eed);
        double[] w = new double[size];
        double norm = 0;
        for (int i = 0; i < size; i++) {
            w[i] = rnd.nextGaussian();
            norm += w[i] * w[i];
        }
        norm = Math.sqrt(norm);
        for (int i = 0; i < size; i++) {
            w[i] /= norm;
        }
        return w;
    }

    private static void svdPseudoInverse(double[] a, int size, double[] b, double[] x) {
        LinearSolverDense<DMatrixRMaj> pinv = LinearSolverFactory_DDRM.pseudoInverse(true);
        DMatrixRMaj sol = new DMatrixRMaj(size, 1);
        if (!pinv.setA(new DMatrixRMaj(size, size, true, a))) {
            java.util.Arrays.fill(x, Double.NaN);
            return;
        }
        pinv.solve(new DMatrixRMaj(size, 1, true, b), sol);
        System.arraycopy(sol.data, 0, x, 0, size);
    }

    /**
     * x = pinv(K)·b through LU factors of the bordered K + s·u·vᵀ, where (u, v) = (w, z) for K = M
     * (z is K's right null vector) and (z, w) for K = Mᵀ (z is its left null vector). False when the
     * bordered matrix is numerically singular or the null space is not one-dimensional.
     */
    private static boolean pseudoInverseByLu(double[] a, int size, double[] w, double[] z, boolean transposed,
                                             double[] b, double[] x) {
        double fro = 0;
        for (double v : a) {
            fro += v * v;
        }
        double zz = dot(z, z);
        if (!(zz > 0) || !(fro > 0) || !Double.isFinite(fro)) {
            return false;
        }
        double s = Math.sqrt(fro / size / zz); // the rank-one term at the size of K's entries
        double[] u = transposed ? z : w;
        double[] v = transposed ? w : z;
        DMatrixRMaj bordered = new DMatrixRMaj(size, size);
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                bordered.data[i * size + j] = a[i * size + j] + s * u[i] * v[j];
            }
        }
        LinearSolverDense<DMatrixRMaj> lu = LinearSolverFactory_DDRM.lu(size);
        if (!lu.setA(bordered.copy())) {
            return false;
        }
        double[] left;
        double[] right;
        if (transposed) {
            left = z;
            right = solve(lu, z, size);        // (K + s·z·wᵀ)·r = s·z·(wᵀr)  ⇒  r ∝ K'⁻¹z
        } else {
            right = z;
            DMatrixRMaj bt = new DMatrixRMaj(size, size);
            CommonOps_DDRM.transpose(bordered, bt);
            LinearSolverDense<DMatrixRMaj> luT = LinearSolverFactory_DDRM.lu(size);
            if (!luT.setA(bt)) {
                return false;
            }
            left = solve(luT, z, size);       // (Kᵀ + s·z·wᵀ)·l = s·z·(wᵀl)  ⇒  l ∝ K'⁻ᵀz
        }
        if (left == null || right == null) {
            return false;
        }
        double[] proj = b.clone();
        removeComponent(proj, left);
        double[] sol = solve(lu, proj, size);
        if (sol == null) {
            return false;
        }
        removeComponent(sol, right);
        // Accept only when K·sol reproduces the projected right-hand side (one-dimensional null space).
        double res = 0;
        double pn = 0;
        double sn = 0;
        for (int i = 0; i < size; i++) {
            double r = -proj[i];
            for (int j = 0; j < size; j++) {
                r += a[i * size + j] * sol[j];
            }
            res += r * r;
            pn += proj[i] * proj[i];
            sn += sol[i] * sol[i];
        }
        if (!(Math.sqrt(res) <= 1e-9 * (Math.sqrt(fro) * Math.sqrt(sn) + Math.sqrt(pn)))) {
            return false;
        }
        System.arraycopy(sol, 0, x, 0, size);
        return true;
    }

    private static double[] solve(LinearSolverDense<DMatrixRMaj> lu, double[] rhs, int size) {
        DMatrixRMaj out = new DMatrixRMaj(size, 1);
        lu.solve(new DMatrixRMaj(size, 1, true, rhs), out);
        for (double d : out.data) {
            if (!Double.isFinite(d)) {
                return null;
            }
        }
        return out.data;
    }

    private static void removeComponent(double[] v, double[] dir) {
        double dd = dot(dir, dir);
        if (dd > 0) {
            double c = dot(dir, v) / dd;
            for (int i = 0; i < v.length; i++) {
                v[i] -= c * dir[i];
            }
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
