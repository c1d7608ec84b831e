package org.robustify.method;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.bytedeco.pytorch.NoGradGuard;
import org.robustify.data.ImageDataset;
import org.robustify.model.branch.BranchedModel;

/**
 * Transfer preservation (the method's claim): a linear probe on a downstream task over the original model's frozen
 * features and over the robust branch's, side by side. The original features are those of the untouched original
 * path, so their probe equals the pre-trained model's exactly; the branch's show what tuning did to the
 * representation.
 */
public final class TransferProbe {
    /** Both probes' results. */
    public record Result(String task, LinearProbe.Result original, LinearProbe.Result branch) {
        public Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("task", task);
            m.put("original_features", probe(original));
            m.put("robust_branch_features", probe(branch));
            m.put("difference_points", 100 * (branch.testAccuracy() - original.testAccuracy()));
            return m;
        }

        private static Map<String, Object> probe(LinearProbe.Result r) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("test_accuracy", r.testAccuracy());
            m.put("train_accuracy", r.trainAccuracy());
            m.put("train_images", r.trainSize());
            m.put("test_images", r.testSize());
            m.put("feature_dim", r.featureDim());
            m.put("classes", r.classes());
            m.put("seconds", r.seconds());
            return m;
        }
    }

    private TransferProbe() {}

    public static Result run(String task, BranchedModel model, ImageDataset train, ImageDataset test, float[] mean,
            float[] std, LinearProbe.Options options) {
        boolean wasTraining = model.is_training();
        model.eval();
        try {
            LinearProbe.Result original = LinearProbe.run(x -> {
                try (NoGradGuard g = new NoGradGuard()) {
                    return model.original().features(x);
                }
            }, train, test, mean, std, options);
            LinearProbe.Result branch = LinearProbe.run(new BranchFeatures(model), train, test, mean, std, options);
            System.err.printf(Locale.ROOT, "transfer (%s): original features %.4f, robust branch %.4f%n", task,
                    original.testAccuracy(), branch.testAccuracy());
            return new Result(task, original, branch);
        } finally {
            model.train(wasTraining);
        }
    }
}
