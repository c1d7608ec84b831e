package org.robustify.model;

import java.util.List;

import org.robustify.runtime.RobustifyException;

/** Builds models by zoo name. */
public final class ModelZoo {
    public static final List<String> NAMES = List.of(CnnSmall.NAME);

    private ModelZoo() {}

    public static ImageClassifier create(String name, InputSpec spec) {
        requireKnown(name);
        return new CnnSmall(spec);
    }

    /** Fails fast, before any data is loaded, on a name the zoo does not have. */
    public static void requireKnown(String name) {
        if (!NAMES.contains(name)) {
            throw new RobustifyException("unknown model '" + name + "'; available: " + String.join(", ", NAMES));
        }
    }
}
