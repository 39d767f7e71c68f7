// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ConeDimsBuilderTest {

    @Test
    void appendsInAnyOrderOfFamiliesGiveTheRowOrderedDescription() {
        ConeDims dims = ConeDims.builder().addPower(2, 0.3).addSoc(2, 3).addNonneg(4).addPsd(2).addZero(1)
                .addExp(1).addSoc(1, 5).addDualExp(2).addPower(1, -0.5).addPsd(3).addNonneg(1).addZero(2).build();
        assertEquals(new ConeDims(3, 5, new int[] {3, 3, 5}, new int[] {2, 3}, 1, 2, new double[] {0.3, 0.3, -0.5}),
                dims);
    }

    @Test
    void appendsExtendWhatSettersSet() {
        ConeDims dims = ConeDims.builder().soc(4).psd(2).power(0.4).zero(1).nonneg(2).exp(1).dualExp(1)
                .addSoc(1, 2).addPsd(1).addPower(1, 0.6).addZero(1).addNonneg(1).addExp(1).addDualExp(1).build();
        assertEquals(new ConeDims(2, 3, new int[] {4, 2}, new int[] {2, 1}, 2, 2, new double[] {0.4, 0.6}), dims);
    }

    @Test
    void manyAppendsStayInOrder() {
        ConeDims.Builder b = ConeDims.builder();
        for (int i = 1; i <= 1000; i++) {
            b.addSoc(1, i).addPower(1, 1.0 / (i + 1));
        }
        ConeDims dims = b.build();
        for (int i = 0; i < 1000; i++) {
            assertEquals(i + 1, dims.soc()[i]);
            assertEquals(1.0 / (i + 2), dims.power()[i]);
        }
    }
}
