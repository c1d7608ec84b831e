package org.robustify.model;

import java.util.List;

import org.robustify.runtime.RobustifyException;

/** Builds models by zoo name. */
public final class ModelZoo {
    public static final List<String> NAMES = List.of(CnnSmall.NAME);

    private ModelZoo() {}

    public static ImageClassifier create(String name, InputSpec spec) {
        if (CnnSmall.NAME.equals(name)) {
            return new CnnSmall(spec);
        }
        throw new RobustifyException("unknown model '" + name + "'; available: " + String.join(", ", NAMES));
    }
}
