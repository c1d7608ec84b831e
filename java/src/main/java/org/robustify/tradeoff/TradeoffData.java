package org.robustify.tradeoff;

import java.nio.file.Path;

import org.robustify.data.FashionMnist;
import org.robustify.data.ImageDataset;
import org.robustify.runtime.RobustifyException;

/**
 * The study's splits of Fashion-MNIST. Pre-training sees only the first half of the training split, and only its
 * classes 0..{@value #PRETRAIN_CLASSES}-1 (a 5-way task: T-shirt, trouser, pullover, dress, coat). Fine-tuning is
 * the full 10-way task on the other half (images the backbone never saw, and five classes it never saw), so the
 * "pre-trained" model transfers to a related but new task, as ImageNet-21k → CIFAR does in the paper. Evaluation:
 * the first images of the test split.
 */
public record TradeoffData(ImageDataset pretrain, ImageDataset finetune, ImageDataset test) {
    public static final int PRETRAIN_CLASSES = 5;

    public static TradeoffData load(Path dir, int testImages) {
        Path resolved = FashionMnist.resolveDir(dir);
        ImageDataset train = FashionMnist.load(resolved, FashionMnist.Split.TRAIN);
        int half = train.size() / 2;
        ImageDataset test = FashionMnist.load(resolved, FashionMnist.Split.TEST).head(testImages);
        return new TradeoffData(firstClasses(train.slice(0, half), PRETRAIN_CLASSES), train.slice(half, train.size()),
                test);
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
