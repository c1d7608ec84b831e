package org.robustify.method;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.robustify.data.FashionMnist;
import org.robustify.data.ImageDataset;
import org.robustify.model.ImageClassifier;
import org.robustify.model.InputSpec;
import org.robustify.runtime.Provenance;
import org.robustify.runtime.RobustifyException;
import org.robustify.train.Checkpoint;
import org.robustify.train.Evaluation;
import org.robustify.train.RunModel;
import org.robustify.train.Trainer;
import org.robustify.util.AtomicFiles;
import org.robustify.util.Json;

/**
 * {@code robustify wise}: WiSE-FT models between a pre-trained run and its fine-tuned run, one run folder per mixing
 * coefficient a ({@code OUT/a-0.50/model.pt} + manifest, loadable like any run), each with its clean test accuracy,
 * and {@code OUT/wise.json} listing them.
 */
public final class WiseRun {
    public static final String SUMMARY = "wise.json";

    /** One interpolated model. */
    public record Point(double alpha, Path dir, double testAccuracy) {}

    private WiseRun() {}

    public static List<Point> run(Path pre, Path ft, List<Double> alphas, Path out, ImageDataset test,
            int evalBatchSize) {
        if (alphas.isEmpty()) {
            throw new RobustifyException("give at least one mixing coefficient (--alpha or --sweep)");
        }
        alphas.forEach(WiseFt::checkAlpha);
        RunModel preRun = RunModel.read(pre);
        RunModel ftRun = RunModel.read(ft);
        if (preRun.isBranched() || ftRun.isBranched()) {
            throw new RobustifyException("WiSE-FT interpolates two runs of one architecture; a distill run's "
                    + "branched model is not one of them");
        }
        if (!preRun.architecture().equals(ftRun.architecture()) || !preRun.options().equals(ftRun.options())) {
            throw new RobustifyException("--pre is a " + preRun.architecture() + " " + preRun.options() + " but --ft a "
                    + ftRun.architecture() + " " + ftRun.options() + ": WiSE-FT needs the same architecture");
        }
        InputSpec spec = new InputSpec(test.channels(), test.height(), test.width(), test.numClasses());
        ImageClassifier preModel = preRun.build(spec);
        ImageClassifier ftModel = ftRun.build(spec);
        List<Point> points = new ArrayList<>();
        for (double a : alphas) {
            ImageClassifier mixed = preRun.build(spec);
            WiseFt.interpolate(preModel.module(), ftModel.module(), a, mixed.module());
            Path dir = out.resolve(String.format(Locale.ROOT, "a-%.2f", a));
            Checkpoint.save(mixed.module(), dir.resolve(Trainer.WEIGHTS));
            double accuracy = Evaluation.evaluate(mixed, test, evalBatchSize, FashionMnist.MEAN, FashionMnist.STD)
                    .accuracy();
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("model", preRun.architecture());
            config.put("stem", preRun.options().stem());
            config.put("patch_size", preRun.options().patchSize());
            config.put("vit_depth", preRun.options().vitDepth());
            config.put("pre", preRun.describe());
            config.put("ft", ftRun.describe());
            config.put("alpha", a);
            Map<String, Object> manifest = Provenance.manifest("wise", config, 0, Map.of("test_images", test.size()));
            manifest.put("status", "completed");
            manifest.put("result", Map.of("testAccuracy", accuracy));
            Provenance.write(dir.resolve(Trainer.MANIFEST), manifest);
            System.err.printf(Locale.ROOT, "wise a=%.2f: test accuracy %.4f -> %s%n", a, accuracy, dir);
            points.add(new Point(a, dir, accuracy));
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Point p : points) {
            rows.add(Map.of("alpha", p.alpha(), "dir", out.relativize(p.dir()).toString(), "test_accuracy",
                    p.testAccuracy()));
        }
        AtomicFiles.writeString(out.resolve(SUMMARY), Json.pretty(Map.of("pre", pre.toString(), "ft", ft.toString(),
                "points", rows)) + "\n");
        return points;
    }
}
