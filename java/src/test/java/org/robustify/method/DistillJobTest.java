package org.robustify.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustify.data.FashionMnist;
import org.robustify.data.ImageDataset;
import org.robustify.loss.DistillOptions;
import org.robustify.model.ImageClassifier;
import org.robustify.model.InputSpec;
import org.robustify.model.ModelOptions;
import org.robustify.model.Parameters;
import org.robustify.model.branch.BranchedModel;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.RobustifyException;
import org.robustify.train.LrSchedule;
import org.robustify.train.RunModel;
import org.robustify.train.SupervisedJob;
import org.robustify.train.TrainConfig;
import org.robustify.train.Trainer;
import org.robustify.train.augment.Augmenter;
import org.robustify.train.augment.Augmenters;
import org.robustify.util.Json;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The method end to end on a few steps: pre-trained student, AugMix teacher, distillation with calibration. The
 * original path must come out bit-identical; the run must be loadable and predict with head selection.
 */
class DistillJobTest {
    private static final InputSpec SPEC = new InputSpec(1, 28, 28, 10);
    private static final ModelOptions RESNET = new ModelOptions(ModelOptions.STEM_IMAGENET, 0, 0);

    @TempDir
    Path dir;

    @BeforeAll
    static void init() {
        NativeRuntime.init(2);
    }

    private static TrainConfig config(String model, ModelOptions options, Path out, int limit) {
        return new TrainConfig(model, 1, 64, 1e-3, 1e-4, 5, 2, limit, 200, 200, null, out, List.of(), false, "adamw",
                LrSchedule.COSINE, 2, 0, 0, false, options);
    }

    private Path student() {
        Path out = dir.resolve("student");
        new Trainer(config("resnet18", RESNET, out, 256)).run();
        return out;
    }

    private Path teacher(Augmenter augmix) {
        Path out = dir.resolve("teacher");
        new Trainer(config("cnn-small", ModelOptions.DEFAULT, out, 256),
                SupervisedJob.factory(new SupervisedJob.Options("teacher", augmix, 12, null, null))).run();
        return out;
    }

    private static DistillSettings settings(Path student, Path teacher, String tune, Augmenter a) {
        return new DistillSettings(student, teacher, tune, a, 4, 1, 1, DistillOptions.Weighting.ENTROPY, false, 150,
                List.of(3), 0);
    }

    @Test
    void distillationKeepsTheOriginalBitIdenticalAndCalibratesHeadSelection() throws Exception {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "dataset-fashion-mnist not installed");
        Augmenter augmix = Augmenters.augmix(3, -1, 3, 1, false, 11);
        Path student = student();
        Path teacher = teacher(augmix);
        Path method = dir.resolve("method");
        Trainer.Summary s = new Trainer(config("resnet18", RESNET, method, 256),
                DistillJob.factory(settings(student, teacher, "last:2", augmix))).run();
        assertTrue(s.trainableParameters() < s.totalParameters() / 2, "only the branch and heads train");

        ImageDataset test = FashionMnist.load(FashionMnist.resolveDir(null), FashionMnist.Split.TEST).head(64);
        ImageClassifier pre = RunModel.read(student).build(SPEC);
        BranchedModel tuned = RunModel.read(method).buildBranched(SPEC);
        pre.module().eval();
        tuned.eval();
        Map<String, Tensor> before = Parameters.named(pre.module());
        Map<String, Tensor> after = Parameters.named(tuned);
        for (var e : before.entrySet()) {
            assertTrue(torch.equal(e.getValue(), after.get("original." + e.getKey())), e.getKey() + " changed");
        }
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Tensor x = org.robustify.data.BatchTensors.images(new org.robustify.data.Batch(test.pixels(),
                    java.util.Arrays.stream(test.labels()).asLongStream().toArray(), new int[64], 28, 28, 1),
                    FashionMnist.MEAN, FashionMnist.STD);
            assertTrue(torch.equal(pre.forward(x), tuned.forwardAll(x).orig()), "original outputs bit-identical");
            assertTrue(!torch.equal(tuned.forwardAll(x).orig(), tuned.forwardAll(x).robust()), "the robust head moved");
        }

        JsonNode manifest = Json.MAPPER.readTree(method.resolve("manifest.json").toFile());
        assertEquals("distill", manifest.get("command").asText());
        assertEquals("completed", manifest.get("status").asText());
        assertTrue(Files.isRegularFile(method.resolve(Calibrate.FILE)));
        RunPredictor p = RunPredictor.open(RunModel.read(method), SPEC, HeadPolicy.SELECT, null);
        Prediction.Result r = Prediction.run(p.predictor(), test, FashionMnist.MEAN, FashionMnist.STD, 32, null, 0, 0);
        assertEquals(64, r.predictions().length);
        assertEquals(64, p.selector().routing().total());
    }

    @Test
    void anInterruptedDistillationResumesToTheSameBits() throws Exception {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "dataset-fashion-mnist not installed");
        Augmenter augmix = Augmenters.augmix(3, -1, 3, 1, false, 11);
        Path student = student();
        Path teacher = teacher(augmix);
        DistillSettings settings = settings(student, teacher, "last:1", augmix);
        Path whole = dir.resolve("whole");
        new Trainer(config("resnet18", RESNET, whole, 256), DistillJob.factory(settings)).run();
        Path parts = dir.resolve("parts");
        TrainConfig first = config("resnet18", RESNET, parts, 256);
        Trainer.Summary stopped = new Trainer(new TrainConfig(first.model(), 1, 64, 1e-3, 1e-4, 5, 2, 256, 200, 200,
                null, parts, List.of(), false, "adamw", LrSchedule.COSINE, 2, 0, 2, false, RESNET),
                DistillJob.factory(settings)).run();
        assertTrue(stopped.stopped());
        new Trainer(new TrainConfig(first.model(), 1, 64, 1e-3, 1e-4, 5, 2, 256, 200, 200, null, parts, List.of(),
                false, "adamw", LrSchedule.COSINE, 2, 0, 0, true, RESNET), DistillJob.factory(settings)).run();
        Map<String, Tensor> a = Parameters.named(RunModel.read(whole).buildBranched(SPEC));
        Map<String, Tensor> b = Parameters.named(RunModel.read(parts).buildBranched(SPEC));
        for (var e : a.entrySet()) {
            assertTrue(torch.equal(e.getValue(), b.get(e.getKey())), e.getKey() + " differs after resume");
        }
        JsonNode t1 = Json.MAPPER.readTree(whole.resolve(Calibrate.FILE).toFile());
        JsonNode t2 = Json.MAPPER.readTree(parts.resolve(Calibrate.FILE).toFile());
        assertEquals(t1.get("tau_u"), t2.get("tau_u"));
        assertEquals(t1.get("model_fingerprint"), t2.get("model_fingerprint"));
    }

    @Test
    void badInputIsRefusedBeforeTraining() throws Exception {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "dataset-fashion-mnist not installed");
        Augmenter augmix = Augmenters.augmix(3, -1, 3, 1, false, 11);
        Path student = student();
        RobustifyException missing = assertThrows(RobustifyException.class, () -> new Trainer(config("resnet18",
                RESNET, dir.resolve("m1"), 64), DistillJob.factory(settings(student, dir.resolve("nope"), "last:2",
                        augmix))).run());
        assertTrue(missing.getMessage().contains("nope"), missing.getMessage());
        RobustifyException tooDeep = assertThrows(RobustifyException.class, () -> new Trainer(config("resnet18",
                RESNET, dir.resolve("m2"), 64), DistillJob.factory(settings(student, null, "last:9", augmix))).run());
        assertTrue(tooDeep.getMessage().contains("9"), tooDeep.getMessage());
        assertThrows(RobustifyException.class, () -> settings(student, null, "kind:bias", augmix));
        Files.writeString(dir.resolve("student").resolve("model.pt"), "not a checkpoint");
        RobustifyException corrupt = assertThrows(RobustifyException.class, () -> new Trainer(config("resnet18",
                RESNET, dir.resolve("m3"), 64), DistillJob.factory(settings(student, null, "last:2", augmix))).run());
        assertTrue(corrupt.getMessage().contains("model.pt"), corrupt.getMessage());
    }
}
