package org.robustify.method;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.robustify.loss.DistillOptions;
import org.robustify.model.freeze.FreezeSpec;
import org.robustify.model.freeze.FreezeTerm;
import org.robustify.runtime.RobustifyException;
import org.robustify.train.RunModel;
import org.robustify.train.augment.Augmenter;

/**
 * Everything specific to a {@code robustify distill} run (the loop's settings are in
 * {@link org.robustify.train.TrainConfig}). Defaults are the design's: tune the last quarter of the blocks, T = 4,
 * α = β = 1, uncertainty weights, three heads, calibration on 5000 held-out images with all 5 severities of the 4
 * validation corruptions.
 *
 * @param teacher             the robust teacher's run, or null for partial tuning without a teacher (ablation)
 * @param weighting           ENTROPY (uncertainty-aware, default), ENTROPY_CORRECT (--kd-gate correct), UNIFORM
 *                            (ablation: no uncertainty weights)
 * @param singleHead          ablation: one added head (the robust one) learns both terms and predicts everything
 * @param calibrationImages   held out from the end of the training set for calibrating τ_u, τ_d (0: no calibration)
 * @param calibrationSeverities severities of the validation corruptions used for calibration
 */
public record DistillSettings(Path student, Path teacher, String tune, Augmenter augmenter, double temperature,
        double alpha, double beta, DistillOptions.Weighting weighting, boolean singleHead, int calibrationImages,
        List<Integer> calibrationSeverities, long calibrationSeed) {

    public static final String DEFAULT_TUNE = "fraction:0.25";
    public static final int DEFAULT_CALIBRATION_IMAGES = 5000;

    public DistillSettings {
        if (student == null) {
            throw new RobustifyException("--student RUN is required (the pre-trained model to robustify)");
        }
        if (augmenter == null) {
            throw new RobustifyException("distillation needs an augmentation for the robust head's views");
        }
        if (!(temperature > 0)) {
            throw new RobustifyException("--temperature must be > 0; got " + temperature);
        }
        if (!(alpha >= 0) || !(beta >= 0)) {
            throw new RobustifyException("--alpha and --beta must be >= 0; got " + alpha + " and " + beta);
        }
        if (weighting == DistillOptions.Weighting.GIVEN) {
            throw new RobustifyException("distillation weights are uniform, entropy or entropy-correct");
        }
        if (calibrationImages < 0) {
            throw new RobustifyException("--calibration-images must be >= 0; got " + calibrationImages);
        }
        for (int s : calibrationSeverities) {
            org.robustify.corrupt.Corruption.checkSeverity(s);
        }
        calibrationSeverities = List.copyOf(calibrationSeverities);
        for (FreezeTerm t : FreezeSpec.parse(tune).terms()) {
            if (!t.isBlockTerm()) {
                throw new RobustifyException("--tune '" + tune + "': the branch is chosen by block terms (last:k, "
                        + "first:k, fraction:f, blocks:i+j); '" + t + "' is not one");
            }
        }
    }

    /** File checks that need no data: both runs exist and hold what they should. */
    void validate() {
        RunModel s = RunModel.read(student);
        if (s.isBranched()) {
            throw new RobustifyException("--student " + student + " is already a distill run; give the pre-trained "
                    + "model");
        }
        if (teacher != null) {
            RunModel.read(teacher);
        }
    }

    Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("student", student.toString());
        m.put("teacher", teacher == null ? null : teacher.toString());
        m.put("tune", tune);
        m.put("augment", augmenter.describe());
        m.put("temperature", temperature);
        m.put("alpha", alpha);
        m.put("beta", beta);
        m.put("weighting", weighting.name().toLowerCase(java.util.Locale.ROOT));
        m.put("heads", singleHead ? "single" : "three");
        m.put("calibration_images", calibrationImages);
        m.put("calibration_severities", calibrationSeverities);
        m.put("calibration_seed", calibrationSeed);
        return m;
    }
}
