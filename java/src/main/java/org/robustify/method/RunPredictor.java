package org.robustify.method;

import java.nio.file.Files;
import java.nio.file.Path;

import org.robustify.eval.Predictor;
import org.robustify.model.ImageClassifier;
import org.robustify.model.InputSpec;
import org.robustify.model.branch.BranchedModel;
import org.robustify.runtime.RobustifyException;
import org.robustify.train.RunModel;

/**
 * A trained run ready to predict: plain runs answer with their single head; the method's runs through a
 * {@link HeadSelector} with the policy asked for and, for {@code select}, the thresholds saved with the run (or a
 * given file), checked against the model's fingerprint.
 *
 * @param selector null for plain runs
 */
public record RunPredictor(RunModel run, ImageClassifier model, Predictor predictor, HeadSelector selector) {

    public static RunPredictor open(RunModel run, InputSpec spec, HeadPolicy policy, Path thresholdsFile) {
        ImageClassifier model = run.build(spec);
        model.module().eval();
        if (!(model instanceof BranchedModel branched)) {
            if (policy != null && policy != HeadPolicy.ORIG && policy != HeadPolicy.DEFAULT) {
                throw new RobustifyException("--policy " + policy.cliName() + " needs the method's three-head model; "
                        + run.dir() + " is a '" + run.command() + "' run with one head");
            }
            return new RunPredictor(run, model, Predictor.of(model), null);
        }
        HeadPolicy p = policy == null ? HeadPolicy.DEFAULT : policy;
        Thresholds t = null;
        if (p == HeadPolicy.SELECT) {
            Path file = thresholdsFile != null ? thresholdsFile : run.dir().resolve(Calibrate.FILE);
            if (!Files.isRegularFile(file)) {
                throw new RobustifyException("--policy select needs thresholds: " + file + " does not exist (the run "
                        + "was not calibrated: rerun distill with --calibration-images > 0, pass --thresholds FILE, "
                        + "or choose --policy clean|robust|orig|average)");
            }
            t = Thresholds.load(file, branched);
        }
        HeadSelector selector = new HeadSelector(branched, p, t);
        return new RunPredictor(run, model, selector, selector);
    }
}
