// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.canon;

import io.convexlayers.dsl.Parameter;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The flattening of parameters into θ: the parameters in the problem's order
 * ({@link io.convexlayers.dsl.Problem#parameters()}: first appearance in the objective, then in the
 * constraints, depth first, left to right), each contributing its value in row-major order at a
 * contiguous offset.
 */
final class ParameterLayout {
    private final List<Parameter> order;
    private final Map<Parameter, Integer> offsets = new IdentityHashMap<>();
    private final int total;

    ParameterLayout(List<Parameter> order) {
        this.order = List.copyOf(order);
        int off = 0;
        for (Parameter p : order) {
            offsets.put(p, off);
            off += p.size();
        }
        this.total = off;
    }

    List<Parameter> order() {
        return order;
    }

    int offset(Parameter p) {
        Integer o = offsets.get(p);
        if (o == null) {
            throw new IllegalArgumentException("parameter " + p.name() + " is not part of this problem");
        }
        return o;
    }

    boolean contains(Parameter p) {
        return offsets.containsKey(p);
    }

    int total() {
        return total;
    }
}
