package org.robustify.tradeoff;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

import org.robustify.data.FashionMnist;
import org.robustify.data.ImageDataset;
import org.robustify.runtime.RobustifyException;

/**
 * The study's splits of Fashion-MNIST. Pre-training sees only the first half of the training split, and only its
 * classes 0..{@value #PRETRAIN_CLASSES}-1 (a 5-way task: T-shirt, trouser, pullover, dress, coat). Fine-tuning is
 * the full 10-way task on the other half (images the backbone never saw, and five classes it never saw), so the
 * "pre-trained" model transfers to a related but new task, as ImageNet-21k → CIFAR does in the paper. A seeded
 * random {@code valFraction} of that half is held out for validation (the spec's 10%) and never trained on.
 * Evaluation: the first images of the test split.
 */
public record TradeoffData(ImageDataset pretrain, ImageDataset finetune, ImageDataset validation,
        ImageDataset test) {
    public static final int PRETRAIN_CLASSES = 5;

    /** A dataset cut in two by index: {@code held} (ascending) and the rest, both in the original order. */
    record Split(ImageDataset rest, ImageDataset held, int[] heldIndices) {}

    public static TradeoffData load(Path dir, int testImages, double valFraction, long seed) {
        Path resolved = FashionMnist.resolveDir(dir);
        ImageDataset train = FashionMnist.load(resolved, FashionMnist.Split.TRAIN);
        int half = train.size() / 2;
        ImageDataset test = FashionMnist.load(resolved, FashionMnist.Split.TEST).head(testImages);
        Split ft = holdOut(train.slice(half, train.size()), valFraction, seed);
        return new TradeoffData(firstClasses(train.slice(0, half), PRETRAIN_CLASSES), ft.rest(), ft.held(), test);
    }

    /**
     * Holds out round(fraction · n) images chosen by a Fisher-Yates shuffle keyed by the seed (so the split is the
     * same on every run and JVM). Fraction 0: nothing held out (an empty validation set).
     */
    static Split holdOut(ImageDataset d, double fraction, long seed) {
        int n = d.size();
        int k = (int) Math.round(fraction * n);
        if (fraction > 0 && (k < 1 || k >= n)) {
            throw new RobustifyException(String.format(java.util.Locale.ROOT, "--val-fraction %s of %d fine-tuning "
                    + "images leaves %d for validation and %d for training; both need at least one", fraction, n, k,
                    n - k));
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed ^ 0x76616C5F73706C74L); // "val_splt": not the data order's
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] held = Arrays.copyOf(order, k);
        Arrays.sort(held);
        boolean[] isHeld = new boolean[n];
        for (int i : held) {
            isHeld[i] = true;
        }
        int[] rest = new int[n - k];
        for (int i = 0, r = 0; i < n; i++) {
            if (!isHeld[i]) {
                rest[r++] = i;
            }
        }
        return new Split(select(d, rest, "train"), select(d, held, "validation"), held);
    }

    private static ImageDataset select(ImageDataset d, int[] indices, String what) {
        int bytes = d.imageBytes();
        byte[] pixels = new byte[indices.length * bytes];
        int[] labels = new int[indices.length];
        for (int j = 0; j < indices.length; j++) {
            System.arraycopy(d.pixels(), indices[j] * bytes, pixels, j * bytes, bytes);
            labels[j] = d.labels()[indices[j]];
        }
        return new ImageDataset(d.name() + "[" + what + "]", pixels, labels, d.height(), d.width(), d.channels(),
                d.classNames());
    }

    /** The images whose label is below {@code k}, relabelled as a k-class set (labels unchanged). */
    static ImageDataset firstClasses(ImageDataset d, int k) {
        if (k < 1 || k > d.numClasses()) {
            throw new RobustifyException("cannot keep " + k + " of " + d.numClasses() + " classes");
        }
        int n = 0;
        for (int label : d.labels()) {
            n += label < k ? 1 : 0;
        }
        int bytes = d.imageBytes();
        byte[] pixels = new byte[n * bytes];
        int[] labels = new int[n];
        int j = 0;
        for (int i = 0; i < d.size(); i++) {
            if (d.labels()[i] < k) {
                System.arraycopy(d.pixels(), i * bytes, pixels, j * bytes, bytes);
                labels[j++] = d.labels()[i];
            }
        }
        return new ImageDataset(d.name() + "[classes<" + k + "]", pixels, labels, d.height(), d.width(),
                d.channels(), d.classNames().subList(0, k));
    }
}
