package org.robustify.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.robustify.runtime.RobustifyException;

class BatchLoaderTest {
    /** 103 images of 2x2x1 whose pixels encode their index, labels = index % 10. */
    static ImageDataset indexed(int n) {
        byte[] pixels = new byte[n * 4];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            Arrays.fill(pixels, i * 4, i * 4 + 4, (byte) i);
            labels[i] = i % 10;
        }
        return new ImageDataset("indexed", pixels, labels, 2, 2, 1, FashionMnist.CLASSES);
    }

    static List<Integer> order(BatchLoader loader) {
        List<Integer> seen = new ArrayList<>();
        for (Batch b : loader) {
            for (int i = 0; i < b.size(); i++) {
                int idx = b.indices()[i];
                seen.add(idx);
                assertEquals((byte) idx, b.pixels()[i * 4], "pixels follow their index");
                assertEquals(idx % 10, b.labels()[i]);
            }
        }
        return seen;
    }

    @Test
    void sameSeedAndEpochGiveTheSameOrder() {
        ImageDataset data = indexed(103);
        try (BatchLoader a = new BatchLoader(data, 10, true, 5, 0, false, 2);
                BatchLoader b = new BatchLoader(data, 7, true, 5, 0, false, 1)) {
            assertEquals(order(a), order(b), "order must not depend on batch size or prefetch");
        }
    }

    @Test
    void epochsAndSeedsPermuteDifferently() {
        assertFalse(Arrays.equals(BatchLoader.permutation(1000, 1, 0), BatchLoader.permutation(1000, 1, 1)));
        assertFalse(Arrays.equals(BatchLoader.permutation(1000, 1, 0), BatchLoader.permutation(1000, 2, 0)));
    }

    @Test
    void everyImageOncePerEpoch() {
        ImageDataset data = indexed(103);
        try (BatchLoader loader = new BatchLoader(data, 10, true, 9, 3, false, 3)) {
            assertEquals(11, loader.batchesPerEpoch());
            List<Integer> seen = order(loader);
            int[] sorted = seen.stream().mapToInt(Integer::intValue).sorted().toArray();
            assertArrayEquals(IntStream.range(0, 103).toArray(), sorted);
        }
    }

    @Test
    void dropLastSkipsThePartialBatch() {
        try (BatchLoader loader = new BatchLoader(indexed(103), 10, false, 0, 0, true, 2)) {
            assertEquals(10, loader.batchesPerEpoch());
            assertEquals(100, order(loader).size());
        }
    }

    @Test
    void closingEarlyDoesNotHang() {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            try (BatchLoader loader = new BatchLoader(indexed(1000), 1, true, 0, 0, false, 1)) {
                loader.iterator().next();
            }
        });
    }

    @Test
    void badArgumentsAreNamed() {
        assertThrows(RobustifyException.class, () -> new BatchLoader(indexed(3), 0, false, 0, 0, false, 1));
        assertThrows(RobustifyException.class, () -> new BatchLoader(indexed(3), 1, false, 0, 0, false, 0));
    }
}
