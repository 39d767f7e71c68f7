// SPDX-License-Identifier: Apache-2.0
/**
 * The modeling language: expressions built from {@link io.convexlayers.dsl.Variable},
 * {@link io.convexlayers.dsl.Parameter} and {@link io.convexlayers.dsl.Constant} leaves with the
 * methods of {@link io.convexlayers.dsl.Expression} and the atoms of
 * {@link io.convexlayers.dsl.Atoms}; constraints; and {@link io.convexlayers.dsl.Problem}, which
 * checks the DCP and DPP rules (explaining violations) and solves; geometric programs (DGP) are
 * checked by the log-log rules and rewritten into logarithms ({@link io.convexlayers.dsl.LogLogForm}); the compiler and the layer sit
 * above this package and take a {@code Problem} as their input.
 *
 * <pre>{@code
 * import static io.convexlayers.dsl.Atoms.*;
 *
 * Variable  x = Variable.vector("x", n);
 * Parameter q = Parameter.vector("q", n);
 * Parameter G = Parameter.matrix("G", m, n);
 * Parameter h = Parameter.vector("h", m);
 * Problem problem = Problem.minimize(sumSquares(F.times(x)).times(0.5).plus(q.dot(x)),
 *                                    G.times(x).le(h));
 * q.setValue(q0); G.setValue(g0); h.setValue(h0);
 * ProblemSolution s = problem.solve();
 * s.value(x); s.objective(); s.status();
 * }</pre>
 *
 * Arrays are row-major everywhere (DESIGN §2).
 */
package io.convexlayers.dsl;
