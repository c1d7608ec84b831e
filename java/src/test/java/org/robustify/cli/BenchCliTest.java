package org.robustify.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustify.data.FashionMnist;
import org.robustify.data.ImageDataset;
import org.robustify.util.Json;

class BenchCliTest {
    @TempDir
    Path dir;

    @Test
    void badArgumentsFailBeforeAnyWork() {
        Path out = dir.resolve("out");
        CliTest.Run suite = CliTest.run("bench", "--model", dir.toString(), "--suite", "clean,robustness", "--out",
                out.toString());
        assertEquals(1, suite.code());
        assertTrue(suite.err().contains("unknown suite 'robustness'"), suite.err());
        CliTest.Run eps = CliTest.run("bench", "--model", dir.toString(), "--eps", "1/0x", "--out", out.toString());
        assertTrue(eps.err().contains("--eps"), eps.err());
        CliTest.Run ood = CliTest.run("bench", "--model", dir.toString(), "--suite", "ood", "--out", out.toString());
        assertTrue(ood.err().contains("--ood"), ood.err());
        CliTest.Run model = CliTest.run("bench", "--model", dir.resolve("none").toString(), "--out", out.toString());
        assertTrue(model.err().contains("does not exist"), model.err());
        assertFalse(Files.exists(out), "nothing may be written for bad arguments");
    }

    /** Trains a tiny cnn-small, then benches it with every suite and against itself as the baseline. */
    @Test
    void benchWritesEveryMetricAndComparesWithABaseline() throws Exception {
        assumeTrue(Files.isDirectory(FashionMnist.resolveDir(null)), "dataset-fashion-mnist not installed");
        Path run = dir.resolve("run");
        CliTest.Run train = CliTest.run("train", "--model", "cnn-small", "--epochs", "1", "--limit", "1000",
                "--test-limit", "100", "--threads", "2", "--out", run.toString());
        assertEquals(0, train.code(), train.err());
        Path ood = oodFolder();
        Path classes = dir.resolve("classes.txt");
        Files.writeString(classes, "# folder class i -> model output\n3\n7\n");
        Path out = dir.resolve("bench");
        CliTest.Run bench = CliTest.run("bench", "--model", run.toString(), "--suite", "all", "--limit", "64",
                "--corruption-limit", "200", "--eps", "0,2/255,8/255", "--pgd-steps", "3", "--ood", ood.toString(),
                "--classes", classes.toString(), "--threads", "2", "--out", out.toString());
        assertEquals(0, bench.code(), bench.err());
        JsonNode j = Json.MAPPER.readTree(Files.readString(out.resolve("bench.json")));
        double clean = j.path("clean").path("accuracy").asDouble();
        assertTrue(clean > 0.4, "clean accuracy " + clean);
        assertEquals(clean, j.path("fgsm").path("results").get(0).path("accuracy").asDouble(), 0);
        assertEquals(clean, j.path("pgd").path("results").get(0).path("accuracy").asDouble(), 0);
        assertTrue(j.path("pgd").path("results").get(2).path("accuracy").asDouble() < clean);
        assertTrue(j.path("calibration").path("ece").asDouble() >= 0);
        assertEquals(15, j.path("calibration").path("bin_counts").size());
        assertEquals(15, j.path("corruptions").path("suite").path("corruptions").size());
        JsonNode o = j.path("ood").get(0);
        assertEquals(4, o.path("images").asInt());
        assertEquals(1, o.path("unreadable").asInt());
        for (String f : new String[] {"bench.json", "bench.md", "heatmap.png", "manifest.json"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        String md = Files.readString(out.resolve("bench.md"));
        assertTrue(md.contains("## PGD") && md.contains("gaussian_noise") && md.contains("ECE"), md);

        Path again = dir.resolve("again");
        CliTest.Run base = CliTest.run("bench", "--model", run.toString(), "--suite", "corruptions",
                "--corruption-limit", "200", "--baseline", out.resolve("bench.json").toString(), "--threads", "2",
                "--out", again.toString());
        assertEquals(0, base.code(), base.err());
        JsonNode errors = Json.MAPPER.readTree(Files.readString(again.resolve("bench.json"))).path("corruptions")
                .path("errors");
        // The same model, data and seed as its baseline: every corruption error ratio is exactly 100 (in percent).
        assertTrue(errors.path("error").isMissingNode(), errors.toString());
        errors.path("ce").forEach(v -> assertEquals(100.0, v.asDouble(), 1e-9));
        assertEquals(100.0, errors.path("mce").asDouble(), 1e-9);
    }

    /** Two classes of Fashion-MNIST test images as PNGs, plus one corrupt file. */
    private Path oodFolder() throws Exception {
        ImageDataset test = FashionMnist.load(FashionMnist.resolveDir(null), FashionMnist.Split.TEST).head(200);
        Path root = dir.resolve("ood");
        int[] wanted = {3, 7};
        String[] names = {"a_dress", "b_sneaker"};
        for (int c = 0; c < 2; c++) {
            Path folder = Files.createDirectories(root.resolve(names[c]));
            int written = 0;
            for (int i = 0; i < test.size() && written < 2; i++) {
                if (test.labels()[i] != wanted[c]) {
                    continue;
                }
                BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
                byte[] px = java.util.Arrays.copyOfRange(test.pixels(), i * 784, (i + 1) * 784);
                img.getRaster().setDataElements(0, 0, 28, 28, px);
                ImageIO.write(img, "png", folder.resolve(i + ".png").toFile());
                written++;
            }
        }
        Files.write(root.resolve("b_sneaker/zz-broken.png"), new byte[] {1, 2, 3});
        return root;
    }
}
