package org.robustify.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustify.runtime.RobustifyException;

class ImageFolderTest {
    @TempDir
    Path dir;

    /** A w×h image, one colour, with a 1-px black frame (gone after a centre crop of the enlarged image). */
    private static void png(Path file, int w, int h, int rgb) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean frame = x == 0 || y == 0 || x == w - 1 || y == h - 1;
                img.setRGB(x, y, frame ? 0 : rgb);
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(img, file.toString().endsWith(".jpg") ? "jpg" : "png", file.toFile());
    }

    private void fixture() throws IOException {
        png(dir.resolve("red/a.png"), 40, 30, 0xFF0000);
        png(dir.resolve("red/b.PNG"), 30, 60, 0xFF0000);
        png(dir.resolve("blue/c.png"), 20, 20, 0x0000FF);
        png(dir.resolve("blue/d.jpg"), 64, 48, 0x0000FF);
        Files.write(dir.resolve("blue/broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3, 4, 5});
        Files.writeString(dir.resolve("blue/notes.txt"), "not an image");
    }

    @Test
    void labelsFollowSortedFolderNamesAndImagesAreCroppedToSize() throws IOException {
        fixture();
        ImageFolder.Loaded loaded = ImageFolder.load(dir, 3, 16, 16);
        ImageDataset d = loaded.data();
        assertEquals(List.of("blue", "red"), d.classNames());
        assertEquals(4, d.size());
        assertEquals(List.of("blue/broken.png"), loaded.unreadable());
        assertEquals(16, d.height());
        assertEquals(3, d.channels());
        // blue/c.png, blue/d.jpg, red/a.png, red/b.PNG
        assertEquals(0, d.labels()[0]);
        assertEquals(0, d.labels()[1]);
        assertEquals(1, d.labels()[2]);
        assertEquals(1, d.labels()[3]);
        int centre = (8 * 16 + 8) * 3;
        // RGB order (OpenCV decodes BGR): blue is channel 2, red channel 0.
        assertEquals(255, d.pixels()[centre + 2] & 0xFF);
        assertEquals(0, d.pixels()[centre] & 0xFF);
        int red = 2 * d.imageBytes() + centre;
        assertEquals(255, d.pixels()[red] & 0xFF);
        assertEquals(0, d.pixels()[red + 2] & 0xFF);
        // The JPEG is lossy; its centre is still close to blue.
        int jpeg = d.imageBytes() + centre;
        assertTrue((d.pixels()[jpeg + 2] & 0xFF) > 230 && (d.pixels()[jpeg] & 0xFF) < 25);
    }

    @Test
    void greyModelsGetOneChannelWithLuma() throws IOException {
        fixture();
        ImageDataset d = ImageFolder.load(dir, 1, 8, 8).data();
        assertEquals(1, d.channels());
        assertEquals(8 * 8, d.imageBytes());
        int centre = 4 * 8 + 4;
        // BT.601 luma of pure red: 0.299 * 255 = 76.
        int redLuma = d.pixels()[2 * d.imageBytes() + centre] & 0xFF;
        assertTrue(Math.abs(redLuma - 76) <= 1, "red luma " + redLuma);
        int blueLuma = d.pixels()[centre] & 0xFF;
        assertTrue(Math.abs(blueLuma - 29) <= 1, "blue luma " + blueLuma);
    }

    @Test
    void aFolderWithoutClassSubfoldersIsAClearError() throws IOException {
        Files.writeString(dir.resolve("x.png"), "flat");
        RobustifyException e = assertThrows(RobustifyException.class, () -> ImageFolder.load(dir, 3, 8, 8));
        assertTrue(e.getMessage().contains("no class subfolders"), e.getMessage());
        assertThrows(RobustifyException.class, () -> ImageFolder.load(dir.resolve("missing"), 3, 8, 8));
        assertThrows(RobustifyException.class, () -> ImageFolder.load(dir, 2, 8, 8));
    }
}
