package org.robustify.data;

import java.util.List;

import org.robustify.runtime.RobustifyException;

/**
 * An in-memory labelled image set: uint8 pixels in NHWC order (as decoded from disk) and int labels.
 * Immutable by convention: loaders share the arrays.
 */
public record ImageDataset(String name, byte[] pixels, int[] labels, int height, int width, int channels,
        List<String> classNames) {

    public ImageDataset {
        long expected = (long) labels.length * height * width * channels;
        if (pixels.length != expected) {
            throw new RobustifyException(name + ": " + pixels.length + " pixel bytes for " + labels.length
                    + " images of " + height + "x" + width + "x" + channels + " (expected " + expected + ")");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new RobustifyException(name + ": label " + labels[i] + " of image " + i + " is outside 0.."
                        + (classNames.size() - 1));
            }
        }
    }

    public int size() {
        return labels.length;
    }

    public int numClasses() {
        return classNames.size();
    }

    public int imageBytes() {
        return height * width * channels;
    }

    /** Images {@code from} (inclusive) to {@code to} (exclusive), e.g. a held-out validation split. */
    public ImageDataset slice(int from, int to) {
        if (from < 0 || to > size() || from > to) {
            throw new RobustifyException(name + ": slice " + from + ".." + to + " is outside 0.." + size());
        }
        if (from == 0 && to == size()) {
            return this;
        }
        byte[] p = java.util.Arrays.copyOfRange(pixels, from * imageBytes(), to * imageBytes());
        int[] l = java.util.Arrays.copyOfRange(labels, from, to);
        return new ImageDataset(name + "[" + from + ":" + to + "]", p, l, height, width, channels, classNames);
    }

    /** The first {@code limit} images (all if limit <= 0 or >= size). */
    public ImageDataset head(int limit) {
        if (limit <= 0 || limit >= size()) {
            return this;
        }
        byte[] p = java.util.Arrays.copyOf(pixels, limit * imageBytes());
        int[] l = java.util.Arrays.copyOf(labels, limit);
        return new ImageDataset(name + "[:" + limit + "]", p, l, height, width, channels, classNames);
    }
}
