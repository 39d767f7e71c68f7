// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.layer;

import io.convexlayers.ConvexLayersException;
import io.convexlayers.solver.SolverStatus;

import java.util.Locale;

/**
 * Thrown by {@link ConvexLayer#forward} under {@link FailurePolicy#THROW} when some instances have
 * no solution. The message lists the failed instances with their statuses; {@link #result()}
 * still gives the whole batch's result (statuses, the solved instances' outputs).
 */
public class LayerSolveException extends ConvexLayersException {
    private static final int LISTED = 10;
    private final transient LayerResult result;
    private final int[] failed;

    LayerSolveException(LayerResult result) {
        super(message(result));
        this.result = result;
        this.failed = result.failedInstances();
    }

    private static String message(LayerResult r) {
        int[] failed = r.failedInstances();
        StringBuilder sb = new StringBuilder();
        sb.append(failed.length).append(" of ").append(r.batchSize())
                .append(r.batchSize() == 1 ? " instance has" : " instances have").append(" no solution: ");
        for (int k = 0; k < Math.min(LISTED, failed.length); k++) {
            if (k > 0) {
                sb.append(", ");
            }
            sb.append("instance ").append(failed[k]).append(' ').append(describe(r.status(failed[k])));
        }
        if (failed.length > LISTED) {
            sb.append(", … (").append(failed.length - LISTED).append(" more)");
        }
        sb.append(". Check these instances' parameter values, or build the layer with "
                + "failurePolicy(FailurePolicy.RETURN) to get per-instance statuses and zero gradients instead.");
        return sb.toString();
    }

    private static String describe(SolverStatus s) {
        String why = switch (s) {
            case INFEASIBLE, INFEASIBLE_INACCURATE -> "(the constraints cannot all hold)";
            case UNBOUNDED, UNBOUNDED_INACCURATE -> "(the objective is unbounded)";
            default -> "(the solver broke down)";
        };
        return s.name().toLowerCase(Locale.ROOT) + " " + why;
    }

    /** The instances without a solution, in increasing order. */
    public int[] failedInstances() {
        return failed.clone();
    }

    /** Status of instance {@code b}. */
    public SolverStatus status(int b) {
        return result.status(b);
    }

    /** The forward result of the whole batch. */
    public LayerResult result() {
        return result;
    }
}
