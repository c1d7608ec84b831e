package org.robustify.tradeoff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.robustify.data.ImageDataset;
import org.robustify.runtime.RobustifyException;

class TradeoffDataTest {
    /** n 2x2 images; image i's pixels all hold i and its label is i % 3, so every row is identifiable. */
    private static ImageDataset numbered(int n) {
        byte[] px = new byte[n * 4];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            Arrays.fill(px, i * 4, i * 4 + 4, (byte) i);
            labels[i] = i % 3;
        }
        return new ImageDataset("n", px, labels, 2, 2, 1, List.of("a", "b", "c"));
    }

    private static List<Integer> ids(ImageDataset d) {
        List<Integer> out = new ArrayList<>();
        for (int j = 0; j < d.size(); j++) {
            int id = d.pixels()[j * 4] & 0xff;
            assertEquals(id % 3, d.labels()[j], "label travels with its image");
            out.add(id);
        }
        return out;
    }

    @Test
    void theHoldOutIsDisjointFromTrainingAndCoversTheSplit() {
        ImageDataset d = numbered(200);
        TradeoffData.Split s = TradeoffData.holdOut(d, 0.1, 7);
        List<Integer> train = ids(s.rest());
        List<Integer> val = ids(s.held());
        assertEquals(20, val.size());
        assertEquals(180, train.size());
        assertEquals(Arrays.stream(s.heldIndices()).boxed().toList(), val, "validation rows are the held indices");
        for (int v : val) {
            assertFalse(train.contains(v), "image " + v + " is in both training and validation");
        }
        List<Integer> all = new ArrayList<>(train);
        all.addAll(val);
        all.sort(null);
        for (int i = 0; i < 200; i++) {
            assertEquals(i, all.get(i), "every image lands in exactly one side");
        }
        assertEquals(train.stream().sorted().toList(), train, "training keeps the original order");
        // Random, not a block at either end, and a pure function of the seed.
        assertTrue(val.get(0) < 180 && val.get(val.size() - 1) >= 20, val.toString());
        assertArrayEquals(s.heldIndices(), TradeoffData.holdOut(d, 0.1, 7).heldIndices());
        assertFalse(Arrays.equals(s.heldIndices(), TradeoffData.holdOut(d, 0.1, 8).heldIndices()));
    }

    @Test
    void fractionsThatLeaveASideEmptyAreRefused() {
        ImageDataset d = numbered(10);
        assertEquals(0, TradeoffData.holdOut(d, 0, 0).held().size());
        assertEquals(10, TradeoffData.holdOut(d, 0, 0).rest().size());
        RobustifyException all = assertThrows(RobustifyException.class, () -> TradeoffData.holdOut(d, 0.99, 0));
        assertTrue(all.getMessage().contains("--val-fraction"), all.getMessage());
        assertThrows(RobustifyException.class, () -> TradeoffData.holdOut(d, 0.01, 0));
    }
}
