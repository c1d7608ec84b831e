package org.robustify.bench;

import java.util.Map;

import org.robustify.eval.Predictor;
import org.robustify.model.ImageClassifier;
import org.robustify.runtime.RobustifyException;

/**
 * What a benchmark needs of a model: how it answers ({@code scored}, e.g. a head-selecting predictor), a
 * differentiable model the attacks take gradients through ({@code attacked}; the same model for single-head runs),
 * a note naming that attack target for the report, and the normalisation the model was trained with.
 */
public record BenchModel(Map<String, Object> description, Predictor scored, ImageClassifier attacked,
        String attackTarget, float[] mean, float[] std, int classes) {

    public BenchModel {
        if (scored == null || attacked == null) {
            throw new RobustifyException("a benchmark model needs a predictor and an attackable model");
        }
        if (mean.length != std.length) {
            throw new RobustifyException("mean and std lengths differ: " + mean.length + " vs " + std.length);
        }
    }
}
