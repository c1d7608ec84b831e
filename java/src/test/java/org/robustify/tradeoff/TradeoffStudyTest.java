package org.robustify.tradeoff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustify.peft.Strategy;
import org.robustify.runtime.RobustifyException;
import org.robustify.util.Json;

class TradeoffStudyTest {
    @TempDir
    Path dir;

    private static TradeoffSettings tiny(String model, List<Strategy> strategies, int steps) {
        return new TradeoffSettings(model, 1, 7, strategies, steps, 16, 2, 2, 2, 1 / 255.0, 0.25 / 255, 2, 16, 8, 3,
                4, -1, 2e-5, 0.01, 5e-3, 0, 0, 0.1, 16);
    }

    @Test
    void evaluationStepsAreDenseEarlyThenSparse() {
        TradeoffSettings s = new TradeoffSettings("vit_tiny", 1, 4, List.of(Strategy.LINEAR), 650, 8, 50, 300, 200,
                1 / 255.0, 0.25 / 255, 15, 8, 0, 3, 1, -1, 2e-5, 0.01, 5e-3, 0, 0, 0.1, 0);
        assertEquals(List.of(50, 100, 150, 200, 250, 300, 500, 650), s.evalSteps());
        assertEquals(0, s.resolvedWarmup(Strategy.FULL));
        assertEquals(65, s.resolvedWarmup(Strategy.LORA));
        assertEquals(2e-5, s.lr(Strategy.FULL));
        assertEquals(5e-3, s.lr(Strategy.BITFIT));
        assertThrows(RobustifyException.class, () -> tiny("vit_tiny", List.of(Strategy.LORA, Strategy.LORA), 4));
        assertThrows(RobustifyException.class, () -> new TradeoffSettings("vit_tiny", 1, 4, List.of(Strategy.LINEAR),
                10, 8, 5, 5, 5, 1 / 255.0, 0.25 / 255, 15, 8, 0, 3, 1, -1, 2e-5, 0.01, 5e-3, 0, 0, 1.0, 0));
    }

    @Test
    void pretrainingTaskKeepsOnlyTheFirstClasses() {
        TradeoffData d = TradeoffData.load(null, 10, 0.1, 0);
        assertEquals(TradeoffData.PRETRAIN_CLASSES, d.pretrain().numClasses());
        assertTrue(java.util.Arrays.stream(d.pretrain().labels()).allMatch(l -> l < TradeoffData.PRETRAIN_CLASSES));
        assertEquals(27000, d.finetune().size());
        assertEquals(3000, d.validation().size());
        assertEquals(10, d.finetune().numClasses());
        assertEquals(10, d.test().size());
    }

    @Test
    void studyWritesResultsAndResumesFinishedStrategies() throws Exception {
        Path out = dir.resolve("study");
        TradeoffSettings s = tiny("vit_tiny", List.of(Strategy.LINEAR, Strategy.LORA), 4);
        new TradeoffStudy(s, out, dir.resolve("cache"), null, null, 2).run();
        for (String f : List.of(TradeoffStudy.JSON, TradeoffStudy.MARKDOWN, TradeoffStudy.PLOT,
                TradeoffStudy.POINTS_PLOT, TradeoffStudy.MANIFEST, "strategies/linear.json", "strategies/lora.json")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        JsonNode r = Json.MAPPER.readTree(out.resolve(TradeoffStudy.JSON).toFile());
        double scoreSum = 0;
        for (JsonNode row : r.path("strategies")) {
            List<TradeoffPoint> points = new ArrayList<>();
            for (JsonNode p : row.path("points")) {
                points.add(TradeoffPoint.of(p.path("clean").asDouble(), p.path("robust").asDouble()));
                assertTrue(p.path("corruption").isNumber());
            }
            assertEquals(2, points.size(), "evaluated after steps 2 and 4");
            // The validation hold-out is evaluated at every point, and the best of them is reported.
            double bestVal = -1;
            for (JsonNode p : row.path("points")) {
                assertTrue(p.path("validation").isNumber() && p.path("train_loss").isNumber(), p.toString());
                bestVal = Math.max(bestVal, p.path("validation").asDouble());
            }
            JsonNode best = row.path("best_on_validation");
            assertEquals(bestVal, best.path("validation").asDouble(), 0);
            assertTrue(row.path("points").toString().contains(best.toString()), best.toString());
            assertEquals(Pareto.area(points), row.path("area").asDouble(), 1e-12);
            scoreSum += row.path("score").asDouble();
            assertTrue(row.path("trainable_parameters").asLong() < row.path("total_parameters").asLong());
        }
        assertEquals(0, scoreSum, 1e-9, "scores are relative to the mean area");
        assertTrue(Files.readString(out.resolve(TradeoffStudy.MARKDOWN)).contains("| lora"));

        // A rerun with a strategy added reuses the finished ones untouched.
        Path lora = out.resolve("strategies/lora.json");
        FileTime before = Files.getLastModifiedTime(lora);
        TradeoffSettings more = tiny("vit_tiny", List.of(Strategy.LINEAR, Strategy.LORA, Strategy.IA3), 4);
        new TradeoffStudy(more, out, dir.resolve("cache"), null, null, 2).run();
        assertEquals(before, Files.getLastModifiedTime(lora));
        assertEquals(3, Json.MAPPER.readTree(out.resolve(TradeoffStudy.JSON).toFile()).path("strategies").size());

        // Other settings must not silently mix with the finished results.
        TradeoffSettings longer = tiny("vit_tiny", List.of(Strategy.LORA), 6);
        assertThrows(RobustifyException.class,
                () -> new TradeoffStudy(longer, out, dir.resolve("cache"), null, null, 2).run());
    }

    @Test
    void strategiesOnTheSmallCnnAreRefusedBeforeTraining() {
        TradeoffSettings s = tiny("cnn-small", List.of(Strategy.ADAPTER), 4);
        RobustifyException e = assertThrows(RobustifyException.class,
                () -> new TradeoffStudy(s, dir.resolve("r"), dir.resolve("cache"), null, null, 2).run());
        assertTrue(e.getMessage().contains("adapter") && e.getMessage().contains("cnn-small"), e.getMessage());
    }
}
