// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.testing;

import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeProgram;
import java.util.List;

/** Batches assembled from separate programs, for tests. */
public final class ProgramBatches {
    private ProgramBatches() {
    }

    /**
     * Programs of one structure (the same cones and the same patterns of A and P) as a batch with
     * per-instance values.
     *
     * @throws IllegalArgumentException when a program's structure differs from the first's
     */
    public static BatchConeProgram perInstance(List<ConeProgram> programs) {
        int count = programs.size();
        ConeProgram first = programs.get(0);
        boolean withP = first.p() != null;
        double[][] a = new double[count][];
        double[][] p = new double[count][];
        double[][] b = new double[count][];
        double[][] c = new double[count][];
        for (int k = 0; k < count; k++) {
            ConeProgram q = programs.get(k);
            boolean samePattern = q.a().pattern().equals(first.a().pattern())
                    && (withP ? q.p() != null && q.p().pattern().equals(first.p().pattern()) : q.p() == null)
                    && q.cones().equals(first.cones());
            if (!samePattern) {
                throw new IllegalArgumentException("program " + k + " has another structure than program 0");
            }
            a[k] = q.a().values();
            p[k] = withP ? q.p().values() : null;
            b[k] = q.b();
            c[k] = q.c();
        }
        return new BatchConeProgram(withP ? first.p().pattern() : null, withP ? BatchArray.perInstance(p) : null,
                first.a().pattern(), BatchArray.perInstance(a), BatchArray.perInstance(b), BatchArray.perInstance(c),
                first.cones());
    }

    /** {@link #perInstance(List)} of an array. */
    public static BatchConeProgram perInstance(ConeProgram... programs) {
        return perInstance(List.of(programs));
    }

    /**
     * One LP (no P) as lanes whose c and b are multiplied by {@code costFactors[l]} and {@code rhsFactors[l]},
     * over one A: shared ({@link BatchArray#shared}) or repeated per instance.
     */
    public static BatchConeProgram scaledLanes(ConeProgram p, double[] costFactors, double[] rhsFactors,
                                               boolean sharedA) {
        int lanes = costFactors.length;
        double[][] b = new double[lanes][];
        double[][] c = new double[lanes][];
        double[][] a = new double[lanes][];
        for (int l = 0; l < lanes; l++) {
            double cf = costFactors[l];
            double bf = rhsFactors[l];
            c[l] = p.c().clone();
            b[l] = p.b().clone();
            java.util.Arrays.setAll(c[l], j -> p.c()[j] * cf);
            java.util.Arrays.setAll(b[l], i -> p.b()[i] * bf);
            a[l] = p.a().values();
        }
        return new BatchConeProgram(null, null, p.a().pattern(),
                sharedA ? BatchArray.shared(p.a().values(), lanes) : BatchArray.perInstance(a),
                BatchArray.perInstance(b), BatchArray.perInstance(c), p.cones());
    }
}
