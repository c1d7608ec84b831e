package org.robustify.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustify.corrupt.Corruption;
import org.robustify.data.FashionMnist;
import org.robustify.data.ImageDataset;
import org.robustify.model.CnnSmall;
import org.robustify.model.ImageClassifier;
import org.robustify.model.InputSpec;
import org.robustify.model.ModelZoo;
import org.robustify.model.weights.DeterministicWeights;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.RobustifyException;
import org.robustify.train.Evaluation;

class CorruptionSuiteTest {
    private static final List<Corruption> TWO = List.of(Corruption.GAUSSIAN_NOISE, Corruption.DEFOCUS_BLUR);
    private static final float[] HALF = {0.5f};
    private static final float[] QUARTER = {0.25f};

    @TempDir
    Path dir;

    @BeforeAll
    static void init() {
        NativeRuntime.init(2);
    }

    private static ImageDataset fashion(int n) {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "dataset-fashion-mnist not installed");
        return FashionMnist.load(FashionMnist.resolveDir(null), FashionMnist.Split.TEST).head(n);
    }

    private static ImageClassifier cnnSmall() {
        ImageClassifier model = ModelZoo.create(CnnSmall.NAME, new InputSpec(1, 28, 28, 10));
        DeterministicWeights.fill(model.module());
        return model;
    }

    /**
     * 28x28 grey images, uniformly dark (class 0) or bright (class 1) with a little texture; every fourth image is
     * bright. Noise and blur keep each image's mean on its side of 0.5, so the image mean recovers the label.
     */
    private static ImageDataset darkAndBright(int n) {
        int per = 28 * 28;
        byte[] pixels = new byte[n * per];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 4 == 0 ? 1 : 0;
            int base = labels[i] == 1 ? 215 : 40;
            for (int p = 0; p < per; p++) {
                pixels[i * per + p] = (byte) (base + ((p * 7 + i) % 21) - 10);
            }
        }
        return new ImageDataset("dark-bright", pixels, labels, 28, 28, 1, List.of("dark", "bright"));
    }

    /** Normalised with mean 0.5: a positive image mean means "bright". */
    private static Tensor oracleLogits(Tensor x) {
        Tensor m = x.mean(new long[] {1, 2, 3}, false, new org.bytedeco.pytorch.ScalarTypeOptional());
        return torch.stack(new org.bytedeco.pytorch.TensorVector(m.neg(), m), 1);
    }

    /** A fixed random linear map of the pixels: cheap, and sensitive to every pixel. */
    private static Predictor linear() {
        torch.manual_seed(5);
        Tensor w = torch.randn(784, 10).mul_(new org.bytedeco.pytorch.Scalar(0.05));
        return x -> x.reshape(x.size(0), 784).matmul(w);
    }

    private static SuiteOptions small() {
        return SuiteOptions.defaults().withCorruptions(TWO).withSeverities(1, 5).withSeed(7);
    }

    @Test
    void cleanAccuracyAndNllEqualTrainEvaluation() {
        ImageDataset data = fashion(64);
        ImageClassifier model = cnnSmall();
        SuiteResult r = CorruptionSuite.run(model, data, FashionMnist.MEAN, FashionMnist.STD,
                small().withBatchSize(16));
        Evaluation.Result e = Evaluation.evaluate(model, data, 16, FashionMnist.MEAN, FashionMnist.STD);
        assertEquals(64, r.count());
        assertEquals(e.accuracy(), r.cleanAccuracy());
        assertEquals(e.meanLoss(), r.cleanNll(), 1e-12);
        assertTrue(model.module().is_training(), "the model's training flag must be restored");
    }

    @Test
    void resultsDoNotDependOnBatchSize() {
        ImageDataset data = fashion(64);
        Predictor model = linear();
        SuiteResult a = CorruptionSuite.run(model, data, FashionMnist.MEAN, FashionMnist.STD, small().withBatchSize(16));
        SuiteResult b = CorruptionSuite.run(model, data, FashionMnist.MEAN, FashionMnist.STD, small().withBatchSize(64));
        assertEquals(List.of("gaussian_noise", "defocus_blur"), a.corruptions());
        for (String c : a.corruptions()) {
            assertArrayEquals(a.accuracy(c), b.accuracy(c), c);
            assertArrayEquals(a.nll(c), b.nll(c), 1e-5, c);
        }
        assertEquals(a.cleanAccuracy(), b.cleanAccuracy());
        // The corruptions must actually change what the model sees (else the test above proves nothing).
        assertNotEquals(a.cleanNll(), a.nll("gaussian_noise")[1], 1e-3);
        SuiteResult otherSeed = CorruptionSuite.run(model, data, FashionMnist.MEAN, FashionMnist.STD,
                small().withBatchSize(16).withSeed(8));
        assertNotEquals(a.nll("gaussian_noise")[1], otherSeed.nll("gaussian_noise")[1]);
    }

    @Test
    void oracleIsRightEverywhere() {
        SuiteResult r = CorruptionSuite.run(CorruptionSuiteTest::oracleLogits, darkAndBright(48), HALF, QUARTER,
                small().withBatchSize(20));
        assertEquals(1.0, r.cleanAccuracy());
        for (String c : r.corruptions()) {
            assertArrayEquals(new double[] {1, 1}, r.accuracy(c), c);
        }
        assertEquals(1.0, r.meanCorruptionAccuracy());
    }

    @Test
    void constantPredictorHasKnownAccuracyAndNll() {
        // Always "dark" with probability 3/4: right on the 3/4 of images that are dark.
        Predictor constant = x -> torch.tensor(new float[] {(float) Math.log(0.75), (float) Math.log(0.25)})
                .reshape(1, 2).expand(x.size(0), 2).contiguous();
        double nll = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
        SuiteResult r = CorruptionSuite.run(constant, darkAndBright(100), HALF, QUARTER,
                small().withBatchSize(32).withLimit(40));
        assertEquals(40, r.count());
        assertEquals(0.75, r.cleanAccuracy());
        assertEquals(nll, r.cleanNll(), 1e-6);
        for (String c : r.corruptions()) {
            assertArrayEquals(new double[] {0.75, 0.75}, r.accuracy(c), c);
            assertArrayEquals(new double[] {nll, nll}, r.nll(c), 1e-6, c);
        }
        assertEquals(0.75, r.perCorruptionMeanAccuracy().get("defocus_blur"));
    }

    @Test
    void hookSeesEveryBatchOfEveryCell() {
        List<String> cells = new ArrayList<>();
        AtomicLong images = new AtomicLong();
        SuiteOptions o = small().withBatchSize(16).withHook((c, s, batch, logits) -> {
            cells.add(c + "@" + s);
            images.addAndGet(logits.size(0));
        });
        CorruptionSuite.run(CorruptionSuiteTest::oracleLogits, darkAndBright(40), HALF, QUARTER, o);
        assertEquals(3 * 5, cells.size(), "3 batches x (clean + 2 corruptions x 2 severities)");
        assertEquals(40L * 5, images.get());
        assertEquals(List.of("identity@0", "gaussian_noise@1", "gaussian_noise@5", "defocus_blur@1",
                "defocus_blur@5"), cells.subList(0, 5));
    }

    @Test
    void jsonRoundTripKeepsEveryNumber() {
        SuiteResult r = CorruptionSuite.run(CorruptionSuiteTest::oracleLogits, darkAndBright(24), HALF, QUARTER,
                small().withBatchSize(8));
        Path file = dir.resolve("suite.json");
        r.write(file);
        SuiteResult back = SuiteResult.read(file);
        assertEquals(r.cleanAccuracy(), back.cleanAccuracy());
        assertEquals(r.cleanNll(), back.cleanNll());
        assertEquals(r.count(), back.count());
        assertEquals(r.seed(), back.seed());
        assertArrayEquals(r.severities(), back.severities());
        assertEquals(r.corruptions(), back.corruptions());
        for (String c : r.corruptions()) {
            assertArrayEquals(r.accuracy(c), back.accuracy(c));
            assertArrayEquals(r.nll(c), back.nll(c));
        }
        assertEquals(r.timing(), back.timing());
        assertEquals(r.meanCorruptionAccuracy(), back.meanCorruptionAccuracy());
        assertThrows(RobustifyException.class, () -> SuiteResult.fromJson("{\"count\": 3}"));
        assertThrows(RobustifyException.class, () -> SuiteResult.fromJson("not json"));
    }

    @Test
    void defaultsAreTheBenchmarkAndBadOptionsAreRejected() {
        SuiteOptions d = SuiteOptions.defaults();
        assertEquals(Corruption.benchmark(), d.corruptions());
        assertArrayEquals(new int[] {1, 2, 3, 4, 5}, d.severities());
        assertEquals(3, d.withEngine(org.robustify.corrupt.CorruptOptions.seed(9)).withSeed(3).engine().seed(),
                "the suite's seed wins over the engine options' seed");
        assertThrows(RobustifyException.class, () -> d.withBatchSize(0));
        assertThrows(RobustifyException.class, () -> d.withSeverities(0));
        assertThrows(RobustifyException.class, () -> d.withSeverities(2, 2));
        assertThrows(RobustifyException.class, () -> d.withLimit(-1));
        assertThrows(RobustifyException.class, () -> d.withCorruptions(List.of(Corruption.IDENTITY)));
        assertThrows(RobustifyException.class,
                () -> d.withCorruptions(List.of(Corruption.FOG, Corruption.FOG)));
        Predictor wrongShape = x -> torch.zeros(3);
        RobustifyException e = assertThrows(RobustifyException.class, () -> CorruptionSuite.run(wrongShape,
                darkAndBright(8), HALF, QUARTER, small()));
        assertTrue(e.getMessage().contains("[N, C]"), e.getMessage());
    }
}
