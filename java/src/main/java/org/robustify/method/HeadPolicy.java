package org.robustify.method;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import org.robustify.runtime.RobustifyException;

/**
 * Which of a {@link org.robustify.model.branch.BranchedModel}'s heads answers (method stage 3). SELECT, the default,
 * picks clean or robust per input from the clean head's uncertainty and the heads' disagreement.
 */
public enum HeadPolicy {
    SELECT, CLEAN, ROBUST, ORIG, AVERAGE;

    public static final HeadPolicy DEFAULT = SELECT;

    /** Case-insensitive: "select", "clean", "robust", "orig", "average". */
    public static HeadPolicy parse(String name) {
        if (name != null) {
            for (HeadPolicy p : values()) {
                if (p.cliName().equals(name.trim().toLowerCase(Locale.ROOT))) {
                    return p;
                }
            }
        }
        throw new RobustifyException("unknown head policy '" + name + "'; valid names: "
                + Arrays.stream(values()).map(HeadPolicy::cliName).collect(Collectors.joining(", ")));
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
