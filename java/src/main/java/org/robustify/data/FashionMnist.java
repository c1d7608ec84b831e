package org.robustify.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.robustify.runtime.RobustifyException;

/**
 * Fashion-MNIST from the gzipped IDX files of the Debian package {@code dataset-fashion-mnist}
 * (installed to /usr/share/datasets/fashion-mnist), or any folder holding the same four files.
 */
public final class FashionMnist {
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    public static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    /** Per-channel statistics of the training images, in [0, 1] units. */
    public static final float[] MEAN = {0.2860f};
    public static final float[] STD = {0.3530f};

    public enum Split {
        TRAIN("train"), TEST("t10k");

        private final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }
    }

    private FashionMnist() {}

    /** The data directory: {@code dir} if given, else $ROBUSTIFY_FASHION_MNIST, else the Debian package's. */
    public static Path resolveDir(Path dir) {
        if (dir != null) {
            return dir;
        }
        String env = System.getenv("ROBUSTIFY_FASHION_MNIST");
        return env != null && !env.isBlank() ? Path.of(env) : DEFAULT_DIR;
    }

    public static ImageDataset load(Path dir, Split split) {
        Path images = file(dir, split.prefix + "-images-idx3-ubyte");
        Path labels = file(dir, split.prefix + "-labels-idx1-ubyte");
        IdxFile imageFile = IdxFile.read(images);
        IdxFile labelFile = IdxFile.read(labels);
        int[] d = imageFile.dims();
        if (d.length != 3) {
            throw new RobustifyException(images + ": expected 3 dimensions (N, H, W); got " + d.length);
        }
        int[] ld = labelFile.dims();
        if (ld.length != 1 || ld[0] != d[0]) {
            throw new RobustifyException(labels + " holds " + (ld.length == 1 ? ld[0] : -1) + " labels but "
                    + images + " holds " + d[0] + " images");
        }
        byte[] raw = labelFile.data();
        int[] y = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            y[i] = raw[i] & 0xff;
        }
        return new ImageDataset("fashion-mnist/" + split.name().toLowerCase(), imageFile.data(), y, d[1], d[2], 1,
                CLASSES);
    }

    private static Path file(Path dir, String stem) {
        for (String name : new String[] {stem + ".gz", stem}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        if (!Files.isDirectory(dir)) {
            throw new RobustifyException("Fashion-MNIST not found: " + dir + " does not exist. Install it with "
                    + "'sudo apt-get install dataset-fashion-mnist', or pass --data DIR with the four IDX files");
        }
        throw new RobustifyException("Fashion-MNIST file " + stem + ".gz is missing from " + dir
                + ". Re-install with 'sudo apt-get install --reinstall dataset-fashion-mnist', or pass --data DIR");
    }
}
