package org.robustify.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustify.runtime.RobustifyException;

class PlotsTest {
    @TempDir
    Path dir;

    private static BufferedImage decode(Path png) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, png + " is not a decodable PNG");
        return img;
    }

    private static int colours(BufferedImage img) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                seen.add(img.getRGB(x, y));
            }
        }
        return seen.size();
    }

    private void noTemporariesLeft() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
        }
    }

    @Test
    void scatterIsAFullSizeNonBlankPng() throws IOException {
        List<Plots.Point> points = List.of(new Plots.Point("baseline", 120, 0.41),
                new Plots.Point("augmix", 900, 0.58), new Plots.Point("robustify", 300, 0.61));
        Path linear = dir.resolve("scatter.png");
        Plots.scatter(linear, "Accuracy vs training time", "training seconds", "mean corruption accuracy", points);
        BufferedImage img = decode(linear);
        assertEquals(Plots.WIDTH, img.getWidth());
        assertEquals(Plots.HEIGHT, img.getHeight());
        assertTrue(colours(img) > 20, "expected a drawn chart, got " + colours(img) + " colours");
        Path log = dir.resolve("scatter-log.png");
        Plots.scatter(log, "log", "s", "acc", points, true);
        assertTrue(colours(decode(log)) > 20);
        noTemporariesLeft();
        assertThrows(RobustifyException.class, () -> Plots.scatter(dir.resolve("x.png"), "t", "x", "y", List.of()));
        assertThrows(RobustifyException.class, () -> Plots.scatter(dir.resolve("x.png"), "t", "x", "y",
                List.of(new Plots.Point("zero", 0, 1)), true));
    }

    @Test
    void linesHandleSeveralSeriesAndOnePoint() throws IOException {
        Path png = dir.resolve("lines.png");
        Plots.lines(png, "Training", "epoch", "loss", List.of(
                new Plots.Series("train", new double[] {1, 2, 3, 4}, new double[] {2.0, 1.2, 0.8, 0.6}),
                new Plots.Series("val", new double[] {1, 2, 3, 4}, new double[] {2.1, 1.4, 1.1, 1.0}),
                new Plots.Series("single", new double[] {2.5}, new double[] {1.5})));
        BufferedImage img = decode(png);
        assertEquals(Plots.WIDTH, img.getWidth());
        assertTrue(colours(img) > 20);
        assertThrows(RobustifyException.class, () -> new Plots.Series("bad", new double[] {1}, new double[0]));
        assertThrows(RobustifyException.class, () -> Plots.lines(png, "t", "x", "y", List.of()));
    }

    @Test
    void heatMapHasOneRowPerCorruption() throws IOException {
        Map<String, double[]> acc = new LinkedHashMap<>();
        Map<String, double[]> nll = new LinkedHashMap<>();
        String[] names = {"gaussian_noise", "shot_noise", "fog"};
        for (int i = 0; i < names.length; i++) {
            acc.put(names[i], new double[] {0.9 - 0.1 * i, 0.7, 0.5, 0.3, 0.1 + 0.05 * i});
            nll.put(names[i], new double[5]);
        }
        SuiteResult r = new SuiteResult(0.92, 0.3, 1000, new int[] {1, 2, 3, 4, 5}, acc, nll, 0, null);
        Path png = dir.resolve("heat.png");
        Plots.heatMap(png, "cnn-small", r);
        BufferedImage img = decode(png);
        assertEquals(84 + 3 * 30 + 40, img.getHeight());
        assertTrue(colours(img) > 20);
        noTemporariesLeft();
    }
}
