package org.robustify.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.robustify.corrupt.Corruption;
import org.robustify.data.FashionMnist;
import org.robustify.data.ImageDataset;
import org.robustify.data.Npy;
import org.robustify.method.HeadPolicy;
import org.robustify.method.Prediction;
import org.robustify.method.RunPredictor;
import org.robustify.model.InputSpec;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.Provenance;
import org.robustify.runtime.RobustifyException;
import org.robustify.train.RunModel;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "predict", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Predict with a trained run; the method's runs choose a head per input (--policy select, with "
                + "the run's calibrated thresholds) and report how many inputs each head answered. Writes "
                + "predictions.npy (int64), predict.json (accuracy when labels are known, routing) and manifest.json.")
final class PredictCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "RUN", description = "A run folder (or its model.pt).")
    Path model;

    @Option(names = "--policy", defaultValue = "select", description = "Head policy of the method's runs: select, "
            + "clean, robust, orig or average.")
    String policy;

    @Option(names = "--thresholds", paramLabel = "FILE", description = "Thresholds for select (default: the run's "
            + "thresholds.json).")
    Path thresholds;

    @Option(names = "--images", paramLabel = "X.npy", description = "uint8 images N x H x W or N x H x W x C "
            + "(default: the Fashion-MNIST --split).")
    Path images;

    @Option(names = "--labels", paramLabel = "Y.npy", description = "int64 labels of --images (optional).")
    Path labels;

    @Option(names = "--split", defaultValue = "test", description = "Fashion-MNIST split when no --images: test or "
            + "train.")
    String split;

    @Mixin
    DataDirOption data;

    @Option(names = "--corruption", paramLabel = "NAME", description = "Corrupt the images on the fly first.")
    String corruption;

    @Option(names = "--severity", defaultValue = "3", description = "Severity of --corruption (1-5).")
    int severity;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the corruption.")
    long seed;

    @Option(names = "--limit", defaultValue = "0", description = "First N images only (0 = all).")
    int limit;

    @Option(names = "--batch-size", defaultValue = "256")
    int batchSize;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() {
        HeadPolicy p = HeadPolicy.parse(policy);
        Corruption c = corruption == null ? null : Corruption.fromName(corruption);
        if (c != null) {
            Corruption.checkSeverity(severity);
        }
        if (batchSize < 1) {
            throw new RobustifyException("--batch-size must be >= 1; got " + batchSize);
        }
        RunModel run = RunModel.read(model);
        NativeRuntime.init(threads.resolve());
        boolean labelled = images == null || labels != null;
        ImageDataset set = load().head(limit);
        InputSpec spec = new InputSpec(set.channels(), set.height(), set.width(), FashionMnist.CLASSES.size());
        RunPredictor opened = RunPredictor.open(run, spec, p, thresholds);
        long start = System.nanoTime();
        Prediction.Result r = Prediction.run(opened.predictor(), set, FashionMnist.MEAN, FashionMnist.STD, batchSize,
                c, severity, seed);
        double seconds = (System.nanoTime() - start) / 1e9;
        Npy.writeInt64(out.resolve("predictions.npy"), new long[] {r.predictions().length}, r.predictions());
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("model", run.describe());
        summary.put("policy", opened.selector() == null ? "single head" : p.cliName());
        summary.put("images", set.size());
        summary.put("data", set.name());
        summary.put("corruption", c == null ? null : Map.of("name", c.nativeName(), "severity", severity, "seed", seed));
        summary.put("accuracy", labelled ? r.accuracy() : null);
        summary.put("routing", opened.selector() == null ? null : opened.selector().routing().toJson());
        summary.put("seconds", seconds);
        summary.put("images_per_second", set.size() / seconds);
        org.robustify.util.AtomicFiles.writeString(out.resolve("predict.json"),
                org.robustify.util.Json.pretty(summary) + "\n");
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("model", model.toString());
        config.put("policy", p.cliName());
        config.put("thresholds", thresholds == null ? null : thresholds.toString());
        config.put("images", images == null ? null : images.toString());
        config.put("labels", labels == null ? null : labels.toString());
        config.put("split", split);
        config.put("limit", limit);
        config.put("batch_size", batchSize);
        Map<String, Object> manifest = Provenance.manifest("predict", config, seed, Map.of("name", set.name(),
                "images", set.size()));
        manifest.put("status", "completed");
        manifest.put("result", summary);
        Provenance.write(out.resolve("manifest.json"), manifest);
        System.out.printf(Locale.ROOT, "%d images%s%s; results in %s%n", set.size(),
                labelled ? String.format(Locale.ROOT, ", accuracy %.4f", r.accuracy()) : "",
                opened.selector() == null ? "" : routingLine(opened), out);
        return 0;
    }

    private static String routingLine(RunPredictor opened) {
        var routing = opened.selector().routing();
        return String.format(Locale.ROOT, ", routed: clean %.1f%%, robust %.1f%%", 100 * routing.fraction(
                routing.clean()), 100 * routing.fraction(routing.robust()));
    }

    private ImageDataset load() {
        if (images == null) {
            if (labels != null) {
                throw new RobustifyException("--labels belongs to --images");
            }
            FashionMnist.Split s = switch (split.toLowerCase(Locale.ROOT)) {
                case "test" -> FashionMnist.Split.TEST;
                case "train" -> FashionMnist.Split.TRAIN;
                default -> throw new RobustifyException("unknown --split '" + split + "'; use test or train");
            };
            return FashionMnist.load(FashionMnist.resolveDir(data.dir), s);
        }
        Npy.UInt8Array x = Npy.readUint8(images);
        long[] shape = x.shape();
        if (shape.length != 3 && shape.length != 4) {
            throw new RobustifyException(images + ": images must be N x H x W or N x H x W x C uint8; got shape "
                    + Npy.shapeString(shape));
        }
        int n = (int) shape[0];
        int[] y = new int[n];
        if (labels != null) {
            Npy.Int64Array l = Npy.readInt64(labels);
            if (l.shape().length != 1 || l.shape()[0] != n) {
                throw new RobustifyException(labels + ": " + n + " labels expected; got shape "
                        + Npy.shapeString(l.shape()));
            }
            for (int i = 0; i < n; i++) {
                y[i] = Math.toIntExact(l.data()[i]);
            }
        }
        List<String> classes = new ArrayList<>(FashionMnist.CLASSES);
        return new ImageDataset(images.getFileName().toString(), x.data(), y, (int) shape[1], (int) shape[2],
                shape.length == 4 ? (int) shape[3] : 1, Collections.unmodifiableList(classes));
    }
}
