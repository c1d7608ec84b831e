package org.robustify.tradeoff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustify.data.FashionMnist;
import org.robustify.data.ImageDataset;
import org.robustify.model.ImageClassifier;
import org.robustify.model.InputSpec;
import org.robustify.model.ModelZoo;
import org.robustify.peft.Strategy;
import org.robustify.runtime.NativeRuntime;
import org.robustify.train.ResumableCheckpoint;
import org.robustify.util.Json;

/** An interrupted strategy continues from its checkpoints to exactly the uninterrupted run's points. */
class TradeoffResumeTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void init() {
        NativeRuntime.init(2);
    }

    /** Evaluated after steps 3, 6 and 7; batch 16. */
    private static TradeoffSettings settings(List<Strategy> strategies, int steps, int dense, int until, int every) {
        return new TradeoffSettings("vit_tiny", 1, 7, strategies, steps, 16, dense, until, every, 1 / 255.0,
                0.25 / 255, 2, 16, 8, 3, 4, -1, 2e-5, 0.01, 5e-3, 0, 0, 0.1, 16);
    }

    /**
     * A 40-image training set (2 batches per epoch, so the 7 steps span 4 epochs) interrupted twice: after step 4
     * (resuming from the checkpoint at step 3, in the middle of epoch 1) and after step 7 (resuming from step 6, at
     * the start of epoch 3). Points, including the training loss since the previous point, must be bit-identical.
     */
    @Test
    void strategyResumedMidEpochGivesBitIdenticalPoints() throws Exception {
        ImageDataset all = FashionMnist.load(FashionMnist.resolveDir(null), FashionMnist.Split.TRAIN);
        ImageDataset train = all.slice(0, 40);
        ImageDataset test = FashionMnist.load(FashionMnist.resolveDir(null), FashionMnist.Split.TEST).head(16);
        TradeoffSettings s = settings(List.of(Strategy.LORA), 7, 3, 6, 1);
        assertEquals(List.of(3, 6, 7), s.evalSteps());
        torch.manual_seed(5);
        ImageClassifier backbone = ModelZoo.create("vit_tiny", new InputSpec(1, 28, 28, 5), Pretrained.options(s));
        Evaluator evaluator = new Evaluator(s, test, all.slice(40, 56));
        JsonNode key = StrategyCheckpoints.json(Map.of("test", 1));

        Map<String, Object> straight = StrategyRun.run(Strategy.LORA, s, backbone, train, evaluator, null, 0);

        Path ck = dir.resolve("lora.partial");
        assertThrows(TradeoffStudy.Stopped.class, () -> StrategyRun.run(Strategy.LORA, s, backbone, train,
                evaluator, new StrategyCheckpoints(ck, key, 2, Map.of()), 4));
        assertEquals(3, Json.MAPPER.readTree(read(ck.resolve(ResumableCheckpoint.POINTER))).path("global_step")
                .asInt(), "checkpoints after steps 2 and 3 (a point); the stop comes before step 4's");
        assertThrows(TradeoffStudy.Stopped.class, () -> StrategyRun.run(Strategy.LORA, s, backbone, train,
                evaluator, new StrategyCheckpoints(ck, key, 2, Map.of()), 7));
        Map<String, Object> resumed = StrategyRun.run(Strategy.LORA, s, backbone, train, evaluator,
                new StrategyCheckpoints(ck, key, 2, Map.of()), 0);

        assertEquals(Json.line(straight.get("points")), Json.line(resumed.get("points")));
        assertEquals(List.of(3L, 6L), resumed.get("resumed_at_steps"));
        assertEquals(3, ((List<?>) resumed.get("points")).size());

        // A checkpoint of other settings is never mixed in.
        JsonNode other = StrategyCheckpoints.json(Map.of("test", 2));
        assertThrows(org.robustify.runtime.RobustifyException.class, () -> StrategyRun.run(Strategy.LORA, s,
                backbone, train, evaluator, new StrategyCheckpoints(ck, other, 2, Map.of()), 0));
    }

    /** The whole study, stopped inside its first strategy and rerun, ends with the uninterrupted tradeoff.json. */
    @Test
    void interruptedStudyEndsWithTheUninterruptedResults() throws Exception {
        TradeoffSettings s = settings(List.of(Strategy.LINEAR, Strategy.BITFIT), 6, 2, 2, 2);
        Path straight = dir.resolve("straight");
        new TradeoffStudy(s, straight, dir.resolve("cache"), null, null, 2).run();

        Path interrupted = dir.resolve("interrupted");
        assertThrows(TradeoffStudy.Stopped.class, () -> new TradeoffStudy(s, interrupted, dir.resolve("cache"), null,
                null, 2).stopAfterSteps(5).run());
        Path partial = interrupted.resolve("strategies/linear" + TradeoffStudy.PARTIAL);
        assertTrue(Files.isRegularFile(partial.resolve(ResumableCheckpoint.POINTER)));
        assertFalse(Files.exists(interrupted.resolve("strategies/linear.json")));
        new TradeoffStudy(s, interrupted, dir.resolve("cache"), null, null, 2).run();
        assertFalse(Files.exists(partial), "checkpoints go once the strategy's result is written");

        JsonNode a = Json.MAPPER.readTree(straight.resolve(TradeoffStudy.JSON).toFile()).path("strategies");
        JsonNode b = Json.MAPPER.readTree(interrupted.resolve(TradeoffStudy.JSON).toFile()).path("strategies");
        assertEquals(2, b.size());
        for (int i = 0; i < 2; i++) {
            for (String field : new String[] {"points", "frontier", "area", "best_on_validation"}) {
                assertEquals(a.get(i).path(field), b.get(i).path(field), a.get(i).path("strategy") + " " + field);
            }
        }
        JsonNode linear = Json.MAPPER.readTree(interrupted.resolve("strategies/linear.json").toFile());
        assertEquals("[4]", linear.path("resumed_at_steps").toString());
    }

    private static String read(Path p) throws java.io.IOException {
        return Files.readString(p);
    }
}
