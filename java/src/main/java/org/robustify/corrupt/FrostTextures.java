package org.robustify.corrupt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.robustify.runtime.RobustifyException;

/**
 * Frost photos for the {@code frost} corruption (e.g. the six ImageNet-C frost images), decoded with OpenCV and
 * stacked as the uint8 [K, H, W, 3] RGB tensor {@link CorruptOptions#frostTextures()} expects. Photos of different
 * sizes are cropped (top-left) to the smallest height and width among them.
 */
public final class FrostTextures {
    /** The stacked photos (CPU tensor), their file names in order, and the common size. */
    public record Loaded(Tensor textures, List<String> files, int height, int width) {}

    private FrostTextures() {}

    /** The PNG/JPEG files of {@code dir}, sorted by name. */
    public static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new RobustifyException("frost folder " + dir + " does not exist or is not a folder");
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return Files.isRegularFile(p) && (n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg"));
            }).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new RobustifyException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new RobustifyException("frost folder " + dir + " holds no .png, .jpg or .jpeg photos");
        }
        return files;
    }

    /**
     * Decodes every photo of {@code dir}; each must be at least {@code minHeight} x {@code minWidth} (the image
     * size), else a {@link RobustifyException} names the photo.
     */
    public static Loaded load(Path dir, long minHeight, long minWidth) {
        List<Path> files = list(dir);
        List<byte[]> pixels = new ArrayList<>();
        List<int[]> sizes = new ArrayList<>();
        int h = Integer.MAX_VALUE;
        int w = Integer.MAX_VALUE;
        for (Path f : files) {
            try (Mat bgr = opencv_imgcodecs.imread(f.toString(), opencv_imgcodecs.IMREAD_COLOR);
                    Mat rgb = new Mat()) {
                if (bgr == null || bgr.empty()) {
                    throw new RobustifyException("cannot decode frost photo " + f + " (not a PNG/JPEG image?)");
                }
                if (bgr.rows() < minHeight || bgr.cols() < minWidth) {
                    throw new RobustifyException("frost photo " + f + " is " + bgr.rows() + "x" + bgr.cols()
                            + "; it must be at least the image size " + minHeight + "x" + minWidth);
                }
                opencv_imgproc.cvtColor(bgr, rgb, opencv_imgproc.COLOR_BGR2RGB);
                Mat c = rgb.isContinuous() ? rgb : rgb.clone();
                byte[] b = new byte[c.rows() * c.cols() * 3];
                BytePointer data = c.data();
                data.get(b);
                pixels.add(b);
                sizes.add(new int[] {c.rows(), c.cols()});
                h = Math.min(h, c.rows());
                w = Math.min(w, c.cols());
            }
        }
        byte[] stacked = new byte[files.size() * h * w * 3];
        for (int k = 0; k < files.size(); k++) {
            int cols = sizes.get(k)[1];
            for (int y = 0; y < h; y++) {
                System.arraycopy(pixels.get(k), y * cols * 3, stacked, ((k * h + y) * w) * 3, w * 3);
            }
        }
        Tensor t;
        try (BytePointer p = new BytePointer(stacked)) {
            t = torch.from_blob(p, new long[] {files.size(), h, w, 3}, new TensorOptions(ScalarType.Byte)).clone();
        }
        List<String> names = new ArrayList<>();
        for (Path f : files) {
            names.add(f.getFileName().toString());
        }
        return new Loaded(t, names, h, w);
    }
}
