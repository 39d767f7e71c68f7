// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cone;

import io.convexlayers.data.ConeDims;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registry: one block per family present, in row order, and a contract test per family. */
class ConeBlocksTest {
    /** Every family of {@link ConeDims}, each present. */
    static final ConeDims ALL = ConeDims.builder().zero(2).nonneg(3).soc(3, 1).psd(2).exp(2).dualExp(1)
            .power(0.3, -0.6).build();

    @Test
    void oneBlockPerFamilyInRowOrder() {
        List<ConeBlock> blocks = ConeBlocks.of(ALL, 4);
        List<Class<?>> types = new ArrayList<>();
        for (ConeBlock block : blocks) {
            types.add(block.getClass());
            assertEquals(4, block.lanes());
        }
        assertEquals(List.of(ZeroCone.class, NonnegCone.class, SecondOrderCone.class, PsdCone.class, ExpCone.class,
                ExpCone.class, PowerCone.class), types);
        int[] starts = {0, ALL.nonnegStart(), ALL.socStart(), ALL.psdStart(), ALL.expStart(), ALL.dualExpStart(),
            ALL.powerStart()};
        for (int k = 0; k < blocks.size(); k++) {
            assertEquals(starts[k], blocks.get(k).start(), "start of block " + k);
        }
        assertEquals(ALL.rows(), blocks.get(blocks.size() - 1).end());
        assertTrue(blocks.get(0).elementwise() && blocks.get(1).elementwise());
        for (int k = 2; k < blocks.size(); k++) {
            assertFalse(blocks.get(k).elementwise(), "block " + k);
        }
    }

    @Test
    void absentFamiliesHaveNoBlock() {
        ConeDims dims = ConeDims.builder().nonneg(4).power(0.5).build();
        List<ConeBlock> blocks = ConeBlocks.of(dims, 1);
        assertEquals(2, blocks.size());
        assertEquals(NonnegCone.class, blocks.get(0).getClass());
        assertEquals(PowerCone.class, blocks.get(1).getClass());
        assertEquals(4, blocks.get(1).start());
        assertTrue(ConeBlocks.of(ConeDims.builder().build(), 1).isEmpty());
    }

    @Test
    void coneBoundsAreTheFamiliesCones() {
        List<ConeBlock> blocks = ConeBlocks.of(ALL, 1);
        int s = ALL.socStart();
        assertEquals(List.of(s, s + 3, s + 4), boxed(blocks.get(2).coneBounds()));
        int p = ALL.psdStart();
        assertEquals(List.of(p, p + 3), boxed(blocks.get(3).coneBounds()));
        int e = ALL.expStart();
        assertEquals(List.of(e, e + 3, e + 6), boxed(blocks.get(4).coneBounds()));
        assertEquals(List.of(0, 1, 2), boxed(blocks.get(0).coneBounds()));
    }

    private static List<Integer> boxed(int[] a) {
        List<Integer> list = new ArrayList<>();
        for (int x : a) {
            list.add(x);
        }
        return list;
    }

    /** A family registered in {@link ConeBlocks} must appear in {@link #ALL} (and so be tested below). */
    @Test
    void allHoldsEveryRegisteredFamily() {
        assertEquals(ConeBlocks.FAMILIES.size(), ConeBlocks.of(ALL, 1).size());
    }

    /** Every family of {@link #ALL} needs its contract test, named after its class. */
    @Test
    void everyFamilyHasAContractTest() {
        for (ConeBlock block : ConeBlocks.of(ALL, 1)) {
            String name = block.getClass().getName() + "Test";
            Class<?> test;
            try {
                test = Class.forName(name);
            } catch (ClassNotFoundException e) {
                throw new AssertionError("no contract test " + name + " for " + block.getClass().getSimpleName(), e);
            }
            assertTrue(ConeContractTest.class.isAssignableFrom(test), name + " must extend ConeContractTest");
        }
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> ConeBlocks.of(null, 1));
        assertThrows(IllegalArgumentException.class, () -> ConeBlocks.of(ALL, 0));
    }
}
