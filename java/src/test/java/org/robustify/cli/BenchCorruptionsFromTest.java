package org.robustify.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustify.data.FashionMnist;
import org.robustify.util.Json;

/**
 * bench --corruptions-from: a folder written by `robustify corrupt` gives exactly the on-the-fly suite's numbers
 * (same images, seed and cells), and a folder that does not fit is refused before any work.
 */
class BenchCorruptionsFromTest {
    @TempDir
    Path dir;

    @Test
    void aCorruptFolderGivesExactlyTheOnTheFlyNumbers() throws Exception {
        assumeTrue(Files.isDirectory(FashionMnist.resolveDir(null)), "dataset-fashion-mnist not installed");
        Path run = dir.resolve("run");
        CliTest.Run train = CliTest.run("train", "--model", "cnn-small", "--epochs", "1", "--limit", "500",
                "--test-limit", "50", "--threads", "2", "--out", run.toString());
        assertEquals(0, train.code(), train.err());
        // All 15 benchmark corruptions (each kernel, frost and the blurs included), two severities, 70 images.
        Path folder = dir.resolve("corrupted");
        CliTest.Run corrupt = CliTest.run("corrupt", "--data", "fashion-mnist", "--limit", "70", "--severities",
                "2,5", "--seed", "11", "--batch-size", "32", "--threads", "2", "--out", folder.toString());
        assertEquals(0, corrupt.code(), corrupt.err());

        Path fly = dir.resolve("fly");
        CliTest.Run a = CliTest.run("bench", "--model", run.toString(), "--suite", "corruptions",
                "--corruption-limit", "70", "--severities", "2,5", "--seed", "11", "--batch-size", "32",
                "--threads", "2", "--out", fly.toString());
        assertEquals(0, a.code(), a.err());
        Path read = dir.resolve("read");
        // --limit above the folder's 70 images: the folder is used whole (no --corruption-limit given).
        CliTest.Run b = CliTest.run("bench", "--model", run.toString(), "--suite", "clean,corruptions",
                "--limit", "100", "--corruptions-from", folder.toString(), "--seed", "99", "--batch-size", "32",
                "--threads", "2", "--out", read.toString());
        assertEquals(0, b.code(), b.err());

        JsonNode x = Json.MAPPER.readTree(fly.resolve("bench.json").toFile()).path("corruptions");
        JsonNode y = Json.MAPPER.readTree(read.resolve("bench.json").toFile()).path("corruptions");
        JsonNode sx = x.path("suite");
        JsonNode sy = y.path("suite");
        assertEquals(70, sy.path("count").asInt());
        assertEquals(sx.path("clean").path("accuracy").asDouble(), sy.path("clean").path("accuracy").asDouble(), 0);
        assertEquals(sx.path("clean").path("nll").asDouble(), sy.path("clean").path("nll").asDouble(), 0);
        assertEquals(15, sy.path("corruptions").size());
        Iterator<String> names = sx.path("corruptions").fieldNames();
        int cells = 0;
        while (names.hasNext()) {
            String c = names.next();
            for (String metric : new String[] {"accuracy", "nll"}) {
                assertArrayEquals(doubles(sx.path("corruptions").path(c).path(metric)),
                        doubles(sy.path("corruptions").path(c).path(metric)), 0, c + " " + metric);
            }
            cells += sy.path("corruptions").path(c).path("accuracy").size();
        }
        assertEquals(30, cells);
        // Provenance: where the images came from; the folder's seed (11), not --seed (99), keyed the corruptions.
        assertEquals("on the fly", x.path("source").path("kind").asText());
        JsonNode source = y.path("source");
        assertEquals("folder", source.path("kind").asText());
        assertEquals(folder.toAbsolutePath().toString(), source.path("dir").asText());
        assertEquals(11, source.path("seed").asLong());
        assertEquals("cifar", source.path("preset_resolved").asText());
        assertEquals(11, sy.path("seed").asLong());
        JsonNode manifest = Json.MAPPER.readTree(read.resolve("manifest.json").toFile());
        assertEquals(folder.toString(), manifest.path("config").path("corruptions_from").asText());

        // Cells the folder lacks, and a folder of other images, fail before anything is written.
        Path none = dir.resolve("none");
        CliTest.Run absent = CliTest.run("bench", "--model", run.toString(), "--suite", "corruptions",
                "--corruptions-from", folder.toString(), "--severities", "1,2", "--out", none.toString());
        assertEquals(1, absent.code());
        assertTrue(absent.err().contains("15 requested file(s) missing: gaussian_noise/s1.npy"), absent.err());
        Path train70 = dir.resolve("train70");
        assertEquals(0, CliTest.run("corrupt", "--data", "fashion-mnist", "--split", "train", "--limit", "70",
                "--corruptions", "fog", "--severities", "2", "--threads", "2", "--out", train70.toString()).code());
        CliTest.Run other = CliTest.run("bench", "--model", run.toString(), "--suite", "corruptions",
                "--corruptions-from", train70.toString(), "--out", none.toString());
        assertEquals(1, other.code());
        assertTrue(other.err().contains("written from other images than --data"), other.err());
        CliTest.Run notSuite = CliTest.run("bench", "--model", run.toString(), "--suite", "clean",
                "--corruptions-from", folder.toString(), "--out", none.toString());
        assertTrue(notSuite.err().contains("add corruptions to --suite"), notSuite.err());
        assertFalse(Files.exists(none), "nothing may be written for a folder that does not fit");
    }

    private static double[] doubles(JsonNode array) {
        double[] v = new double[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = array.get(i).asDouble();
        }
        return v;
    }
}
