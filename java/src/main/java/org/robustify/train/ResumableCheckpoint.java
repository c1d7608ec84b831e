package org.robustify.train;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.robustify.model.weights.SafeTensors;
import org.robustify.model.weights.WeightLoader;
import org.robustify.runtime.Provenance;
import org.robustify.runtime.RobustifyException;
import org.robustify.util.AtomicFiles;
import org.robustify.util.Json;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A checkpoint a run can continue from exactly, one folder per save under {@code OUT/checkpoints/}:
 * <ul>
 * <li>{@code model.safetensors}: parameters and buffers (BatchNorm running stats too) by timm-style name;</li>
 * <li>{@code optimizer.safetensors}: per parameter {@code NAME.exp_avg}, {@code NAME.exp_avg_sq}, {@code NAME.step};</li>
 * <li>{@code rng.safetensors}: libtorch's default CPU generator state ({@code torch_cpu_generator}, uint8);</li>
 * <li>{@code state.json}: step, epoch, position in the epoch, running epoch sums, scheduler position, config;</li>
 * <li>{@code manifest.json}: provenance (config, seed, versions, data, git commit).</li>
 * </ul>
 * Atomicity: the folder is written under a temporary name, its files synced, then renamed into place; only then
 * does {@code OUT/checkpoint.json} (itself replaced atomically) point at it, and older folders are removed. A crash
 * at any point leaves {@code checkpoint.json} naming a complete checkpoint.
 */
public final class ResumableCheckpoint {
    public static final String DIR = "checkpoints";
    public static final String POINTER = "checkpoint.json";
    public static final String MODEL = "model.safetensors";
    public static final String OPTIMIZER = "optimizer.safetensors";
    public static final String RNG = "rng.safetensors";
    public static final String STATE = "state.json";
    public static final String MANIFEST = "manifest.json";
    private static final String RNG_KEY = "torch_cpu_generator";

    /** What {@link #loadLatest} found: the folder and its parsed state.json. */
    public record Found(Path dir, JsonNode state) {}

    private ResumableCheckpoint() {}

    /**
     * Saves and makes it the latest. {@code state} is state.json's content, {@code manifest} the provenance;
     * {@code pointerExtra} adds fields to checkpoint.json (e.g. the epoch's metrics).
     */
    public static Path save(Path out, long globalStep, Module model, AdamOptimizer optimizer,
            Map<String, Object> state, Map<String, Object> manifest, Map<String, Object> pointerExtra) {
        Path root = out.resolve(DIR);
        String name = String.format(Locale.ROOT, "step-%09d", globalStep);
        Path target = root.resolve(name);
        Path tmp = root.resolve("." + name + ".tmp-" + System.nanoTime());
        try (PointerScope scope = new PointerScope()) {
            Files.createDirectories(tmp);
            SafeTensors.write(tmp.resolve(MODEL), WeightLoader.targets(model), Map.of("format", "robustify-model"));
            SafeTensors.write(tmp.resolve(OPTIMIZER), optimizer.stateTensors(),
                    Map.of("format", "robustify-adam", "kind", optimizer.kind().label()));
            SafeTensors.write(tmp.resolve(RNG), Map.of(RNG_KEY, torch.getDefaultCPUGenerator().get_state()));
            AtomicFiles.writeString(tmp.resolve(STATE), Json.pretty(state) + "\n");
            Provenance.write(tmp.resolve(MANIFEST), manifest);
            syncDir(tmp);
            if (Files.exists(target)) {
                // Re-saving the same step (a resumed run that stops where it started): swap the old one out.
                Path old = root.resolve("." + name + ".old-" + System.nanoTime());
                Files.move(target, old);
                move(tmp, target);
                deleteTree(old);
            } else {
                move(tmp, target);
            }
            syncDir(root);
            Map<String, Object> pointer = new LinkedHashMap<>();
            pointer.put("latest", DIR + "/" + name);
            pointer.put("global_step", globalStep);
            pointer.put("epoch", state.get("epoch"));
            pointer.put("batch_in_epoch", state.get("batch_in_epoch"));
            pointer.putAll(pointerExtra);
            AtomicFiles.writeString(out.resolve(POINTER), Json.pretty(pointer) + "\n");
            removeAllBut(root, name);
            return target;
        } catch (IOException e) {
            throw new RobustifyException("cannot write checkpoint " + target + ": " + e.getMessage(), e);
        } finally {
            try {
                if (Files.exists(tmp)) {
                    deleteTree(tmp);
                }
            } catch (IOException ignored) {
                // a stray temporary folder is harmless: names starting with '.' are never loaded
            }
        }
    }

    /** The checkpoint {@code OUT/checkpoint.json} names, checked complete; a clear error when there is none. */
    public static Found loadLatest(Path out) {
        Path pointer = out.resolve(POINTER);
        if (!Files.isRegularFile(pointer)) {
            throw new RobustifyException("--resume: no checkpoint in " + out + " (" + POINTER + " is missing); "
                    + "start the run without --resume");
        }
        JsonNode p;
        try {
            p = Json.MAPPER.readTree(pointer.toFile());
        } catch (IOException e) {
            throw new RobustifyException("--resume: cannot read " + pointer + ": " + e.getMessage(), e);
        }
        if (!p.hasNonNull("latest")) {
            throw new RobustifyException("--resume: " + pointer + " names no resumable checkpoint (written by an "
                    + "older Robustify that saved weights only); start a new run");
        }
        Path dir = out.resolve(p.get("latest").asText());
        for (String f : new String[] {MODEL, OPTIMIZER, RNG, STATE}) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new RobustifyException("--resume: checkpoint " + dir + " is incomplete: " + f + " is missing");
            }
        }
        try {
            return new Found(dir, Json.MAPPER.readTree(dir.resolve(STATE).toFile()));
        } catch (IOException e) {
            throw new RobustifyException("--resume: cannot read " + dir.resolve(STATE) + ": " + e.getMessage(), e);
        }
    }

    /** Loads model (strict), optimiser state and the RNG state from a checkpoint folder. */
    public static void restore(Path dir, Module model, AdamOptimizer optimizer) {
        try (PointerScope scope = new PointerScope()) {
            WeightLoader.load(model, dir.resolve(MODEL), true);
            optimizer.loadStateTensors(SafeTensors.read(dir.resolve(OPTIMIZER)));
            Tensor rng = SafeTensors.read(dir.resolve(RNG)).get(RNG_KEY);
            if (rng == null) {
                throw new RobustifyException(dir.resolve(RNG) + " lacks '" + RNG_KEY + "'");
            }
            torch.getDefaultCPUGenerator().set_state(rng);
        } catch (RobustifyException e) {
            throw new RobustifyException("--resume: cannot restore " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    private static void syncDir(Path dir) {
        // fsync on a directory makes the renames inside it durable; not every platform allows it (best effort).
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // best effort
        }
    }

    private static void removeAllBut(Path root, String keep) throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (!n.equals(keep) && (n.startsWith("step-") || n.startsWith("."))) {
                    deleteTree(p);
                }
            }
        }
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
