package org.robustify.model;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/** A model that maps normalised float32 NCHW images to class logits. */
public interface ImageClassifier {
    Tensor forward(Tensor images);

    /** The libtorch module holding the parameters (for optimisers, freezing, checkpoints). */
    Module module();

    /** Zoo name, e.g. "cnn-small". */
    String architecture();
}
