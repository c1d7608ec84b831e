package org.robustify.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustify.data.FashionMnist;
import org.robustify.util.Json;

import com.fasterxml.jackson.databind.JsonNode;

/** The method's commands chained as a user would: train, teacher, distill, finetune, wise, predict, transfer. */
class MethodCliTest {
    @TempDir
    Path dir;

    private static CliTest.Run run(String... args) {
        return CliTest.run(args);
    }

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    @Test
    void theMethodsCommandsChainAndRefuseBadInput() throws Exception {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "dataset-fashion-mnist not installed");
        List<String> small = List.of("--limit", "256", "--test-limit", "200", "--threads", "2", "--batch-size", "64",
                "--warmup-steps", "1");
        assertOk(run(concat(List.of("train", "--model", "resnet18", "--stem", "imagenet", "--out", p("student")),
                small)));
        assertOk(run(concat(List.of("teacher", "--epochs", "1", "--out", p("teacher")), small)));
        JsonNode teacher = Json.MAPPER.readTree(dir.resolve("teacher/manifest.json").toFile());
        assertEquals("augmix", teacher.at("/config/job/augment/kind").asText());
        assertEquals(12.0, teacher.at("/config/job/jsd_weight").asDouble());

        assertOk(run(concat(List.of("distill", "--student", p("student"), "--teacher", p("teacher"), "--tune",
                "last:1", "--calibration-images", "100", "--calibration-severities", "2,4", "--out", p("method")),
                small)));
        JsonNode method = Json.MAPPER.readTree(dir.resolve("method/manifest.json").toFile());
        assertTrue(method.at("/calibration/tau_u").isValueNode(), method.toString());
        assertTrue(Files.isRegularFile(dir.resolve("method/thresholds.json")));

        CliTest.Run predict = run("predict", "--model", p("method"), "--limit", "100", "--threads", "2", "--out",
                p("pred"));
        assertOk(predict);
        JsonNode pj = Json.MAPPER.readTree(dir.resolve("pred/predict.json").toFile());
        assertEquals(100, pj.at("/routing/rows").asInt());
        assertEquals(1.0, pj.at("/routing/fractions/clean").asDouble() + pj.at("/routing/fractions/robust")
                .asDouble(), 1e-12);
        assertOk(run("predict", "--model", p("method"), "--policy", "robust", "--corruption", "gaussian_noise",
                "--severity", "5", "--limit", "50", "--out", p("pred2")));

        assertOk(run(concat(List.of("finetune", "--from", p("student"), "--strategy", "full", "--out", p("ft")),
                small)));
        assertOk(run("wise", "--pre", p("student"), "--ft", p("ft"), "--alpha", "0,0.5", "--out", p("wise")));
        assertTrue(Files.isRegularFile(dir.resolve("wise/a-0.50/model.pt")));
        assertOk(run("transfer", "--model", p("method"), "--train-images", "300", "--steps", "50", "--out",
                p("transfer")));
        JsonNode tj = Json.MAPPER.readTree(dir.resolve("transfer/transfer.json").toFile());
        assertTrue(tj.at("/original_features/test_accuracy").asDouble() > 0.25, tj.toString());

        // Bad input: a clear error, before training.
        CliTest.Run deep = run("distill", "--student", p("student"), "--teacher", p("teacher"), "--tune", "last:9",
                "--out", p("bad1"));
        assertEquals(1, deep.code());
        assertTrue(deep.err().contains("9"), deep.err());
        CliTest.Run noTeacher = run("distill", "--student", p("student"), "--teacher", p("missing"), "--out",
                p("bad2"));
        assertEquals(1, noTeacher.code());
        assertTrue(noTeacher.err().contains("missing"), noTeacher.err());
        CliTest.Run plainSelect = run("predict", "--model", p("student"), "--policy", "robust", "--out", p("bad3"));
        assertEquals(1, plainSelect.code());
        assertTrue(plainSelect.err().contains("three-head"), plainSelect.err());
        CliTest.Run foreign = run("predict", "--model", p("method"), "--thresholds", dir.resolve(
                "method/thresholds.json").toString(), "--limit", "10", "--out", p("ok"));
        assertOk(foreign);
        Files.copy(dir.resolve("method/thresholds.json"), dir.resolve("t.json"));
        assertOk(run(concat(List.of("distill", "--student", p("student"), "--teacher", "none", "--tune", "last:1",
                "--calibration-images", "0", "--out", p("other")), small)));
        CliTest.Run wrongModel = run("predict", "--model", p("other"), "--thresholds", dir.resolve("t.json")
                .toString(), "--out", p("bad4"));
        assertEquals(1, wrongModel.code());
        assertTrue(wrongModel.err().contains("fingerprint"), wrongModel.err());
        CliTest.Run uncalibrated = run("predict", "--model", p("other"), "--out", p("bad5"));
        assertEquals(1, uncalibrated.code());
        assertTrue(uncalibrated.err().contains("thresholds"), uncalibrated.err());
    }

    @Test
    void helpOnEveryMethodCommand() {
        for (String cmd : List.of("teacher", "distill", "finetune", "wise", "predict", "transfer", "demo")) {
            assertEquals(0, run(cmd, "--help").code(), cmd);
        }
    }

    private static void assertOk(CliTest.Run r) {
        assertEquals(0, r.code(), r.err());
    }

    private static String[] concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toArray(String[]::new);
    }
}
