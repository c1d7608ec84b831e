package org.robustify.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.robustify.util.AtomicFiles;
import org.robustify.util.Json;

/**
 * The provenance manifest written beside every result and checkpoint: what ran (command, full config, seed), on
 * what (versions, threads, host), from which data, and at which source revision.
 */
public final class Provenance {
    private Provenance() {}

    public static Map<String, Object> manifest(String command, Map<String, Object> config, long seed,
            Map<String, Object> data) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command", command);
        m.put("created", Instant.now().toString());
        m.put("seed", seed);
        m.put("config", config);
        m.put("data", data);
        m.put("versions", Versions.all());
        Map<String, Object> host = new LinkedHashMap<>();
        host.put("cores", Runtime.getRuntime().availableProcessors());
        host.put("threads", NativeRuntime.threads());
        host.put("cuda_devices", NativeRuntime.cudaDeviceCount());
        host.put("cuda_backend_loaded", NativeRuntime.cudaBackendLoaded());
        m.put("host", host);
        m.put("git_commit", gitCommit());
        return m;
    }

    public static void write(Path file, Map<String, Object> manifest) {
        AtomicFiles.writeString(file, Json.pretty(manifest) + "\n");
    }

    /** $ROBUSTIFY_GIT_COMMIT, else `git rev-parse HEAD` (+ "-dirty") in the working directory, else "unknown". */
    public static String gitCommit() {
        String env = System.getenv("ROBUSTIFY_GIT_COMMIT");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        String head = git("rev-parse", "HEAD");
        if (head == null) {
            return "unknown";
        }
        String status = git("status", "--porcelain", "--untracked-files=no");
        return status != null && !status.isEmpty() ? head + "-dirty" : head;
    }

    private static String git(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "git";
        System.arraycopy(args, 0, cmd, 1, args.length);
        try {
            Process p = new ProcessBuilder(cmd).directory(Path.of(".").toFile()).redirectErrorStream(false).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return new String(out, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
