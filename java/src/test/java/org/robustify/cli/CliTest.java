package org.robustify.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustify.data.FashionMnist;
import org.robustify.util.Json;

class CliTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        PrintStream oldOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            var cl = RobustifyCli.commandLine();
            cl.setErr(new PrintWriter(err, true));
            int code = cl.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(oldOut);
        }
    }

    @Test
    void infoJsonReportsVersionsThreadsAndCuda() throws Exception {
        Run r = run("info", "--json", "--threads", "2");
        assertEquals(0, r.code(), r.err());
        JsonNode info = Json.MAPPER.readTree(r.out());
        assertEquals("2.13.0-1.5.14", info.at("/versions/pytorch_preset").asText());
        assertEquals(2, info.at("/threads/native_threads").asInt());
        assertEquals(1, info.at("/threads/openblas_threads").asInt());
        assertTrue(info.at("/versions/native_build").asText().contains("-ffp-contract=off"));
        assertTrue(info.at("/cuda/driver_devices").isInt());
    }

    @Test
    void badInputGetsAClearErrorAndNoStackTrace() {
        Run epochs = run("train", "--epochs", "0", "--out", dir.resolve("a").toString());
        assertEquals(1, epochs.code());
        assertTrue(epochs.err().contains("--epochs must be >= 1; got 0"), epochs.err());
        assertTrue(!epochs.err().contains("\tat "), "no stack trace for user errors");

        Run model = run("train", "--model", "resnet-9000", "--data", dir.toString(), "--out", dir.resolve("b").toString());
        assertEquals(1, model.code());
        assertTrue(model.err().contains("unknown model 'resnet-9000'; available: cnn-small"), model.err());

        Run data = run("train", "--data", dir.resolve("nowhere").toString(), "--out", dir.resolve("c").toString());
        assertEquals(1, data.code());
        assertTrue(data.err().contains("apt-get install dataset-fashion-mnist"), data.err());

        Run missingOut = run("train");
        assertEquals(2, missingOut.code());
        assertTrue(missingOut.err().contains("--out"), missingOut.err());

        Run noCommand = run();
        assertEquals(2, noCommand.code());
    }

    @Test
    void helpOnEveryCommand() {
        for (String cmd : List.of("info", "train", "corrupt")) {
            Run r = run(cmd, "--help");
            assertEquals(0, r.code());
        }
    }

    @Test
    void shortTrainingRunWritesItsFilesAndRefusesToOverwrite() throws Exception {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "dataset-fashion-mnist not installed");
        Path out = dir.resolve("run");
        Run r = run("train", "--limit", "640", "--test-limit", "200", "--threads", "2", "--seed", "3", "--freeze",
                "conv1.*", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertEquals(1, lines.size());
        JsonNode metrics = Json.MAPPER.readTree(lines.get(0));
        assertEquals(10, metrics.get("steps").asInt());
        assertTrue(metrics.get("test_accuracy").asDouble() > 0.2, "learned something: " + metrics);
        JsonNode manifest = Json.MAPPER.readTree(out.resolve("manifest.json").toFile());
        assertEquals("completed", manifest.get("status").asText());
        assertEquals(3, manifest.get("seed").asInt());
        assertEquals(640, manifest.at("/data/train_images").asInt());
        assertTrue(manifest.at("/job/parameters/frozen_by_glob").toString().contains("conv1.weight"));
        assertTrue(manifest.has("git_commit"));
        assertTrue(manifest.at("/versions/native_core").asText().length() > 0);
        assertTrue(Files.size(out.resolve("model.pt")) > 1000);

        Run again = run("train", "--limit", "64", "--out", out.toString());
        assertEquals(1, again.code());
        assertTrue(again.err().contains("already holds a run"), again.err());
    }
}
