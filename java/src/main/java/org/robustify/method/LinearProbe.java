package org.robustify.method;

import java.util.Arrays;
import java.util.function.Function;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.AdamOptions;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.robustify.data.Batch;
import org.robustify.data.BatchLoader;
import org.robustify.data.BatchTensors;
import org.robustify.data.ImageDataset;
import org.robustify.runtime.RobustifyException;

/**
 * Transfer by linear probing: frozen features of a train and a test set, standardised with the train set's
 * per-dimension mean and std, then a multinomial logistic regression trained full-batch with Adam (L2 weight decay,
 * a fixed number of steps, zero-initialised weights). No randomness is involved, so a probe is reproducible
 * for a fixed thread count.
 *
 * <p>The extractor receives normalised float32 NCHW images on the CPU and may return features on any device (they
 * are copied back to the CPU); a GPU model needs an extractor that moves the images first. The caller puts the model
 * in eval mode: a ResNet in train mode would normalise with batch statistics and move its running statistics.
 */
public final class LinearProbe {
    /**
     * @param steps        full-batch Adam steps
     * @param lr           Adam learning rate
     * @param weightDecay  L2 penalty on the weights (Adam's coupled weight decay)
     * @param batchSize    images per feature-extraction pass
     */
    public record Options(int steps, double lr, double weightDecay, int batchSize) {
        public Options {
            if (steps < 1 || !(lr > 0) || !(weightDecay >= 0) || batchSize < 1) {
                throw new RobustifyException("linear probe options: steps >= 1, lr > 0, weight decay >= 0 and batch "
                        + "size >= 1 required; got steps " + steps + ", lr " + lr + ", weight decay " + weightDecay
                        + ", batch size " + batchSize);
            }
        }

        public static Options defaults() {
            return new Options(300, 0.01, 1e-4, 256);
        }
    }

    public record Result(double trainAccuracy, double testAccuracy, int trainSize, int testSize, long featureDim,
            int classes, int steps, double seconds) {}

    /** Features as a float32 CPU tensor [N, D] (libtorch-owned; call inside the caller's scope). */
    public record Features(Tensor values, int[] labels, int classes) {}

    private LinearProbe() {}

    /** Probes {@code extractor}'s features of {@code train} and {@code test} (which must share class names). */
    public static Result run(Function<Tensor, Tensor> extractor, ImageDataset train, ImageDataset test, float[] mean,
            float[] std, Options o) {
        if (!train.classNames().equals(test.classNames())) {
            throw new RobustifyException("linear probe: train (" + train.name() + ") and test (" + test.name()
                    + ") sets have different classes: " + train.classNames() + " vs " + test.classNames());
        }
        try (PointerScope scope = new PointerScope()) {
            Features tr = extract(extractor, train, mean, std, o.batchSize());
            Features te = extract(extractor, test, mean, std, o.batchSize());
            return fit(tr, te, o);
        }
    }

    /** Runs the frozen extractor over the dataset in order, in eval-style no-grad batches. */
    public static Features extract(Function<Tensor, Tensor> extractor, ImageDataset data, float[] mean, float[] std,
            int batchSize) {
        if (data.size() == 0) {
            throw new RobustifyException("linear probe: " + data.name() + " is empty");
        }
        float[] values = null;
        long dim = -1;
        int at = 0;
        try (BatchLoader loader = new BatchLoader(data, batchSize, false, 0, 0, false, 2)) {
            for (Batch b : loader) {
                try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
                    Tensor f = extractor.apply(BatchTensors.images(b, mean, std));
                    if (f.dim() != 2 || f.size(0) != b.size()) {
                        throw new RobustifyException("linear probe: the feature extractor returned shape "
                                + Arrays.toString(f.sizes().vec().get()) + " for " + b.size()
                                + " images; expected [N, D]");
                    }
                    if (values == null) {
                        dim = f.size(1);
                        values = new float[Math.toIntExact(Math.multiplyExact(dim, (long) data.size()))];
                    }
                    Tensor c = f.to(ScalarType.Float).cpu().contiguous();
                    int n = Math.toIntExact(b.size() * dim);
                    new FloatPointer(c.data_ptr()).capacity(n).get(values, at, n);
                    at += n;
                }
            }
        }
        try (FloatPointer p = new FloatPointer(values)) {
            Tensor t = torch.from_blob(p, new long[] {data.size(), dim}, new TensorOptions(ScalarType.Float)).clone();
            return new Features(t, data.labels().clone(), data.numClasses());
        }
    }

    /** Trains the probe on {@code train} features and scores it on both sets. */
    public static Result fit(Features train, Features test, Options o) {
        long start = System.nanoTime();
        long dim = train.values().size(1);
        if (test.values().size(1) != dim || train.classes() != test.classes()) {
            throw new RobustifyException("linear probe: train and test features differ in dimension or classes");
        }
        Tensor mu = train.values().mean(new long[] {0}, true, new ScalarTypeOptional());
        Tensor sigma = train.values().std(new long[] {0}, false, true)
                .clamp_min(new Scalar(1e-6));
        Tensor x = train.values().sub(mu).div(sigma);
        Tensor xTest = test.values().sub(mu).div(sigma);
        Tensor y = labels(train.labels());
        Tensor yTest = labels(test.labels());

        Tensor w = torch.zeros(dim, train.classes()).requires_grad_(true);
        Tensor bias = torch.zeros(train.classes()).requires_grad_(true);
        TensorVector params = new TensorVector(w, bias);
        AdamOptions ao = new AdamOptions(o.lr());
        ao.weight_decay().put(o.weightDecay());
        Adam adam = new Adam(params, ao);
        for (int step = 0; step < o.steps(); step++) {
            try (PointerScope scope = new PointerScope()) {
                adam.zero_grad();
                torch.cross_entropy(x.mm(w).add(bias), y).backward();
                adam.step();
            }
        }
        double trainAcc;
        double testAcc;
        try (NoGradGuard noGrad = new NoGradGuard()) {
            trainAcc = accuracy(x.mm(w).add(bias), y);
            testAcc = accuracy(xTest.mm(w).add(bias), yTest);
        }
        return new Result(trainAcc, testAcc, train.labels().length, test.labels().length, dim, train.classes(),
                o.steps(), (System.nanoTime() - start) / 1e9);
    }

    private static double accuracy(Tensor logits, Tensor y) {
        return logits.argmax(new LongOptional(1), false).eq(y).sum().item_long() / (double) y.size(0);
    }

    private static Tensor labels(int[] labels) {
        long[] l = new long[labels.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = labels[i];
        }
        try (LongPointer p = new LongPointer(l)) {
            return torch.from_blob(p, new long[] {l.length}, new TensorOptions(ScalarType.Long)).clone();
        }
    }
}
