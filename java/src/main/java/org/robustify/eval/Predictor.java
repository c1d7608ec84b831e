package org.robustify.eval;

import org.bytedeco.pytorch.Tensor;
import org.robustify.model.ImageClassifier;

/**
 * What evaluation needs of a model: class scores [N, C] for a batch of normalised float32 NCHW images, whose row
 * argmax is the prediction and whose log-softmax is the predicted log-probability (so averaged-probability policies
 * return log-probabilities). Callers put the model in eval mode and open the NoGradGuard and PointerScope.
 */
@FunctionalInterface
public interface Predictor {
    Tensor logits(Tensor images);

    static Predictor of(ImageClassifier model) {
        return model::forward;
    }
}
