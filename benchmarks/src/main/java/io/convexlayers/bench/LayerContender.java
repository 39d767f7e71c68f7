package io.convexlayers.bench;

import io.convexlayers.dsl.Atoms;
import io.convexlayers.dsl.Attribute;
import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.Variable;
import io.convexlayers.layer.ConvexLayer;
import io.convexlayers.layer.Gradients;
import io.convexlayers.layer.LayerResult;
import io.convexlayers.solver.Polishing;
import io.convexlayers.solver.SolverSettings;

/**
 * convexlayers through its user-facing layer: {@code minimize ½·quadForm(x, P) + qᵀx s.t. Gx ≤ h}
 * with P (PSD), q, G and h as parameters, compiled once by {@link ConvexLayer#builder}; forward is
 * {@link ConvexLayer#forward}, backward {@link LayerResult#backward} (dloss/dq read from the
 * gradients). Includes everything the layer does per call: the parameter map, the PSD check of P,
 * the cone solve and the derivative.
 */
public final class LayerContender implements Contender {
    private final SolverSettings settings;

    /** The layer with the first-order method at {@link ConvexLayersContender#EPS}, unpolished (the JMH contender). */
    public LayerContender() {
        this(SolverSettings.defaults().withPolishing(Polishing.OFF).withEps(ConvexLayersContender.EPS)
                .withAlgorithm(io.convexlayers.solver.Algorithm.FIRST_ORDER));
    }

    /** The layer with these solver settings. */
    public LayerContender(SolverSettings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return "convexlayers-layer";
    }

    @Override
    public String unsupportedReason(QpBatch w) {
        if (!w.isQp() || w.mEq > 0 || w.p == null || w.p.length == 1 || w.g.length == 1) {
            return "layer contender covers the per-instance inequality QPs only";
        }
        return null;
    }

    @Override
    public boolean differentiable() {
        return true;
    }

    @Override
    public Prepared prepare(QpBatch w) {
        int n = w.n;
        int m = w.mIneq;
        Variable x = Variable.vector("x", n);
        Parameter p = Parameter.matrix("P", n, n, Attribute.PSD);
        Parameter q = Parameter.vector("q", n);
        Parameter g = Parameter.matrix("G", m, n);
        Parameter h = Parameter.vector("h", m);
        Problem problem = Problem.minimize(Atoms.quadForm(x, p).times(0.5).plus(q.dot(x)), g.times(x).le(h));
        ConvexLayer layer = ConvexLayer.builder(problem).parameters(p, q, g, h).outputs(x)
                .settings(settings).build();
        double[] pv = flatten(w.p);
        double[] qv = flatten(w.q);
        double[] gv = flatten(w.g);
        double[] hv = flatten(w.h);
        return new Prepared() {
            @Override
            public double[][] forward() {
                return unflatten(layer.forward(pv, qv, gv, hv).value(x), w.batch, n);
            }

            @Override
            public double[][] forwardBackward(double[][] dx) {
                LayerResult r = layer.forward(pv, qv, gv, hv);
                Gradients grads = r.backward(flatten(dx));
                return unflatten(grads.of(q), w.batch, n);
            }
        };
    }

    private static double[] flatten(double[][] rows) {
        int len = rows[0].length;
        double[] out = new double[rows.length * len];
        for (int k = 0; k < rows.length; k++) {
            System.arraycopy(rows[k], 0, out, k * len, len);
        }
        return out;
    }

    private static double[][] unflatten(double[] flat, int batch, int len) {
        double[][] out = new double[batch][len];
        for (int k = 0; k < batch; k++) {
            System.arraycopy(flat, k * len, out[k], 0, len);
        }
        return out;
    }
}
