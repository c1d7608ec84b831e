package org.robustify.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.AdamOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustify.data.FashionMnist;
import org.robustify.model.CnnSmall;
import org.robustify.model.InputSpec;
import org.robustify.model.ModelOptions;
import org.robustify.model.Parameters;
import org.robustify.model.weights.SafeTensors;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.RobustifyException;
import org.robustify.util.Json;

import com.fasterxml.jackson.databind.JsonNode;

/** Interrupted + resumed equals uninterrupted, bit for bit (same threads), and the pieces that make it so. */
class ResumeTest {
    private static final InputSpec SPEC = new InputSpec(1, 28, 28, 10);

    @TempDir
    Path dir;

    @BeforeAll
    static void init() {
        NativeRuntime.init(2);
    }

    /** The Java Adam replays libtorch's Adam op for op: parameters stay bit-identical over several steps. */
    @Test
    void javaAdamIsBitIdenticalToLibtorchAdam() {
        torch.manual_seed(7);
        CnnSmall a = new CnnSmall(SPEC);
        torch.manual_seed(7);
        CnnSmall b = new CnnSmall(SPEC);
        TrainStep ours = new TrainStep(a, 3e-3, 0.01);
        AdamOptions options = new AdamOptions(3e-3);
        options.weight_decay().put(0.01);
        Adam theirs = new Adam(Parameters.trainable(b), options);
        Tensor x = torch.randn(16, 1, 28, 28);
        Tensor y = torch.randint(10L, new long[] {16});
        for (int i = 0; i < 5; i++) {
            try (PointerScope scope = new PointerScope()) {
                ours.step(x, y);
                theirs.zero_grad();
                torch.cross_entropy(b.forward(x), y).backward();
                theirs.step();
            }
        }
        Map<String, Tensor> pa = Parameters.named(a);
        Map<String, Tensor> pb = Parameters.named(b);
        for (String name : pa.keySet()) {
            assertTrue(pa.get(name).equal(pb.get(name)), name + " differs from libtorch's Adam");
        }
    }

    @Test
    void cosineScheduleWarmsUpThenDecaysToZero() {
        LrSchedule s = new LrSchedule(LrSchedule.COSINE, 1e-3, 4, 104);
        assertEquals(0.25e-3, s.lr(0), 1e-15);
        assertEquals(1e-3, s.lr(3), 1e-15);
        assertEquals(1e-3, s.lr(4), 1e-15);
        assertEquals(0.5e-3, s.lr(54), 1e-12);
        assertEquals(0, s.lr(104), 1e-15);
        assertEquals(1e-3, new LrSchedule(LrSchedule.CONSTANT, 1e-3, 0, 0).lr(1000), 0);
        assertThrows(RobustifyException.class, () -> new LrSchedule("linear", 1e-3, 0, 10));
        assertThrows(RobustifyException.class, () -> new LrSchedule(LrSchedule.COSINE, 1e-3, 10, 10));
    }

    /** The test: epoch 1, stop, resume for epoch 2 == 2 epochs at once (cnn-small, Adam, constant lr). */
    @Test
    void cnnSmallResumedAfterEpochOneEqualsUninterrupted() throws Exception {
        assumeData();
        Path whole = dir.resolve("whole");
        Path parts = dir.resolve("parts");
        new Trainer(config("cnn-small", 2, whole, "adam", "constant", 0, 0, false, ModelOptions.DEFAULT)).run();
        new Trainer(config("cnn-small", 1, parts, "adam", "constant", 0, 0, false, ModelOptions.DEFAULT)).run();
        assertEquals(1, Files.readAllLines(parts.resolve(Trainer.METRICS)).size());
        Trainer.Summary resumed = new Trainer(config("cnn-small", 2, parts, "adam", "constant", 0, 0, true,
                ModelOptions.DEFAULT)).run();
        assertEquals(16, resumed.steps());
        assertSameRun(whole, parts);
        JsonNode manifest = Json.MAPPER.readTree(parts.resolve(Trainer.MANIFEST).toFile());
        assertEquals(8, manifest.at("/resumed_from/global_step").asInt());
        assertEquals("completed", manifest.get("status").asText());
    }

    /**
     * A zoo model stopped mid-epoch (AdamW, cosine with warm-up, checkpoints every 3 steps): ViT-Ti cut to 2 blocks,
     * 7x7 tokens of 4x4 patches.
     */
    @Test
    void vitStoppedMidEpochAndResumedEqualsUninterrupted() throws Exception {
        assumeData();
        ModelOptions vit = new ModelOptions(null, 4, 2);
        Path whole = dir.resolve("whole");
        Path parts = dir.resolve("parts");
        new Trainer(config("vit_tiny", 2, whole, "adamw", "cosine", 3, 0, false, vit)).run();
        Trainer.Summary first = new Trainer(config("vit_tiny", 2, parts, "adamw", "cosine", 3, 5, false, vit)).run();
        assertTrue(first.stopped());
        JsonNode pointer = Json.MAPPER.readTree(parts.resolve(ResumableCheckpoint.POINTER).toFile());
        assertEquals(5, pointer.get("global_step").asInt());
        assertEquals(5, pointer.get("batch_in_epoch").asInt(), "stopped inside epoch 1");
        new Trainer(config("vit_tiny", 2, parts, "adamw", "cosine", 3, 0, true, vit)).run();
        assertSameRun(whole, parts);
    }

    @Test
    void resumeRefusesMissingCheckpointsAndChangedConfigs() {
        assumeData();
        Path run = dir.resolve("run");
        RobustifyException none = assertThrows(RobustifyException.class, () -> new Trainer(config("cnn-small", 1,
                run, "adam", "constant", 0, 0, true, ModelOptions.DEFAULT)).run());
        assertTrue(none.getMessage().contains("does not exist"), none.getMessage());
        new Trainer(config("cnn-small", 1, run, "adam", "cosine", 0, 4, false, ModelOptions.DEFAULT)).run();
        RobustifyException changed = assertThrows(RobustifyException.class, () -> new Trainer(config("cnn-small",
                1, run, "adamw", "cosine", 0, 0, true, ModelOptions.DEFAULT)).run());
        assertTrue(changed.getMessage().contains("optimizer: checkpoint \"adam\", now \"adamw\""),
                changed.getMessage());
        RobustifyException horizon = assertThrows(RobustifyException.class, () -> new Trainer(config("cnn-small",
                3, run, "adam", "cosine", 0, 0, true, ModelOptions.DEFAULT)).run());
        assertTrue(horizon.getMessage().contains("resume with --epochs 1"), horizon.getMessage());
        RobustifyException fresh = assertThrows(RobustifyException.class, () -> new Trainer(config("cnn-small", 1,
                run, "adam", "cosine", 0, 0, false, ModelOptions.DEFAULT)).run());
        assertTrue(fresh.getMessage().contains("--resume"), fresh.getMessage());
    }

    @Test
    void checkpointFolderHoldsEverythingAndNoTemporaries() throws Exception {
        assumeData();
        Path run = dir.resolve("run");
        new Trainer(config("cnn-small", 1, run, "adam", "constant", 3, 0, false, ModelOptions.DEFAULT)).run();
        JsonNode pointer = Json.MAPPER.readTree(run.resolve(ResumableCheckpoint.POINTER).toFile());
        assertEquals("checkpoints/step-000000008", pointer.get("latest").asText());
        try (var s = Files.list(run.resolve(ResumableCheckpoint.DIR))) {
            assertEquals(List.of("step-000000008"), s.map(p -> p.getFileName().toString()).toList(),
                    "only the latest checkpoint is kept, no temporary folders");
        }
        Path ckpt = run.resolve(pointer.get("latest").asText());
        for (String f : List.of("model.safetensors", "optimizer.safetensors", "rng.safetensors", "state.json",
                "manifest.json")) {
            assertTrue(Files.isRegularFile(ckpt.resolve(f)), f);
        }
        Map<String, Tensor> model = SafeTensors.read(ckpt.resolve("model.safetensors"));
        assertTrue(model.containsKey("bn1.running_mean"), "buffers are saved: " + model.keySet());
        Map<String, Tensor> opt = SafeTensors.read(ckpt.resolve("optimizer.safetensors"));
        assertEquals(8, opt.get("conv1.weight.step").item_long());
        JsonNode manifest = Json.MAPPER.readTree(ckpt.resolve("manifest.json").toFile());
        assertTrue(manifest.has("git_commit") && manifest.has("versions") && manifest.has("config"));
        assertEquals(8, manifest.at("/checkpoint/global_step").asInt());
    }

    private static void assertSameRun(Path a, Path b) throws Exception {
        Path ca = latest(a);
        Path cb = latest(b);
        assertEquals(ca.getFileName(), cb.getFileName());
        for (String file : List.of(ResumableCheckpoint.MODEL, ResumableCheckpoint.OPTIMIZER,
                ResumableCheckpoint.RNG)) {
            try (PointerScope scope = new PointerScope()) {
                Map<String, Tensor> ta = SafeTensors.read(ca.resolve(file));
                Map<String, Tensor> tb = SafeTensors.read(cb.resolve(file));
                assertEquals(ta.keySet(), tb.keySet(), file);
                List<String> differ = new ArrayList<>();
                ta.forEach((k, v) -> {
                    if (!v.equal(tb.get(k))) {
                        differ.add(k);
                    }
                });
                assertTrue(differ.isEmpty(), file + ": resumed run differs in " + differ);
            }
        }
        assertEquals(deterministicMetrics(a), deterministicMetrics(b));
    }

    private static Path latest(Path run) throws Exception {
        JsonNode pointer = Json.MAPPER.readTree(run.resolve(ResumableCheckpoint.POINTER).toFile());
        return run.resolve(pointer.get("latest").asText());
    }

    /** metrics.jsonl without timing and memory fields. */
    private static List<Map<String, Object>> deterministicMetrics(Path run) throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve(Trainer.METRICS))) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = new LinkedHashMap<>(Json.MAPPER.readValue(line, Map.class));
            m.keySet().removeAll(Trainer.TIMING_METRICS);
            out.add(m);
        }
        assertFalse(out.isEmpty());
        return out;
    }

    /** 256 images at batch 32: 8 steps per epoch. */
    private static TrainConfig config(String model, int epochs, Path out, String optimizer, String schedule,
            long checkpointEvery, long stopAfter, boolean resume, ModelOptions options) {
        return new TrainConfig(model, epochs, 32, 1e-3, 0.05, 11, 2, 256, 64, 64, null, out, List.of(), false,
                optimizer, schedule, 2, checkpointEvery, stopAfter, resume, options);
    }

    private static void assumeData() {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "dataset-fashion-mnist not installed");
    }
}
