package org.robustify.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.robustify.runtime.RobustifyException;

/** The parts of a benchmark run, in the order they run and are reported. */
public enum BenchSuite {
    CLEAN, CALIBRATION, CORRUPTIONS, OOD, FGSM, PGD;

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Comma-separated names ("clean,pgd"), or "all"; duplicates collapse, order is the enum's. */
    public static Set<BenchSuite> parse(String list) {
        if (list == null || list.isBlank()) {
            throw new RobustifyException("--suite is empty; valid names: " + names() + " or all");
        }
        if (list.trim().equalsIgnoreCase("all")) {
            return EnumSet.allOf(BenchSuite.class);
        }
        EnumSet<BenchSuite> out = EnumSet.noneOf(BenchSuite.class);
        for (String part : list.split(",")) {
            String name = part.trim().toLowerCase(Locale.ROOT);
            BenchSuite match = Arrays.stream(values()).filter(s -> s.cliName().equals(name)).findFirst()
                    .orElseThrow(() -> new RobustifyException("unknown suite '" + part.trim() + "'; valid names: "
                            + names() + " or all"));
            out.add(match);
        }
        return out;
    }

    private static String names() {
        return Arrays.stream(values()).map(BenchSuite::cliName).collect(Collectors.joining(", "));
    }

    /** Fractions and decimals: "1/255,4/255,0.03" (each >= 0). */
    public static List<Double> parseEpsilons(String list) {
        List<Double> out = new ArrayList<>();
        for (String part : list.split(",")) {
            out.add(parseFraction(part.trim(), "--eps"));
        }
        return List.copyOf(out);
    }

    public static double parseFraction(String text, String option) {
        try {
            int slash = text.indexOf('/');
            double v = slash < 0 ? Double.parseDouble(text)
                    : Double.parseDouble(text.substring(0, slash)) / Double.parseDouble(text.substring(slash + 1));
            if (!Double.isFinite(v) || v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new RobustifyException(option + ": '" + text + "' is not a number >= 0 (e.g. 0.03 or 8/255)");
        }
    }
}
