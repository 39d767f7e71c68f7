// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cone;

import io.convexlayers.data.ConeDims;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** The dual-exponential block (s ∈ K_exp*): its primal projection is onto K_exp*, its dual onto K_exp. */
class DualExpConeTest extends ConeContractTest {

    @Override
    protected ConeDims dims() {
        return ConeDims.builder().dualExp(2).build();
    }

    @Override
    protected List<double[]> specialPoints(Random rng) {
        List<double[]> triples = ExpConeTest.specialTriples();
        List<double[]> list = new ArrayList<>();
        for (int i = 0; i < triples.size(); i++) {
            double[] a = triples.get(i);
            double[] b = triples.get((i + 11) % triples.size());
            list.add(new double[] {-a[0], -a[1], -a[2], b[0], b[1], b[2]});
        }
        return list;
    }

    @Override
    protected List<double[]> smoothPoints(Random rng) {
        List<double[]> triples = ExpConeTest.smoothTriples(rng);
        List<double[]> list = new ArrayList<>();
        for (int i = 0; i < triples.size(); i++) {
            double[] a = triples.get(i);
            double[] b = triples.get((i + 3) % triples.size());
            list.add(new double[] {-a[0], -a[1], -a[2], b[0], b[1], b[2]});
        }
        return list;
    }
}
