package org.robustify.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;
import org.robustify.runtime.RobustifyException;

/**
 * A class-per-subfolder image set (ImageNet-R/-A/-Sketch style): subfolder names sorted give the labels, JPEG and
 * PNG files inside are decoded with OpenCV, converted to the model's channels (grey or RGB), resized so the shorter
 * side fits and centre-cropped to H×W. Files OpenCV cannot decode are skipped and listed, never fatal.
 */
public final class ImageFolder {
    /** The decoded images and the files that could not be read (with the reason). */
    public record Loaded(ImageDataset data, List<String> unreadable) {}

    private ImageFolder() {}

    public static Loaded load(Path dir, int channels, int height, int width) {
        if (channels != 1 && channels != 3) {
            throw new RobustifyException("image folder: channels must be 1 (grey) or 3 (RGB); got " + channels);
        }
        if (height < 1 || width < 1) {
            throw new RobustifyException("image folder: size must be positive; got " + height + "x" + width);
        }
        List<Path> classes = classFolders(dir);
        int per = height * width * channels;
        java.io.ByteArrayOutputStream pixels = new java.io.ByteArrayOutputStream();
        List<Integer> labels = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int label = 0; label < classes.size(); label++) {
            names.add(classes.get(label).getFileName().toString());
            for (Path file : imageFiles(classes.get(label))) {
                byte[] image;
                try {
                    image = decode(file, channels, height, width);
                } catch (RuntimeException e) {
                    image = null;
                }
                if (image == null || image.length != per) {
                    unreadable.add(dir.relativize(file).toString());
                    continue;
                }
                pixels.writeBytes(image);
                labels.add(label);
            }
        }
        ImageDataset data = new ImageDataset(dir.getFileName() == null ? dir.toString() : dir.getFileName()
                .toString(), pixels.toByteArray(), labels.stream().mapToInt(Integer::intValue).toArray(), height,
                width, channels, Collections.unmodifiableList(names));
        return new Loaded(data, List.copyOf(unreadable));
    }

    /** Sorted subfolders; an error when there are none (a flat folder has no labels). */
    static List<Path> classFolders(Path dir) {
        if (dir == null || !Files.isDirectory(dir)) {
            throw new RobustifyException("image folder " + dir + " does not exist or is not a folder");
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> out = s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted().toList();
            if (out.isEmpty()) {
                throw new RobustifyException("image folder " + dir + " has no class subfolders (expected "
                        + "DIR/<class>/<image>.png|jpg)");
            }
            return out;
        } catch (IOException e) {
            throw new RobustifyException("cannot list image folder " + dir + ": " + e.getMessage(), e);
        }
    }

    private static List<Path> imageFiles(Path classDir) {
        try (Stream<Path> s = Files.list(classDir)) {
            return s.filter(Files::isRegularFile).filter(ImageFolder::isImageName).sorted().toList();
        } catch (IOException e) {
            throw new RobustifyException("cannot list " + classDir + ": " + e.getMessage(), e);
        }
    }

    static boolean isImageName(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
    }

    /** HWC uint8 pixels (RGB or grey), or null when OpenCV cannot decode the file. */
    static byte[] decode(Path file, int channels, int height, int width) {
        int flags = channels == 1 ? opencv_imgcodecs.IMREAD_GRAYSCALE : opencv_imgcodecs.IMREAD_COLOR;
        try (Mat read = opencv_imgcodecs.imread(file.toString(), flags)) {
            if (read == null || read.empty()) {
                return null;
            }
            try (Mat converted = new Mat(); Mat resized = new Mat()) {
                Mat src = read;
                if (channels == 3) {
                    opencv_imgproc.cvtColor(read, converted, opencv_imgproc.COLOR_BGR2RGB);
                    src = converted;
                }
                // Shorter side to the target: the crop then loses only the longer side's margins.
                double scale = Math.max(height / (double) src.rows(), width / (double) src.cols());
                int w = Math.max(width, (int) Math.round(src.cols() * scale));
                int h = Math.max(height, (int) Math.round(src.rows() * scale));
                int interpolation = scale < 1 ? opencv_imgproc.INTER_AREA : opencv_imgproc.INTER_LINEAR;
                try (Size size = new Size(w, h)) {
                    opencv_imgproc.resize(src, resized, size, 0, 0, interpolation);
                }
                try (Rect crop = new Rect((w - width) / 2, (h - height) / 2, width, height);
                        Mat view = new Mat(resized, crop); Mat dense = view.clone()) {
                    byte[] out = new byte[height * width * channels];
                    dense.data().get(out);
                    return out;
                }
            }
        }
    }
}
