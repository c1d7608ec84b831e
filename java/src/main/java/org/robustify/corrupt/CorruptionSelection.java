package org.robustify.corrupt;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.robustify.runtime.RobustifyException;

/**
 * Which cells of the corruption suite a benchmark evaluates: the same list syntax as {@code robustify corrupt}
 * ({@code benchmark}, {@code all}, {@code validation}, a group or names; severities as a list and/or ranges).
 */
public final class CorruptionSelection {
    private CorruptionSelection() {}

    /** Names, groups or sets, comma-separated; order of first mention, duplicates collapse. */
    public static List<Corruption> corruptions(String list) {
        Set<Corruption> out = new LinkedHashSet<>();
        for (String raw : list.split(",")) {
            String item = raw.trim().toLowerCase(Locale.ROOT);
            if (item.isEmpty()) {
                continue;
            }
            switch (item) {
                case "all" -> out.addAll(Corruption.all());
                case "benchmark" -> out.addAll(Corruption.benchmark());
                case "validation" -> out.addAll(Corruption.validation());
                case "noise", "blur", "weather", "digital" ->
                    out.addAll(Corruption.inGroup(Corruption.Group.valueOf(item.toUpperCase(Locale.ROOT))));
                default -> {
                    Corruption c;
                    try {
                        c = Corruption.fromName(item);
                    } catch (RobustifyException e) {
                        throw new RobustifyException("--corruptions: " + e.getMessage());
                    }
                    if (c == Corruption.IDENTITY) {
                        throw new RobustifyException("--corruptions: identity is not a corruption (the clean images "
                                + "are the input)");
                    }
                    out.add(c);
                }
            }
        }
        if (out.isEmpty()) {
            throw new RobustifyException("--corruptions is empty");
        }
        return List.copyOf(out);
    }

    /** "1-5", "1,3,5", "2-4,5": ascending, duplicates collapse. */
    public static int[] severities(String list) {
        Set<Integer> out = new TreeSet<>();
        for (String raw : list.split(",")) {
            String item = raw.trim();
            if (item.isEmpty()) {
                continue;
            }
            int lo;
            int hi;
            try {
                int dash = item.indexOf('-', 1);
                lo = Integer.parseInt((dash > 0 ? item.substring(0, dash) : item).trim());
                hi = dash > 0 ? Integer.parseInt(item.substring(dash + 1).trim()) : lo;
            } catch (NumberFormatException e) {
                throw new RobustifyException("--severities: cannot read '" + item + "'; use a list and/or ranges of "
                        + "1..5, e.g. 1,3,5 or 2-4");
            }
            if (lo > hi) {
                throw new RobustifyException("--severities: empty range '" + item + "'");
            }
            for (int s = lo; s <= hi; s++) {
                if (s < Corruption.MIN_SEVERITY || s > Corruption.MAX_SEVERITY) {
                    throw new RobustifyException("--severities: severity " + s + " is outside 1..5");
                }
                out.add(s);
            }
        }
        if (out.isEmpty()) {
            throw new RobustifyException("--severities is empty");
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    static List<String> names(List<Corruption> cs) {
        List<String> out = new ArrayList<>();
        cs.forEach(c -> out.add(c.nativeName()));
        return out;
    }
}
