package org.robustify.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustify.corrupt.Corruption;
import org.robustify.data.FashionMnist;
import org.robustify.data.ImageDataset;
import org.robustify.data.Npy;
import org.robustify.runtime.NativeRuntime;
import org.robustify.util.Json;

class CorruptCliTest {
    @TempDir
    Path dir;

    private static CliTest.Run run(String... args) {
        return CliTest.run(args);
    }

    private static List<Path> npyFiles(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.toString().endsWith(".npy")).sorted().toList();
        }
    }

    @Test
    void fashionMnistRunWritesEveryFileAndASecondRunSkipsEverything() throws Exception {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "dataset-fashion-mnist not installed");
        Path out = dir.resolve("c");
        CliTest.Run r = run("corrupt", "--data", "fashion-mnist", "--split", "test", "--limit", "64",
                "--corruptions", "all", "--severities", "1-5", "--seed", "4", "--batch-size", "24", "--threads", "2",
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        ImageDataset ds = FashionMnist.load(FashionMnist.DEFAULT_DIR, FashionMnist.Split.TEST).head(64);
        for (Corruption c : Corruption.all()) {
            for (int s = 1; s <= 5; s++) {
                Npy.UInt8Array a = Npy.readUint8(out.resolve(c.nativeName()).resolve("s" + s + ".npy"));
                assertArrayEquals(new long[] {64, 28, 28}, a.shape(), c + " s" + s);
            }
        }
        assertEquals(19 * 5 + 1, npyFiles(out).size(), "19 x 5 corrupted sets + labels, nothing else");
        Npy.Int64Array labels = Npy.readInt64(out.resolve("labels.npy"));
        assertArrayEquals(new long[] {64}, labels.shape());
        for (int i = 0; i < 64; i++) {
            assertEquals(ds.labels()[i], labels.data()[i]);
        }
        try (Stream<Path> s = Files.walk(out)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporaries left");
        }
        JsonNode m = Json.MAPPER.readTree(out.resolve("manifest.json").toFile());
        assertEquals("corrupt", m.get("command").asText());
        assertEquals("completed", m.get("status").asText());
        assertEquals(4, m.get("seed").asInt());
        assertEquals("cifar", m.at("/config/preset_resolved").asText());
        assertEquals(19, m.at("/config/corruptions").size());
        assertEquals(64, m.at("/data/images").asInt());
        assertEquals("fashion-mnist", m.at("/data/source").asText());
        assertEquals(95, m.get("written").size());
        assertTrue(m.at("/parameters/contrast/s3").isArray());
        assertTrue(m.at("/versions/native_core").asText().length() > 0);
        assertTrue(m.has("git_commit"));

        // The noise sets really are noisy, and differ by severity (real kernels).
        byte[] clean = ds.pixels();
        byte[] s1 = Npy.readUint8(out.resolve("gaussian_noise/s1.npy")).data();
        byte[] s5 = Npy.readUint8(out.resolve("gaussian_noise/s5.npy")).data();
        assertFalse(java.util.Arrays.equals(clean, s1), "gaussian_noise s1 changed the images");
        assertTrue(meanAbsDiff(clean, s5) > meanAbsDiff(clean, s1));

        List<FileTime> times = new ArrayList<>();
        for (Path p : npyFiles(out)) {
            times.add(Files.getLastModifiedTime(p));
        }
        CliTest.Run again = run("corrupt", "--data", "fashion-mnist", "--limit", "64", "--corruptions", "all",
                "--seed", "4", "--batch-size", "64", "--threads", "1", "--out", out.toString());
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("skip gaussian_noise/s1.npy (already complete)"), again.out());
        assertTrue(again.out().contains("wrote 0 file(s), skipped 95"), again.out());
        List<FileTime> after = new ArrayList<>();
        for (Path p : npyFiles(out)) {
            after.add(Files.getLastModifiedTime(p));
        }
        assertEquals(times, after, "nothing rewritten");
        JsonNode m2 = Json.MAPPER.readTree(out.resolve("manifest.json").toFile());
        assertEquals(0, m2.get("written").size());
        assertEquals(95, m2.get("skipped").size());
        assertEquals(95, m2.at("/previous_runs/0/written").size(), "the first run is kept in the history");

        // Same seed, another batch size and thread count: identical bytes (sample id = dataset index).
        Path other = dir.resolve("d");
        CliTest.Run third = run("corrupt", "--data", "fashion-mnist", "--limit", "64", "--corruptions",
                "gaussian_noise,glass_blur,frost", "--severities", "3", "--seed", "4", "--batch-size", "7",
                "--threads", "1", "--out", other.toString());
        assertEquals(0, third.code(), third.err());
        for (String f : List.of("gaussian_noise/s3.npy", "glass_blur/s3.npy", "frost/s3.npy")) {
            assertArrayEquals(Npy.readUint8(out.resolve(f)).data(), Npy.readUint8(other.resolve(f)).data(), f);
        }
        assertEquals(3 + 1, npyFiles(other).size());

        // A different seed into the same folder is refused: finished files belong to seed 4.
        CliTest.Run clash = run("corrupt", "--data", "fashion-mnist", "--limit", "64", "--corruptions",
                "gaussian_noise", "--seed", "5", "--out", other.toString());
        assertEquals(2, clash.code());
        assertTrue(clash.err().contains("holds results of a different configuration"), clash.err());
    }

    private static double meanAbsDiff(byte[] a, byte[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Math.abs((a[i] & 0xff) - (b[i] & 0xff));
        }
        return s / a.length;
    }

    @Test
    void badArgumentsExitTwoBeforeWritingAnything() throws Exception {
        Path out = dir.resolve("never");
        Path input = dir.resolve("in.npy");
        Npy.writeUint8(input, new long[] {2, 8, 8, 3}, new byte[2 * 8 * 8 * 3]);

        CliTest.Run bogus = run("corrupt", "--input", input.toString(), "--corruptions", "gaussian_noise,bogus",
                "--out", out.toString());
        assertEquals(2, bogus.code());
        assertTrue(bogus.err().contains("unknown corruption 'bogus'; valid names: gaussian_noise"), bogus.err());

        CliTest.Run seven = run("corrupt", "--input", input.toString(), "--severities", "1,7", "--out",
                out.toString());
        assertEquals(2, seven.code());
        assertTrue(seven.err().contains("severity 7 is outside 1..5"), seven.err());

        CliTest.Run range = run("corrupt", "--input", input.toString(), "--severities", "0-3", "--out",
                out.toString());
        assertEquals(2, range.code());
        assertTrue(range.err().contains("severity 0 is outside 1..5"), range.err());

        Path labels = dir.resolve("labels.npy");
        Npy.writeInt64(labels, new long[] {4}, new long[] {1, 2, 3, 4});
        CliTest.Run dtype = run("corrupt", "--input", labels.toString(), "--out", out.toString());
        assertEquals(2, dtype.code());
        assertTrue(dtype.err().contains("holds int64 (4,); expected uint8 images"), dtype.err());

        Path twoChannels = dir.resolve("two.npy");
        Npy.writeUint8(twoChannels, new long[] {1, 4, 4, 2}, new byte[32]);
        CliTest.Run channels = run("corrupt", "--input", twoChannels.toString(), "--out", out.toString());
        assertEquals(2, channels.code());
        assertTrue(channels.err().contains("must be 1 or 3"), channels.err());

        Path flat = dir.resolve("flat.npy");
        Npy.writeUint8(flat, new long[] {64}, new byte[64]);
        CliTest.Run rank = run("corrupt", "--input", flat.toString(), "--out", out.toString());
        assertEquals(2, rank.code());
        assertTrue(rank.err().contains("uint8 (64,)"), rank.err());

        Path truncated = dir.resolve("cut.npy");
        byte[] whole = Files.readAllBytes(input);
        Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length - 10));
        CliTest.Run cut = run("corrupt", "--input", truncated.toString(), "--out", out.toString());
        assertEquals(2, cut.code());
        assertTrue(cut.err().contains("truncated"), cut.err());

        CliTest.Run both = run("corrupt", "--input", input.toString(), "--data", "fashion-mnist", "--out",
                out.toString());
        assertEquals(2, both.code());
        assertTrue(both.err().contains("exactly one of --input"), both.err());

        CliTest.Run preset = run("corrupt", "--input", input.toString(), "--preset", "mnist", "--out",
                out.toString());
        assertEquals(2, preset.code());
        assertTrue(preset.err().contains("unknown corruption preset 'mnist'"), preset.err());

        CliTest.Run identity = run("corrupt", "--input", input.toString(), "--corruptions", "identity", "--out",
                out.toString());
        assertEquals(2, identity.code());

        assertFalse(Files.exists(out), "nothing written for bad arguments");
    }

    @Test
    void npyInputKeepsItsLayoutAndFrostPhotosAreChecked() throws Exception {
        Random random = new Random(1);
        byte[] pixels = new byte[5 * 40 * 36 * 3];
        random.nextBytes(pixels);
        Path input = dir.resolve("rgb.npy");
        Npy.writeUint8(input, new long[] {5, 40, 36, 3}, pixels);

        Path frost = dir.resolve("frost");
        Files.createDirectories(frost);
        try (Mat big = new Mat(50, 60, org.bytedeco.opencv.global.opencv_core.CV_8UC3, new Scalar(200, 220, 240, 0));
                Mat big2 = new Mat(45, 70, org.bytedeco.opencv.global.opencv_core.CV_8UC3,
                        new Scalar(10, 20, 30, 0))) {
            assertTrue(opencv_imgcodecs.imwrite(frost.resolve("a.png").toString(), big));
            assertTrue(opencv_imgcodecs.imwrite(frost.resolve("b.jpg").toString(), big2));
        }
        Path out = dir.resolve("o");
        CliTest.Run r = run("corrupt", "--input", input.toString(), "--corruptions", "frost,contrast",
                "--severities", "2,4", "--frost-dir", frost.toString(), "--batch-size", "2", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Npy.UInt8Array a = Npy.readUint8(out.resolve("frost/s4.npy"));
        assertArrayEquals(new long[] {5, 40, 36, 3}, a.shape());
        assertEquals(4, npyFiles(out).size(), "2 corruptions x 2 severities, no labels for a bare .npy");
        JsonNode m = Json.MAPPER.readTree(out.resolve("manifest.json").toFile());
        assertEquals("[\"a.png\",\"b.jpg\"]", m.at("/config/frost/files").toString());
        assertEquals("NHWC", m.at("/data/layout").asText());
        assertTrue(m.at("/labels").isNull());

        // An interrupted run leaves at most a temporary sibling, and a damaged file is recomputed, not skipped.
        Path s2 = out.resolve("frost/s2.npy");
        byte[] good = Files.readAllBytes(s2);
        Files.write(s2, java.util.Arrays.copyOf(good, good.length / 2));
        Path stale = out.resolve("frost/.s2.npy.12345.tmp");
        Files.write(stale, new byte[100]);
        CliTest.Run resumed = run("corrupt", "--input", input.toString(), "--corruptions", "frost,contrast",
                "--severities", "2,4", "--frost-dir", frost.toString(), "--batch-size", "3", "--out", out.toString());
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("wrote 1 file(s), skipped 3"), resumed.out());
        assertArrayEquals(good, Files.readAllBytes(s2), "recomputed identically (batch size 3 instead of 2)");
        assertFalse(Files.exists(stale), "stale temporary removed");

        try (Mat tiny = new Mat(20, 20, org.bytedeco.opencv.global.opencv_core.CV_8UC3, new Scalar(1, 2, 3, 0))) {
            assertTrue(opencv_imgcodecs.imwrite(frost.resolve("c.png").toString(), tiny));
        }
        Path out2 = dir.resolve("o2");
        CliTest.Run small = run("corrupt", "--input", input.toString(), "--corruptions", "frost", "--frost-dir",
                frost.toString(), "--out", out2.toString());
        assertEquals(2, small.code());
        assertTrue(small.err().contains("c.png is 20x20; it must be at least the image size 40x36"), small.err());
        assertFalse(Files.exists(out2));
    }

    @Test
    void imageNetCFrostPhotosLoadWhenPresent() throws Exception {
        Path photos = Path.of("/work/shared/reference/frost");
        assumeTrue(Files.isDirectory(photos), "ImageNet-C frost photos not available");
        Path input = dir.resolve("big.npy");
        byte[] pixels = new byte[2 * 224 * 224 * 3];
        new Random(2).nextBytes(pixels);
        Npy.writeUint8(input, new long[] {2, 224, 224, 3}, pixels);
        Path out = dir.resolve("f");
        CliTest.Run r = run("corrupt", "--input", input.toString(), "--corruptions", "frost", "--severities", "5",
                "--frost-dir", photos.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode m = Json.MAPPER.readTree(out.resolve("manifest.json").toFile());
        assertEquals("imagenet", m.at("/config/preset_resolved").asText());
        assertEquals(6, m.at("/config/frost/files").size());
    }

    @Test
    void cudaWithoutAGpuIsAClearError() throws Exception {
        assumeTrue(NativeRuntime.cudaDeviceCount() == 0, "a GPU is present");
        Path input = dir.resolve("in.npy");
        Npy.writeUint8(input, new long[] {1, 8, 8}, new byte[64]);
        CliTest.Run r = run("corrupt", "--input", input.toString(), "--device", "cuda", "--out",
                dir.resolve("x").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--device cuda: no usable GPU"), r.err());
        assertFalse(Files.exists(dir.resolve("x")));
    }

    @Test
    void helpDocumentsTheCommand() {
        CliTest.Run r = run("corrupt", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("--corruptions") && r.out().contains("--frost-dir") && r.out().contains("s<k>.npy"),
                r.out());
        assertTrue(run("--help").out().contains("corrupt"));
    }
}
