package org.robustify.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.robustify.corrupt.CorruptOptions;
import org.robustify.corrupt.Corruption;
import org.robustify.corrupt.CorruptionSelection;
import org.robustify.corrupt.CorruptionPreset;
import org.robustify.corrupt.Corruptions;
import org.robustify.corrupt.FrostTextures;
import org.robustify.data.FashionMnist;
import org.robustify.data.ImageDataset;
import org.robustify.data.Npy;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.Provenance;
import org.robustify.runtime.RobustifyException;
import org.robustify.tensor.ImageLayout;
import org.robustify.train.ProgressBar;
import org.robustify.util.Json;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "corrupt", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
        description = {"Write ImageNet-C style corrupted copies of an image set: --out/<corruption>/s<k>.npy (uint8, "
                + "the input's layout), labels.npy (int64, when the input has labels) and manifest.json.",
            "Each image's randomness is keyed by (seed, its index in the input, corruption, severity), so results "
                + "do not depend on --batch-size, --threads or --device.",
            "Resumable: finished files are skipped, and every file is written atomically.",
            "Corruptions: " + "gaussian_noise, shot_noise, impulse_noise, defocus_blur, glass_blur, motion_blur, "
                + "zoom_blur, snow, frost, fog, brightness, contrast, elastic_transform, pixelate, jpeg_compression "
                + "(benchmark); speckle_noise, gaussian_blur, spatter, saturate (validation)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:failure (message on stderr)",
            "2:bad arguments or input (bad name, severity, shape, dtype): nothing was computed or written"})
final class CorruptCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--input", paramLabel = "FILE.npy", description = "uint8 images, N x H x W x C (C = 1 or 3) "
            + "or N x H x W, C order.")
    Path input;

    @Option(names = "--data", paramLabel = "NAME", description = "A built-in data set instead of --input: "
            + "fashion-mnist.")
    String data;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Folder with the Fashion-MNIST IDX files "
            + "(default: $ROBUSTIFY_FASHION_MNIST or /usr/share/datasets/fashion-mnist).")
    Path dataDir;

    @Option(names = "--split", defaultValue = "test", description = "With --data: test or train.")
    String split;

    @Option(names = "--limit", defaultValue = "0", description = "Only the first N images (0 = all).")
    int limit;

    @Option(names = "--corruptions", defaultValue = "benchmark", paramLabel = "LIST", description = "all (19), "
            + "benchmark (15), validation (4), a group (noise, blur, weather, digital) or NAME,...")
    String corruptions;

    @Option(names = "--severities", defaultValue = "1-5", paramLabel = "LIST", description = "Severities 1..5: "
            + "a list and/or ranges, e.g. 1,3,5 or 2-4.")
    String severities;

    @Option(names = "--seed", defaultValue = "0", description = "Random key (with each image's index).")
    long seed;

    @Option(names = "--preset", defaultValue = "auto", description = "Per-severity constants: auto (by image size: "
            + ">= 160 px imagenet, >= 48 px tinyimagenet, else cifar), imagenet, tinyimagenet or cifar.")
    String preset;

    @Option(names = "--frost-dir", paramLabel = "DIR", description = "PNG/JPEG frost photos (e.g. ImageNet-C's), "
            + "each at least the image size; default: procedural frost.")
    Path frostDir;

    @Option(names = "--batch-size", defaultValue = "256", description = "Images per native call.")
    int batchSize;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu or cuda.")
    String device;

    @Option(names = "--path", defaultValue = "fast", description = "Native implementation: fast, or reference "
            + "(single-threaded published algorithms, CPU only; slow).")
    String path;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Option(names = "--overwrite", description = "Recompute every file, even when --out holds results of a "
            + "different configuration.")
    boolean overwrite;

    /** The input, validated: name, shape, and (once loaded) pixels and labels. */
    private record Source(Map<String, Object> description, long n, long h, long w, long c, boolean hasChannelDim) {}

    private record Task(Corruption corruption, int severity, Path file) {}

    @Override
    public Integer call() {
        // 1. Everything that can be checked without native work or reading pixels.
        List<Corruption> selected = usageError(() -> CorruptionSelection.corruptions(corruptions));
        int[] sev = usageError(() -> CorruptionSelection.severities(severities));
        CorruptionPreset requestedPreset = parse(() -> CorruptionPreset.fromName(preset), "--preset");
        CorruptOptions.ExecutionPath execPath = switch (path.toLowerCase(Locale.ROOT)) {
            case "fast" -> CorruptOptions.ExecutionPath.FAST;
            case "reference" -> CorruptOptions.ExecutionPath.REFERENCE;
            default -> throw usage("--path must be fast or reference; got '" + path + "'");
        };
        String dev = device.toLowerCase(Locale.ROOT);
        if (!dev.equals("cpu") && !dev.equals("cuda")) {
            throw usage("--device must be cpu or cuda; got '" + device + "'");
        }
        if (dev.equals("cuda") && execPath == CorruptOptions.ExecutionPath.REFERENCE) {
            throw usage("--path reference runs on the CPU only; use --device cpu");
        }
        if (batchSize < 1) {
            throw usage("--batch-size must be >= 1; got " + batchSize);
        }
        if (limit < 0) {
            throw usage("--limit must be >= 0; got " + limit);
        }
        if ((input == null) == (data == null)) {
            throw usage("give exactly one of --input FILE.npy and --data fashion-mnist");
        }
        FashionMnist.Split fmSplit = null;
        Source source;
        if (input != null) {
            source = describeNpy(input);
        } else {
            if (!data.equalsIgnoreCase("fashion-mnist")) {
                throw usage("unknown --data '" + data + "'; available: fashion-mnist (or use --input FILE.npy)");
            }
            fmSplit = switch (split.toLowerCase(Locale.ROOT)) {
                case "test" -> FashionMnist.Split.TEST;
                case "train" -> FashionMnist.Split.TRAIN;
                default -> throw usage("--split must be test or train; got '" + split + "'");
            };
            source = null; // described once loaded (the IDX header is inside the gzip stream)
        }
        threads.resolve();  // a bad count fails before any work

        // 2. Load the input (Fashion-MNIST problems are exit 1, as in `train`), then native start-up.
        byte[] pixels;
        long[] labels = null;
        if (input != null) {
            Npy.UInt8Array a = Npy.readUint8(input);
            pixels = a.data();
            if (limit > 0 && limit < source.n()) {
                pixels = java.util.Arrays.copyOf(pixels, (int) (limit * source.h() * source.w() * source.c()));
                source = new Source(source.description(), limit, source.h(), source.w(), source.c(),
                        source.hasChannelDim());
            }
            source.description().put("images", source.n());
        } else {
            Path dir = FashionMnist.resolveDir(dataDir);
            ImageDataset ds = FashionMnist.load(dir, fmSplit).head(limit);
            pixels = ds.pixels();
            labels = new long[ds.size()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = ds.labels()[i];
            }
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("source", "fashion-mnist");
            d.put("dir", dir.toAbsolutePath().toString());
            d.put("split", split.toLowerCase(Locale.ROOT));
            d.put("limit", limit);
            d.put("images", (long) ds.size());
            d.put("shape", List.of((long) ds.size(), (long) ds.height(), (long) ds.width()));
            d.put("layout", "NHW (1 channel)");
            source = new Source(d, ds.size(), ds.height(), ds.width(), ds.channels(), false);
        }
        if (source.n() == 0) {
            throw usage("the input holds no images");
        }
        NativeRuntime.init(threads.resolve());
        if (dev.equals("cuda") && (NativeRuntime.cudaDeviceCount() == 0 || !NativeRuntime.cudaBackendLoaded()
                || !torch.cuda_is_available())) {
            throw new RobustifyException("--device cuda: no usable GPU (driver devices: "
                    + NativeRuntime.cudaDeviceCount() + ", Robustify CUDA backend loaded: "
                    + NativeRuntime.cudaBackendLoaded() + ", libtorch CUDA: " + torch.cuda_is_available()
                    + "); use --device cpu");
        }
        CorruptionPreset resolved = requestedPreset.resolve(source.h(), source.w());

        // 3. Frost photos (must fit the images) before any work.
        FrostTextures.Loaded frost = null;
        if (frostDir != null) {
            try {
                frost = FrostTextures.load(frostDir, source.h(), source.w());
            } catch (RobustifyException e) {
                throw usage("--frost-dir: " + e.getMessage());
            }
        }

        // 4. Resuming: the finished files must come from the same configuration.
        Map<String, Object> fingerprint = new LinkedHashMap<>();
        fingerprint.put("input", source.description());
        fingerprint.put("seed", seed);
        fingerprint.put("preset", resolved.nativeName());
        fingerprint.put("frost", frost == null ? "procedural"
                : Map.of("dir", frostDir.toAbsolutePath().toString(), "files", frost.files()));
        fingerprint.put("path", execPath.name().toLowerCase(Locale.ROOT));
        Path manifestFile = out.resolve("manifest.json");
        if (!overwrite && Files.isRegularFile(manifestFile)) {
            checkSameConfiguration(manifestFile, fingerprint);
        }

        List<Task> todo = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        for (Corruption c : selected) {
            for (int s : sev) {
                Path file = out.resolve(c.nativeName()).resolve("s" + s + ".npy");
                String rel = c.nativeName() + "/s" + s + ".npy";
                outputs.add(rel);
                if (!overwrite && isComplete(file, source)) {
                    skipped.add(rel);
                } else {
                    todo.add(new Task(c, s, file));
                }
            }
        }

        // 5. Work.
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("corruptions", selected.stream().map(Corruption::nativeName).toList());
        config.put("severities", java.util.Arrays.stream(sev).boxed().toList());
        config.put("seed", seed);
        config.put("preset", requestedPreset.nativeName());
        config.put("preset_resolved", resolved.nativeName());
        config.put("frost", fingerprint.get("frost"));
        config.put("path", execPath.name().toLowerCase(Locale.ROOT));
        config.put("batch_size", batchSize);
        config.put("threads", NativeRuntime.threads());
        config.put("device", dev);
        config.put("sample_ids", "index in the input (0-based, after --limit)");
        config.put("out", out.toAbsolutePath().toString());
        Map<String, Object> parameters = new LinkedHashMap<>();
        for (Corruption c : selected) {
            Map<String, Object> perSeverity = new LinkedHashMap<>();
            for (int s : sev) {
                float[] p = Corruptions.parameters(c, s, resolved);
                List<Float> v = new ArrayList<>();
                for (float x : p) {
                    v.add(x);
                }
                perSeverity.put("s" + s, v);
            }
            parameters.put(c.nativeName(), perSeverity);
        }
        Map<String, Object> manifest = Provenance.manifest("corrupt", config, seed, source.description());
        manifest.put("fingerprint", fingerprint);
        manifest.put("previous_runs", previousRuns(manifestFile));
        manifest.put("parameters", parameters);
        manifest.put("status", "running");
        Provenance.write(manifestFile, manifest);
        if (labels != null) {
            Path labelsFile = out.resolve("labels.npy");
            if (overwrite || !isCompleteLabels(labelsFile, labels.length)) {
                Npy.writeInt64(labelsFile, new long[] {labels.length}, labels);
            }
        }
        for (String rel : skipped) {
            System.out.println("skip " + rel + " (already complete)");
        }
        long t0 = System.nanoTime();
        if (!todo.isEmpty()) {
            ProgressBar bar = new ProgressBar("corrupt", todo.size() * source.n());
            Frost frostOnDevice = frost == null ? null : new Frost(frost.textures(), dev);
            long done = 0;
            for (Task t : todo) {
                removeStaleTemporaries(t.file());
                done = corruptTask(t, pixels, source, frostOnDevice, resolved, execPath, dev, bar, done);
            }
            bar.finish("");
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        manifest.put("status", "completed");
        manifest.put("outputs", outputs);
        manifest.put("written", todo.stream().map(t -> t.corruption().nativeName() + "/s" + t.severity() + ".npy")
                .toList());
        manifest.put("skipped", skipped);
        manifest.put("seconds", seconds);
        manifest.put("labels", labels != null ? "labels.npy" : null);
        Provenance.write(manifestFile, manifest);
        System.out.printf(Locale.ROOT, "wrote %d file(s), skipped %d already complete, %d images each, preset %s, "
                + "%.1f s; results in %s%n", todo.size(), skipped.size(), source.n(), resolved.nativeName(),
                seconds, out);
        return 0;
    }

    /** Frost textures moved once to the working device. */
    private record Frost(Tensor textures, String device) {
        Frost {
            if (device.equals("cuda")) {
                textures = textures.to(new Device("cuda"), ScalarType.Byte);
            }
        }
    }

    private long corruptTask(Task t, byte[] pixels, Source src, Frost frost, CorruptionPreset resolved,
            CorruptOptions.ExecutionPath execPath, String dev, ProgressBar bar, long doneBefore) {
        long[] shape = src.hasChannelDim() ? new long[] {src.n(), src.h(), src.w(), src.c()}
                : new long[] {src.n(), src.h(), src.w()};
        int imageBytes = (int) (src.h() * src.w() * src.c());
        long[] done = {doneBefore};
        String status = t.corruption().nativeName() + " s" + t.severity();
        Npy.writeUint8(t.file(), shape, outStream -> {
            byte[] buffer = new byte[(int) Math.min(src.n(), batchSize) * imageBytes];
            for (long start = 0; start < src.n(); start += batchSize) {
                int b = (int) Math.min(batchSize, src.n() - start);
                try (PointerScope scope = new PointerScope(); BytePointer in = new BytePointer((long) b * imageBytes)) {
                    in.put(pixels, (int) (start * imageBytes), b * imageBytes);
                    Tensor x = torch.from_blob(in, new long[] {b, src.h(), src.w(), src.c()},
                            new TensorOptions(ScalarType.Byte));
                    if (dev.equals("cuda")) {
                        x = x.to(new Device("cuda"), ScalarType.Byte);
                    }
                    long[] ids = new long[b];
                    for (int i = 0; i < b; i++) {
                        ids[i] = start + i;
                    }
                    CorruptOptions o = new CorruptOptions(seed, resolved, frost == null ? null : frost.textures(),
                            execPath);
                    Tensor y = Corruptions.apply(x, ImageLayout.NHWC, t.corruption(), t.severity(), ids, o);
                    Tensor host = y.is_cuda() ? y.cpu() : y;
                    host = host.contiguous();
                    new BytePointer(host.data_ptr()).capacity((long) b * imageBytes).get(buffer, 0, b * imageBytes);
                    outStream.write(buffer, 0, b * imageBytes);
                }
                done[0] += b;
                bar.update(done[0], status);
            }
        });
        return done[0];
    }

    private Source describeNpy(Path file) {
        if (!Files.isRegularFile(file)) {
            throw usage("--input " + file + ": no such file");
        }
        Npy.Header h;
        try {
            h = Npy.readHeader(file);
        } catch (RobustifyException e) {
            throw usage("--input: " + e.getMessage());
        }
        if (!List.of("|u1", "<u1", ">u1", "u1", "B").contains(h.descr())) {
            throw usage("--input " + file + " holds " + h.describe() + "; expected uint8 images N x H x W x C "
                    + "(C = 1 or 3) or N x H x W");
        }
        if (h.fortranOrder() && h.shape().length > 1) {
            throw usage("--input " + file + " is in Fortran order; save it in C order "
                    + "(np.save(f, np.ascontiguousarray(a)))");
        }
        long[] s = h.shape();
        if (s.length != 3 && s.length != 4) {
            throw usage("--input " + file + " holds " + h.describe() + "; expected uint8 images N x H x W x C "
                    + "(C = 1 or 3) or N x H x W");
        }
        long c = s.length == 4 ? s[3] : 1;
        if (c != 1 && c != 3) {
            throw usage("--input " + file + " holds " + h.describe() + ": the last dimension is the channel count "
                    + "and must be 1 or 3 (N x H x W x C, channels last)");
        }
        if (s[1] < 1 || s[2] < 1) {
            throw usage("--input " + file + " holds " + h.describe() + ": empty images");
        }
        try {
            long have = Files.size(file) - h.dataOffset();
            if (have != h.count()) {
                throw usage("--input " + file + " holds " + have + " data bytes; " + h.describe() + " needs "
                        + h.count() + (have < h.count() ? " (truncated)" : ""));
            }
        } catch (IOException e) {
            throw new RobustifyException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("source", "npy");
        d.put("path", file.toAbsolutePath().toString());
        d.put("shape", java.util.Arrays.stream(s).boxed().toList());
        d.put("layout", s.length == 4 ? "NHWC" : "NHW (1 channel)");
        d.put("limit", limit);
        return new Source(d, s[0], s[1], s[2], c, s.length == 4);
    }

    private void checkSameConfiguration(Path manifestFile, Map<String, Object> fingerprint) {
        JsonNode old;
        try {
            old = Json.MAPPER.readTree(manifestFile.toFile());
        } catch (IOException e) {
            throw usage(manifestFile + " is unreadable (" + e.getMessage() + "); use --overwrite to recompute");
        }
        JsonNode previous = old.get("fingerprint");
        String was;
        String now;
        try {
            was = previous == null ? "(none)" : Json.MAPPER.writeValueAsString(previous);
            now = Json.MAPPER.writeValueAsString(fingerprint);
        } catch (IOException e) {
            throw new RobustifyException("cannot compare with " + manifestFile + ": " + e.getMessage(), e);
        }
        if (!was.equals(now)) {
            throw usage(out + " holds results of a different configuration (input, seed, preset, frost or path): "
                    + "was " + Json.line(previous) + ", now " + Json.line(fingerprint)
                    + "; use another --out, or --overwrite to recompute everything");
        }
    }

    /** What earlier runs into the same folder did (kept across resumptions): when, which files, how long. */
    private static List<Object> previousRuns(Path manifestFile) {
        List<Object> runs = new ArrayList<>();
        if (!Files.isRegularFile(manifestFile)) {
            return runs;
        }
        try {
            JsonNode old = Json.MAPPER.readTree(manifestFile.toFile());
            JsonNode earlier = old.get("previous_runs");
            if (earlier != null && earlier.isArray()) {
                for (JsonNode r : earlier) {
                    runs.add(r);
                }
            }
            Map<String, Object> last = new LinkedHashMap<>();
            for (String key : List.of("created", "status", "written", "skipped", "seconds", "config", "git_commit")) {
                if (old.has(key)) {
                    last.put(key, old.get(key));
                }
            }
            runs.add(last);
        } catch (IOException e) {
            // unreadable: checked (or overridden with --overwrite) before; start a fresh history
        }
        return runs;
    }

    /** A finished file: a readable header with the expected shape and the full data length. */
    private static boolean isComplete(Path file, Source src) {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try {
            Npy.Header h = Npy.readHeader(file);
            long[] want = src.hasChannelDim() ? new long[] {src.n(), src.h(), src.w(), src.c()}
                    : new long[] {src.n(), src.h(), src.w()};
            return h.descr().equals("|u1") && java.util.Arrays.equals(h.shape(), want)
                    && Files.size(file) - h.dataOffset() == h.count();
        } catch (RobustifyException | IOException e) {
            return false;
        }
    }

    private static boolean isCompleteLabels(Path file, long n) {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try {
            Npy.Header h = Npy.readHeader(file);
            return h.shape().length == 1 && h.shape()[0] == n && Files.size(file) - h.dataOffset() == 8 * n;
        } catch (RobustifyException | IOException e) {
            return false;
        }
    }

    /** Temporary files an interrupted run left behind for this target (never a partial .npy). */
    private static void removeStaleTemporaries(Path target) {
        Path dir = target.getParent();
        if (!Files.isDirectory(dir)) {
            return;
        }
        String prefix = "." + target.getFileName() + ".";
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith(prefix) && n.endsWith(".tmp")) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** Runs a parser whose errors already name the option, as a usage error (exit 2). */
    private <T> T usageError(java.util.function.Supplier<T> f) {
        try {
            return f.get();
        } catch (RobustifyException e) {
            throw usage(e.getMessage());
        }
    }

    private <T> T parse(java.util.function.Supplier<T> f, String option) {
        try {
            return f.get();
        } catch (RobustifyException e) {
            throw usage(option + ": " + e.getMessage());
        }
    }

    /** A usage error: exit code 2, message first, before any work. */
    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
