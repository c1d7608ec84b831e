package org.robustify.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustify.corrupt.Corruption;
import org.robustify.data.ImageDataset;
import org.robustify.data.Npy;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.RobustifyException;
import org.robustify.util.Json;

/** A hand-written folder in robustify corrupt's layout: 6 images of 4x4x1, fog and snow at severities 1 and 3. */
class CorruptionFolderTest {
    private static final int N = 6;
    private static final int H = 4;
    private static final int W = 4;
    private static final int[] LABELS = {0, 1, 2, 1, 0, 2};

    @TempDir
    Path dir;

    @BeforeAll
    static void init() {
        NativeRuntime.init(2);
    }

    /** Image i of cell (c, s) holds the byte value 10·i + 3·s + c's code, everywhere. */
    private static byte value(Corruption c, int s, int i) {
        return (byte) (10 * i + 3 * s + c.code());
    }

    private Path folder(boolean withLabels) throws Exception {
        Path f = Files.createDirectories(dir.resolve("c"));
        for (Corruption c : List.of(Corruption.FOG, Corruption.SNOW)) {
            for (int s : new int[] {1, 3}) {
                byte[] px = new byte[N * H * W];
                for (int i = 0; i < N; i++) {
                    java.util.Arrays.fill(px, i * H * W, (i + 1) * H * W, value(c, s, i));
                }
                Npy.writeUint8(f.resolve(c.nativeName() + "/s" + s + ".npy"), new long[] {N, H, W}, px);
            }
        }
        if (withLabels) {
            long[] l = java.util.Arrays.stream(LABELS).asLongStream().toArray();
            Npy.writeInt64(f.resolve("labels.npy"), new long[] {N}, l);
        }
        Map<String, Object> m = Map.of("command", "corrupt", "status", "completed", "seed", 7, "config",
                Map.of("corruptions", List.of("fog", "snow"), "severities", List.of(1, 3), "seed", 7,
                        "preset", "auto", "preset_resolved", "cifar"));
        Files.writeString(f.resolve("manifest.json"), Json.pretty(m));
        return f;
    }

    private static ImageDataset data(int[] labels) {
        return new ImageDataset("d", new byte[labels.length * H * W], labels, H, W, 1, List.of("a", "b", "c"));
    }

    @Test
    void readsTheRequestedImagesOfEachCell() throws Exception {
        try (CorruptionFolder f = CorruptionFolder.open(folder(true), null, null)) {
            assertEquals(List.of(Corruption.FOG, Corruption.SNOW), f.corruptions());
            assertArrayEquals(new int[] {1, 3}, f.severities());
            assertEquals(7, f.seed());
            assertEquals(N, f.evaluatedImages(data(LABELS), 0));
            assertEquals(4, f.evaluatedImages(data(LABELS), 4));
            long[] ids = {2, 3, 5};
            Tensor t = f.images(null, Corruption.SNOW, 3, ids);
            assertArrayEquals(new long[] {3, H, W, 1}, t.sizes().vec().get());
            byte[] got = new byte[3 * H * W];
            new BytePointer(t.contiguous().data_ptr()).capacity(got.length).get(got);
            for (int k = 0; k < ids.length; k++) {
                for (int p = 0; p < H * W; p++) {
                    assertEquals(value(Corruption.SNOW, 3, (int) ids[k]), got[k * H * W + p]);
                }
            }
            Map<String, Object> d = f.describe();
            assertEquals("folder", d.get("kind"));
            assertEquals("cifar", d.get("preset_resolved"));
        }
    }

    @Test
    void missingOrMalformedFilesAreNamedBeforeAnyWork() throws Exception {
        Path f = folder(true);
        RobustifyException absent = assertThrows(RobustifyException.class,
                () -> CorruptionFolder.open(f, List.of(Corruption.FOG), new int[] {1, 5}));
        assertTrue(absent.getMessage().contains("missing: fog/s5.npy"), absent.getMessage());
        RobustifyException other = assertThrows(RobustifyException.class,
                () -> CorruptionFolder.open(f, List.of(Corruption.FROST), null));
        assertTrue(other.getMessage().contains("frost/s1.npy, frost/s3.npy"), other.getMessage());

        byte[] whole = Files.readAllBytes(f.resolve("fog/s3.npy"));
        Files.write(f.resolve("fog/s3.npy"), java.util.Arrays.copyOf(whole, whole.length - 5));
        RobustifyException truncated = assertThrows(RobustifyException.class,
                () -> CorruptionFolder.open(f, null, null));
        assertTrue(truncated.getMessage().contains("fog/s3.npy") && truncated.getMessage().contains("truncated"),
                truncated.getMessage());

        Npy.writeUint8(f.resolve("fog/s3.npy"), new long[] {N - 1, H, W}, new byte[(N - 1) * H * W]);
        RobustifyException shape = assertThrows(RobustifyException.class,
                () -> CorruptionFolder.open(f, null, null));
        assertTrue(shape.getMessage().contains("differs from"), shape.getMessage());

        Npy.writeInt64(f.resolve("fog/s3.npy"), new long[] {N}, new long[N]);
        RobustifyException dtype = assertThrows(RobustifyException.class,
                () -> CorruptionFolder.open(f, null, null));
        assertTrue(dtype.getMessage().contains("expected uint8"), dtype.getMessage());

        Path notCorrupt = Files.createDirectories(dir.resolve("x"));
        Files.writeString(notCorrupt.resolve("manifest.json"), "{\"command\": \"bench\"}");
        RobustifyException wrong = assertThrows(RobustifyException.class,
                () -> CorruptionFolder.open(notCorrupt, null, null));
        assertTrue(wrong.getMessage().contains("not by robustify corrupt"), wrong.getMessage());
        RobustifyException none = assertThrows(RobustifyException.class,
                () -> CorruptionFolder.open(dir.resolve("none"), null, null));
        assertTrue(none.getMessage().contains("not a folder"), none.getMessage());
    }

    @Test
    void theFolderMustMatchTheEvaluatedData() throws Exception {
        Path f = folder(true);
        Files.delete(f.resolve("labels.npy"));
        Npy.writeInt64(f.resolve("labels.npy"), new long[] {N + 1}, new long[N + 1]);
        RobustifyException count = assertThrows(RobustifyException.class, () -> CorruptionFolder.open(f, null, null));
        assertTrue(count.getMessage().contains("labels.npy has shape (7,)"), count.getMessage());
        Files.delete(f.resolve("labels.npy"));

        try (CorruptionFolder unlabelled = CorruptionFolder.open(f, null, null)) {
            // Without labels.npy nothing can be compared but the sizes.
            assertEquals(N, unlabelled.evaluatedImages(data(new int[] {2, 2, 2, 2, 2, 2, 2}), 0));
        }
        Npy.writeInt64(f.resolve("labels.npy"), new long[] {N}, java.util.Arrays.stream(LABELS).asLongStream()
                .toArray());
        try (CorruptionFolder folder = CorruptionFolder.open(f, null, null)) {
            int[] shuffled = LABELS.clone();
            shuffled[4] = 1;
            RobustifyException labels = assertThrows(RobustifyException.class,
                    () -> folder.evaluatedImages(data(shuffled), 0));
            assertTrue(labels.getMessage().contains("at image 4 (folder 0, data 1)"), labels.getMessage());
            RobustifyException few = assertThrows(RobustifyException.class,
                    () -> folder.evaluatedImages(data(new int[] {0, 1, 2}), 0));
            assertTrue(few.getMessage().contains("only 3"), few.getMessage());
            RobustifyException limit = assertThrows(RobustifyException.class,
                    () -> folder.evaluatedImages(data(LABELS), N + 1));
            assertTrue(limit.getMessage().contains("--corruption-limit 7"), limit.getMessage());
            ImageDataset larger = new ImageDataset("big", new byte[N * 8 * 8], LABELS, 8, 8, 1, List.of("a", "b",
                    "c"));
            RobustifyException size = assertThrows(RobustifyException.class,
                    () -> folder.evaluatedImages(larger, 0));
            assertTrue(size.getMessage().contains("4x4x1 images"), size.getMessage());
        }
    }
}
