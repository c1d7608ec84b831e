package org.robustify.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's input-pipeline figure: waits summed over epochs against their time, old runs marked unknown. */
class InputPipelineReportTest {
    @TempDir
    Path dir;

    @Test
    void waitFractionIsTotalWaitOverTotalEpochTime() throws Exception {
        Path run = dir.resolve("a");
        Files.createDirectories(run);
        Files.writeString(run.resolve("metrics.jsonl"), """
                {"epoch":1,"epoch_seconds":10.0,"data_wait_seconds":0.4}
                {"epoch":2,"epoch_seconds":30.0,"data_wait_seconds":1.2}
                """);
        assertEquals(1.6 / 40.0, TrainedStep.dataWaitFraction(run), 1e-15);

        Path old = dir.resolve("old");
        Files.createDirectories(old);
        Files.writeString(old.resolve("metrics.jsonl"), "{\"epoch\":1,\"epoch_seconds\":10.0}\n");
        assertTrue(Double.isNaN(TrainedStep.dataWaitFraction(old)));

        Map<String, TrainedStep.Done> stages = new LinkedHashMap<>();
        stages.put("a", new TrainedStep.Done(run, 40, 0.9, 1, 1, false, TrainedStep.dataWaitFraction(run)));
        Map<String, Object> ok = DemoReport.inputPipeline(stages);
        assertEquals(true, ok.get("met"));
        assertEquals(0.04, (double) ok.get("max"), 1e-15);
        stages.put("old", new TrainedStep.Done(old, 10, 0.9, 1, 1, true, Double.NaN));
        Map<String, Object> unknown = DemoReport.inputPipeline(stages);
        assertNull(((Map<?, ?>) unknown.get("data_wait_fraction")).get("old"));
        assertTrue(String.valueOf(unknown.get("met")).startsWith("n/a"));
    }
}
