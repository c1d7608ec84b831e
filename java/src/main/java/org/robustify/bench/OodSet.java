package org.robustify.bench;

import java.util.List;

import org.robustify.data.ImageDataset;
import org.robustify.runtime.RobustifyException;

/**
 * An out-of-distribution image set: decoded images, files that could not be read, and an optional class subset
 * mapping the set's classes to model outputs (null: data class i is model output i).
 */
public record OodSet(String name, String source, ImageDataset data, List<String> unreadable, ClassMask mask) {

    public OodSet {
        unreadable = List.copyOf(unreadable);
    }

    /** Checks the set's classes fit the model (directly or through the mask) before any work. */
    public void requireCompatible(int modelClasses) {
        int classes = data.numClasses();
        if (mask != null && mask.size() != classes) {
            throw new RobustifyException("OOD set " + name + " has " + classes + " classes but --classes lists "
                    + mask.size() + " model outputs; they must match one to one (sorted folder names)");
        }
        if (mask == null && classes > modelClasses) {
            throw new RobustifyException("OOD set " + name + " has " + classes + " classes but the model has "
                    + modelClasses + " outputs; give --classes FILE mapping each folder class to a model output");
        }
        if (data.size() == 0) {
            throw new RobustifyException("OOD set " + name + " has no readable image (" + unreadable.size()
                    + " unreadable)");
        }
    }
}
