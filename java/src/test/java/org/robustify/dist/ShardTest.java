package org.robustify.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.robustify.data.Batch;
import org.robustify.data.BatchLoader;
import org.robustify.data.ImageDataset;
import org.robustify.runtime.RobustifyException;

/** The distributed sampler's arithmetic and the torchrun environment contract. */
class ShardTest {
    @Test
    void piecesAreContiguousDisjointAndCoverTheBatchWithWeightsSummingToOne() {
        for (int world = 1; world <= 5; world++) {
            for (int n = 0; n <= 23; n++) {
                int next = 0;
                double weights = 0;
                for (int r = 0; r < world; r++) {
                    Shard s = new Shard(r, world);
                    assertEquals(next, s.start(n), "start of rank " + r);
                    next += s.size(n);
                    weights += s.weight(n);
                    assertTrue(Math.abs(s.size(n) - n / (double) world) < 1, "balanced");
                }
                assertEquals(n, next, "cover");
                assertEquals(n == 0 ? 0 : 1, weights, 1e-12);
            }
        }
    }

    /** Two ranks' batches, side by side, are exactly one process's batches of twice the size, in order. */
    @Test
    void shardedLoaderSplitsTheSingleProcessBatches() {
        int n = 103;
        byte[] pixels = new byte[n * 4];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            pixels[i * 4] = (byte) i;
            labels[i] = i % 10;
        }
        List<String> classes = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        ImageDataset data = new ImageDataset("toy", pixels, labels, 2, 2, 1, classes);
        List<int[]> whole = indices(new BatchLoader(data, 20, true, 5, 3, false, 2, 0, Shard.WHOLE, null));
        List<int[]> r0 = indices(new BatchLoader(data, 10, true, 5, 3, false, 2, 0, new Shard(0, 2), null));
        List<int[]> r1 = indices(new BatchLoader(data, 10, true, 5, 3, false, 2, 0, new Shard(1, 2), null));
        assertEquals(whole.size(), r0.size());
        assertEquals(whole.size(), r1.size());
        for (int b = 0; b < whole.size(); b++) {
            int[] joined = new int[r0.get(b).length + r1.get(b).length];
            System.arraycopy(r0.get(b), 0, joined, 0, r0.get(b).length);
            System.arraycopy(r1.get(b), 0, joined, r0.get(b).length, r1.get(b).length);
            assertArrayEquals(whole.get(b), joined, "global batch " + b);
        }
        assertEquals(2, r0.get(5).length); // the short last batch of 3: 2 + 1
        assertEquals(1, r1.get(5).length);
        // A resumed rank starts at the same global batch.
        List<int[]> resumed = indices(new BatchLoader(data, 10, true, 5, 3, false, 2, 4, new Shard(1, 2), null));
        assertArrayEquals(r1.get(4), resumed.get(0));
    }

    private static List<int[]> indices(BatchLoader loader) {
        List<int[]> out = new ArrayList<>();
        try (loader) {
            for (Batch b : loader) {
                out.add(b.indices());
            }
        }
        return out;
    }

    @Test
    void environmentFollowsTorchrunConventions() {
        assertFalse(DistEnv.from(Map.of()).distributed());
        DistEnv env = DistEnv.from(Map.of("RANK", "1", "WORLD_SIZE", "4", "LOCAL_RANK", "1", "MASTER_ADDR",
                "10.0.0.2", "MASTER_PORT", "29500"));
        assertEquals(1, env.rank());
        assertEquals(4, env.worldSize());
        assertEquals("10.0.0.2", env.masterAddr());
        assertEquals(29500, env.masterPort());
        assertFalse(env.writes());
        assertEquals(DistEnv.DEFAULT_TIMEOUT_SECONDS, env.timeoutSeconds());
    }

    @Test
    void incompleteOrWrongEnvironmentIsRefusedByName() {
        assertMessage("MASTER_ADDR", Map.of("RANK", "0", "WORLD_SIZE", "2", "MASTER_PORT", "1234"));
        assertMessage("MASTER_PORT", Map.of("RANK", "0", "WORLD_SIZE", "2", "MASTER_ADDR", "h"));
        assertMessage("RANK is not set", Map.of("WORLD_SIZE", "2", "MASTER_ADDR", "h", "MASTER_PORT", "1"));
        assertMessage("RANK must be in 0..1", Map.of("RANK", "2", "WORLD_SIZE", "2", "MASTER_ADDR", "h",
                "MASTER_PORT", "1"));
        assertMessage("WORLD_SIZE must be an integer", Map.of("RANK", "0", "WORLD_SIZE", "two"));
        assertMessage("WORLD_SIZE is not", Map.of("RANK", "1"));
        assertMessage("ROBUSTIFY_DIST_TIMEOUT", Map.of("RANK", "0", "WORLD_SIZE", "2", "MASTER_ADDR", "h",
                "MASTER_PORT", "1", "ROBUSTIFY_DIST_TIMEOUT", "0"));
    }

    private static void assertMessage(String expected, Map<String, String> env) {
        RobustifyException e = assertThrows(RobustifyException.class, () -> DistEnv.from(env));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
