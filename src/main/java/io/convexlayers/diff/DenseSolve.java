package io.convexlayers.diff;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * Dense mode of the derivative for small programs: forms each lane's square operator K explicitly
 * (one batched application per column) and solves K·out = rhs with the SVD pseudo-inverse. M always
 * has the ray of the solution in its null space and the systems the derivative poses are consistent,
 * so the minimum-norm solution gives the derivative; at non-differentiable points it is the
 * least-squares heuristic LSQR also follows.
 */
final class DenseSolve {
    private DenseSolve() {
    }

    static void solve(BatchOperator<double[]> k, int lanes, double[] rhs, double[] out) {
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
        DMatrixRMaj b = new DMatrixRMaj(size, 1);
        DMatrixRMaj x = new DMatrixRMaj(size, 1);
        for (int l = 0; l < lanes; l++) {
            for (int i = 0; i < size; i++) {
                b.data[i] = rhs[i * lanes + l];
            }
            DMatrixRMaj a = new DMatrixRMaj(size, size, true, mats[l]);
            // M is singular by construction (the residual map is positively homogeneous, so M·z = 0),
            // and may have further small singular values: the SVD pseudo-inverse gives the
            // minimum-norm solution, the same one LSQR converges to from zero.
            LinearSolverDense<DMatrixRMaj> pinv = LinearSolverFactory_DDRM.pseudoInverse(true);
            if (!pinv.setA(a)) {
                java.util.Arrays.fill(x.data, Double.NaN);
            } else {
                pinv.solve(b, x);
            }
            for (int i = 0; i < size; i++) {
                out[i * lanes + l] = x.data[i];
            }
        }
    }
}
