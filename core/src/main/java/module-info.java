// SPDX-License-Identifier: Apache-2.0
/**
 * convexlayers: differentiable convex optimization layers. Exports the modeling language, the layer,
 * settings and statuses, cone-program data, backend selection and file reading; the solver's
 * algorithm, linear systems, cones, canonicalization and the backends' kernels are internal.
 */
module io.convexlayers {
    requires transitive ejml.core;
    requires ejml.ddense;
    requires jcuda;
    requires java.desktop; // the CLI's demo writes its loss curve as a PNG (javax.imageio)
    requires java.management; // the CLI reports the JIT compilation time during a solve
    // SIMD lane loops (batch.VectorLanes8Kernels), used only when the JVM is started with
    // --add-modules jdk.incubator.vector; absent otherwise, and then never loaded.
    requires static jdk.incubator.vector;

    exports io.convexlayers;
    exports io.convexlayers.data;
    exports io.convexlayers.solver;
    exports io.convexlayers.diff;
    exports io.convexlayers.backend;
    exports io.convexlayers.dsl;
    exports io.convexlayers.layer;
    exports io.convexlayers.io;

    uses io.convexlayers.dsl.ProblemSolver;
    provides io.convexlayers.dsl.ProblemSolver with io.convexlayers.layer.CompilingProblemSolver;
}
