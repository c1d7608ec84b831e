package org.robustify.model;

import org.robustify.runtime.RobustifyException;

/** What a model is built for: image channels and size, and the number of classes. */
public record InputSpec(int channels, int height, int width, int classes) {
    public InputSpec {
        if (channels < 1 || height < 1 || width < 1 || classes < 2) {
            throw new RobustifyException("invalid model input spec: channels " + channels + ", " + height + "x"
                    + width + ", classes " + classes + " (need channels >= 1, size >= 1, classes >= 2)");
        }
    }
}
