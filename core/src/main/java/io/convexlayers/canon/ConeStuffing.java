// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.canon;

import io.convexlayers.data.ConeDims;
import io.convexlayers.dsl.Constraint;
import io.convexlayers.dsl.Shape;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Step 2 of compilation: lays out the cone constraints as rows of A and b in the solver's cone
 * order (zero, nonnegative, SOC, PSD, exponential, power; creation order within a family), turns
 * each block s = F·x + g ∈ K into A = −F, b = g, and splits the objective tensor into c and the
 * offset. Produces coordinate entries for {@link TensorAssembly}, the cone dimensions and the
 * row ranges of the user constraints.
 */
final class ConeStuffing {
    private ConeStuffing() {
    }

    /** The stuffed, still unsorted cone program. */
    static final class Stuffed {
        final TensorAssembly.Coo a = new TensorAssembly.Coo();
        final TensorAssembly.Coo b = new TensorAssembly.Coo();
        final TensorAssembly.Coo c = new TensorAssembly.Coo();
        final TensorAssembly.Coo offset = new TensorAssembly.Coo();
        final TensorAssembly.Coo p = new TensorAssembly.Coo();
        final Map<Constraint, ConstraintDual> duals = new LinkedHashMap<>();
        ConeDims cones;
        int m;
    }

    static Stuffed stuff(List<ConeConstraint> constraints, AffineTensor objective, QuadraticTerms quadratic,
                         int thetaLength, List<Constraint> userOrder) {
        Stuffed out = new Stuffed();
        int cst = thetaLength;
        int row = 0;
        ConeDims.Builder cones = ConeDims.builder();
        IdentityHashMap<Constraint, ConstraintDual> duals = new IdentityHashMap<>();
        for (ConeConstraint.Kind kind : ConeConstraint.Kind.values()) {
            for (ConeConstraint con : constraints) {
                if (con.kind() != kind) {
                    continue;
                }
                AffineTensor t = con.rows();
                int len = t.length();
                for (int k = 0; k < t.count(); k++) {
                    int s = t.slot(k) == AffineTensor.CONST ? cst : t.slot(k);
                    if (t.col(k) == AffineTensor.CONST) {
                        out.b.add(row + t.row(k), 0, s, t.val(k));
                    } else {
                        out.a.add(row + t.row(k), t.col(k), s, -t.val(k));
                    }
                }
                con.addCones(cones);
                if (con.user() != null) {
                    Constraint u = con.user();
                    boolean isPsd = kind == ConeConstraint.Kind.PSD;
                    Shape shape = isPsd ? Shape.matrix(con.coneSize(), con.coneSize()) : u.dualShape();
                    ConstraintDual.Transform transform = isPsd ? ConstraintDual.Transform.SVEC_TO_MATRIX
                            : kind == ConeConstraint.Kind.ZERO ? ConstraintDual.Transform.NEGATED
                            : ConstraintDual.Transform.IDENTITY;
                    duals.put(u, new ConstraintDual(u, row, len, transform, shape));
                }
                row += len;
            }
        }
        for (Constraint u : userOrder) {
            out.duals.put(u, duals.get(u));
        }
        out.m = row;
        out.cones = cones.build();
        for (int k = 0; k < objective.count(); k++) {
            int s = objective.slot(k) == AffineTensor.CONST ? cst : objective.slot(k);
            if (objective.col(k) == AffineTensor.CONST) {
                out.offset.add(0, 0, s, objective.val(k));
            } else {
                out.c.add(objective.col(k), 0, s, objective.val(k));
            }
        }
        for (int k = 0; k < quadratic.count(); k++) {
            int s = quadratic.slot(k) == AffineTensor.CONST ? cst : quadratic.slot(k);
            out.p.add(quadratic.row(k), quadratic.col(k), s, quadratic.val(k));
        }
        return out;
    }
}
