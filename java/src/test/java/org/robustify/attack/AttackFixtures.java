package org.robustify.attack;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;
import org.robustify.data.Batch;
import org.robustify.data.BatchLoader;
import org.robustify.data.BatchTensors;
import org.robustify.data.FashionMnist;
import org.robustify.data.ImageDataset;
import org.robustify.model.CnnSmall;
import org.robustify.model.InputSpec;
import org.robustify.train.TrainStep;

/** A cnn-small trained briefly on Fashion-MNIST (shared by the attack and bench tests; trained once per JVM). */
public final class AttackFixtures {
    private static CnnSmall model;
    private static ImageDataset test;

    private AttackFixtures() {}

    public static synchronized CnnSmall trainedCnn() {
        if (model == null) {
            ImageDataset train = fashion(FashionMnist.Split.TRAIN).head(1500);
            torch.manual_seed(7);
            CnnSmall m = new CnnSmall(new InputSpec(1, 28, 28, 10));
            TrainStep step = new TrainStep(m, 3e-3, 0);
            for (int epoch = 0; epoch < 3; epoch++) {
                try (BatchLoader loader = new BatchLoader(train, 64, true, 7, epoch, true, 2)) {
                    for (Batch b : loader) {
                        try (PointerScope scope = new PointerScope()) {
                            step.step(BatchTensors.images(b, FashionMnist.MEAN, FashionMnist.STD),
                                    BatchTensors.labels(b));
                        }
                    }
                }
            }
            m.eval();
            model = m;
        }
        return model;
    }

    public static synchronized ImageDataset testImages(int n) {
        if (test == null) {
            test = fashion(FashionMnist.Split.TEST);
        }
        return test.head(n);
    }

    private static ImageDataset fashion(FashionMnist.Split split) {
        assumeTrue(Files.isDirectory(FashionMnist.resolveDir(null)), "dataset-fashion-mnist not installed");
        return FashionMnist.load(FashionMnist.resolveDir(null), split);
    }
}
