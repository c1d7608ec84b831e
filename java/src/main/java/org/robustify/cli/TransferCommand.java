package org.robustify.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.robustify.data.FashionMnist;
import org.robustify.data.ImageDataset;
import org.robustify.method.LinearProbe;
import org.robustify.method.TransferProbe;
import org.robustify.method.TransferTasks;
import org.robustify.model.InputSpec;
import org.robustify.model.branch.BranchedModel;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.Provenance;
import org.robustify.train.RunModel;
import org.robustify.util.AtomicFiles;
import org.robustify.util.Json;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "transfer", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Transfer preservation: linear probes on a downstream task over the original model's frozen "
                + "features and over the robust branch's, side by side (transfer.json). The default task regroups "
                + "Fashion-MNIST into tops / bottoms / footwear / bags.")
final class TransferCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "RUN", description = "A distill run.")
    Path model;

    @Option(names = "--train-images", defaultValue = "10000", description = "Training images of the probe (the "
            + "first N of the training split).")
    int trainImages;

    @Option(names = "--steps", defaultValue = "300", description = "Full-batch Adam steps of the probe.")
    int steps;

    @Mixin
    DataDirOption data;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() {
        RunModel run = RunModel.read(model);
        NativeRuntime.init(threads.resolve());
        Path dir = FashionMnist.resolveDir(data.dir);
        ImageDataset train = TransferTasks.fashionGroups(FashionMnist.load(dir, FashionMnist.Split.TRAIN))
                .head(trainImages);
        ImageDataset test = TransferTasks.fashionGroups(FashionMnist.load(dir, FashionMnist.Split.TEST));
        BranchedModel branched = run.buildBranched(new InputSpec(train.channels(), train.height(), train.width(),
                FashionMnist.CLASSES.size()));
        LinearProbe.Options options = new LinearProbe.Options(steps, LinearProbe.Options.defaults().lr(),
                LinearProbe.Options.defaults().weightDecay(), LinearProbe.Options.defaults().batchSize());
        TransferProbe.Result r = TransferProbe.run("fashion-mnist groups (tops, bottoms, footwear, bags)", branched,
                train, test, FashionMnist.MEAN, FashionMnist.STD, options);
        AtomicFiles.writeString(out.resolve("transfer.json"), Json.pretty(r.asMap()) + "\n");
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("model", model.toString());
        config.put("train_images", trainImages);
        config.put("steps", steps);
        Map<String, Object> manifest = Provenance.manifest("transfer", config, 0, Map.of("train_images",
                train.size(), "test_images", test.size()));
        manifest.put("status", "completed");
        manifest.put("result", r.asMap());
        Provenance.write(out.resolve("manifest.json"), manifest);
        System.out.printf(Locale.ROOT, "linear probe accuracy: original features %.4f, robust branch %.4f; results "
                + "in %s%n", r.original().testAccuracy(), r.branch().testAccuracy(), out);
        return 0;
    }
}
