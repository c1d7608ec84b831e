package org.robustify.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustify.model.InputSpec;
import org.robustify.model.Parameters;
import org.robustify.runtime.NativeRuntime;
import org.robustify.train.ResumableCheckpoint;
import org.robustify.train.RunModel;
import org.robustify.train.Trainer;
import org.robustify.util.Json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Data-parallel training and its faults with real worker processes over Gloo on loopback, launched the way a user
 * launches them ({@code --nproc}, or the torchrun variables). A model without BatchNorm (a 1-block ViT), so that
 * 2 processes × batch b and 1 process × batch 2b compute the same gradients.
 */
class DataParallelTest {
    private static final InputSpec SPEC = new InputSpec(1, 28, 28, 10);
    /**
     * The qkv bias stays frozen: its key part has a gradient that is zero in exact arithmetic (softmax ignores a
     * shift shared by all keys), so Adam turns summation-order noise into full-size steps there.
     */
    private static final List<String> TRAIN = List.of("train", "--model", "vit_tiny", "--patch-size", "7", "--depth",
            "1", "--limit", "249", "--test-limit", "200", "--seed", "3", "--freeze",
            "blocks.0.attn.qkv.bias");

    @TempDir
    static Path dir;

    @BeforeAll
    static void init() {
        NativeRuntime.init(2);
    }

    record Result(int code, String output) {}

    /** Runs the CLI in a fresh JVM (the launcher and its workers write into one captured stream). */
    static Result cli(List<String> args, Map<String, String> env, long timeoutSeconds) throws Exception {
        Path log = Files.createTempFile(dir, "cli", ".log");
        Process p = start(args, env, log);
        boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!done) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        String out = Files.readString(log);
        assertTrue(done, "no result within " + timeoutSeconds + " s (a hang):\n" + out);
        return new Result(p.exitValue(), out);
    }

    /** Output goes to a file: a pipe nobody reads would fill up and stall the workers. */
    static Process start(List<String> args, Map<String, String> env, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
                "org.robustify.cli.RobustifyCli"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    private static List<String> with(List<String> base, String... more) {
        List<String> out = new ArrayList<>(base);
        out.addAll(List.of(more));
        return out;
    }

    @Test
    void twoProcessesTrainLikeOneWithTwiceTheBatchAndResumeExactly() throws Exception {
        Path two = dir.resolve("two");
        Path one = dir.resolve("one");
        Result r2 = cli(with(TRAIN, "--epochs", "2", "--nproc", "2", "--batch-size", "16", "--out", two.toString()),
                Map.of(), 300);
        assertEquals(0, r2.code(), r2.output());
        assertTrue(r2.output().contains("2 processes (batch 16 each, 32 in all)"), r2.output());
        Result r1 = cli(with(TRAIN, "--epochs", "2", "--batch-size", "32", "--threads", "1", "--out",
                one.toString()), Map.of(), 300);
        assertEquals(0, r1.code(), r1.output());

        // 249 images: 8 global batches, the last of 25 split 13 + 12; gradients weighted by share.
        Map<String, Tensor> p2 = parameters(two);
        Map<String, Tensor> p1 = parameters(one);
        assertEquals(p1.keySet(), p2.keySet());
        for (String name : p1.keySet()) {
            double diff = p1.get(name).sub(p2.get(name)).abs().max().item_double();
            assertTrue(diff < 2e-5, name + " differs by " + diff);
        }
        // Only rank 0 wrote, and the manifest records the job's shape.
        var manifest = Json.MAPPER.readTree(two.resolve("manifest.json").toFile());
        assertEquals(2, manifest.at("/distributed/world_size").asInt());
        assertEquals(32, manifest.at("/distributed/global_batch").asInt());
        assertEquals(2, manifest.at("/config/world_size").asInt());
        var metrics = Files.readAllLines(two.resolve("metrics.jsonl"));
        assertEquals(2, metrics.size());
        assertTrue(Json.MAPPER.readTree(metrics.get(0)).has("communication_share"));
        assertTrue(Json.MAPPER.readTree(metrics.get(0)).has("data_wait_fraction"));

        // Interrupted at step 10 (inside epoch 2) and resumed, still as 2 processes: bit-identical to uninterrupted.
        Path split = dir.resolve("split");
        Result stop = cli(with(TRAIN, "--epochs", "2", "--nproc", "2", "--batch-size", "16", "--stop-after-steps",
                "10", "--out", split.toString()), Map.of(), 300);
        assertEquals(0, stop.code(), stop.output());
        Result resume = cli(with(TRAIN, "--epochs", "2", "--nproc", "2", "--batch-size", "16", "--resume", "--out",
                split.toString()),
                Map.of(), 300);
        assertEquals(0, resume.code(), resume.output());
        Map<String, Tensor> resumed = parameters(split);
        for (String name : p2.keySet()) {
            assertTrue(resumed.get(name).equal(p2.get(name)), name + " differs after resume");
        }
        assertEquals(trainingMetrics(two), trainingMetrics(split));

        // A 2-process checkpoint does not resume as 1 process (the global batch would change).
        Result wrongWorld = cli(with(TRAIN, "--batch-size", "16", "--resume", "--epochs", "3", "--out",
                split.toString()), Map.of(), 120);
        assertEquals(1, wrongWorld.code());
        assertTrue(wrongWorld.output().contains("world_size"), wrongWorld.output());
    }

    @Test
    void aWorkerThatDiesEndsTheJobNamingItsRankAndKeepsTheCheckpoint() throws Exception {
        Path out = dir.resolve("killed");
        Path log = dir.resolve("killed.log");
        Process launcher = start(with(TRAIN, "--nproc", "2", "--batch-size", "16", "--epochs", "400", "--out",
                out.toString()), Map.of(), log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (!Files.exists(out.resolve("metrics.jsonl")) && launcher.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(Files.exists(out.resolve("metrics.jsonl")), "epoch 1 never finished:\n" + Files.readString(log));
        ProcessHandle rank1 = launcher.descendants().filter(h -> "1".equals(environment(h).get("RANK")))
                .findFirst().orElseThrow();
        rank1.destroyForcibly();
        boolean ended = launcher.waitFor(120, TimeUnit.SECONDS);
        String output = Files.readString(log);
        assertTrue(ended, "the job hung after a worker died:\n" + output);
        assertNotEquals(0, launcher.exitValue());
        assertTrue(output.contains("worker rank 1 of 2 exited"), output);
        assertTrue(output.contains("rank 0 of 2:"), "rank 0 says why it stopped:\n" + output);
        assertTrue(launcher.descendants().noneMatch(ProcessHandle::isAlive), "workers left behind");
        ResumableCheckpoint.Found last = ResumableCheckpoint.loadLatest(out);
        assertTrue(last.state().path("global_step").asLong() >= 8, last.state().toString());
    }

    @Test
    void aRendezvousThatNobodyJoinsTimesOutWithTheRank() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Map<String, String> env = new HashMap<>(Map.of("WORLD_SIZE", "2", "RANK", "1", "MASTER_ADDR", "127.0.0.1",
                "MASTER_PORT", Integer.toString(port), "ROBUSTIFY_DIST_TIMEOUT", "3"));
        Result r = cli(with(TRAIN, "--epochs", "1", "--batch-size", "16", "--out", dir.resolve("alone").toString()), env,
                120);
        assertEquals(1, r.code(), r.output());
        assertTrue(r.output().contains("rank 1 of 2: rendezvous at 127.0.0.1:" + port + " failed within 3 s"),
                r.output());
    }

    /** Sharded evaluation returns exactly the one-process numbers: counts, ECE/NLL sums, suite cells, PGD. */
    @Test
    void shardedBenchEqualsOneProcessExactly() throws Exception {
        Path model = dir.resolve("bench-model");
        Result trained = cli(List.of("train", "--model", "cnn-small", "--limit", "512", "--test-limit", "100",
                "--epochs", "1", "--out", model.toString()), Map.of(), 300);
        assertEquals(0, trained.code(), trained.output());
        List<String> bench = List.of("bench", "--model", model.toString(), "--suite",
                "clean,calibration,corruptions,pgd", "--corruptions", "gaussian_noise,frost,jpeg_compression",
                "--severities", "1,5", "--limit", "101", "--batch-size", "16", "--eps", "2/255", "--pgd-steps", "3");
        Path one = dir.resolve("bench-one");
        Path two = dir.resolve("bench-two");
        Result r1 = cli(with(bench, "--threads", "1", "--out", one.toString()), Map.of(), 300);
        assertEquals(0, r1.code(), r1.output());
        Result r2 = cli(with(bench, "--nproc", "2", "--out", two.toString()), Map.of(), 300);
        assertEquals(0, r2.code(), r2.output());
        JsonNode a = withoutTimings(Json.MAPPER.readTree(one.resolve("bench.json").toFile()));
        JsonNode b = withoutTimings(Json.MAPPER.readTree(two.resolve("bench.json").toFile()));
        assertEquals(a, b);
        assertEquals(101, a.at("/clean/total").asInt());
        assertEquals(2, Json.MAPPER.readTree(two.resolve("manifest.json").toFile())
                .at("/distributed/world_size").asInt());
    }

    /** A bench.json without what measures the machine (seconds, images per second). */
    private static JsonNode withoutTimings(JsonNode n) {
        if (n instanceof ObjectNode o) {
            o.remove(List.of("seconds", "timing"));
            o.properties().forEach(e -> withoutTimings(e.getValue()));
        } else if (n.isArray()) {
            n.forEach(DataParallelTest::withoutTimings);
        }
        return n;
    }

    @Test
    void workersRunTheCommandLineWithoutTheLaunchOption() {
        assertEquals(List.of("train", "--out", "x"), RobustifyCli.withoutLaunchOption(List.of("train", "--nproc", "2",
                "--out", "x")));
        assertEquals(List.of("bench", "--out", "x"), RobustifyCli.withoutLaunchOption(List.of("bench", "--nproc=4",
                "--out", "x")));
    }

    /** The last epoch's metrics without the timings. */
    private static JsonNode trainingMetrics(Path run) throws IOException {
        List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
        ObjectNode last = (ObjectNode) Json.MAPPER.readTree(lines.get(lines.size() - 1));
        last.remove(Trainer.TIMING_METRICS);
        return last;
    }

    private static Map<String, Tensor> parameters(Path run) {
        return Parameters.named(RunModel.read(run).build(SPEC).module());
    }

    /** A process's environment (Linux /proc), to tell the workers apart by RANK. */
    private static Map<String, String> environment(ProcessHandle h) {
        Map<String, String> env = new HashMap<>();
        try {
            for (String kv : Files.readString(Path.of("/proc", Long.toString(h.pid()), "environ"),
                    StandardCharsets.ISO_8859_1).split("\0")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    env.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
        } catch (IOException e) {
            // gone already, or not ours
        }
        return env;
    }
}
