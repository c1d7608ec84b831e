package org.robustify.model.weights;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What {@link WeightLoader} did, every list sorted by name: {@code loaded} keys were copied into the model;
 * {@code missing} ones the model has but the weights lack (they keep their current values); {@code unexpected} ones
 * the weights have but the model lacks; {@code mismatched} ones both have with different shapes (not copied);
 * {@code skipped} ones were excluded on purpose (the head in {@link WeightLoader#loadExceptHead}), on either side.
 * Shapes are kept so messages can show them.
 */
public record LoadReport(List<String> loaded, Map<String, long[]> missing, Map<String, long[]> unexpected,
        List<Mismatch> mismatched, List<String> skipped) {

    /** A key present on both sides with different shapes. */
    public record Mismatch(String name, long[] modelShape, long[] weightShape) {
        @Override
        public String toString() {
            return name + " (model " + Arrays.toString(modelShape) + ", weights " + Arrays.toString(weightShape)
                    + ")";
        }
    }

    /** True when every model key was loaded and every weight was used (skipped keys aside). */
    public boolean complete() {
        return missing.isEmpty() && unexpected.isEmpty() && mismatched.isEmpty();
    }

    /**
     * One line per problem kind, listing every key with its shape, e.g.
     * {@code 2 missing: fc.bias [10], fc.weight [10, 128]}; empty when complete.
     */
    public String problems() {
        StringBuilder s = new StringBuilder();
        if (!missing.isEmpty()) {
            s.append(missing.size()).append(" missing (in the model, not in the weights): ").append(shapes(missing));
        }
        if (!unexpected.isEmpty()) {
            s.append(s.length() == 0 ? "" : "\n").append(unexpected.size())
                    .append(" unexpected (in the weights, not in the model): ").append(shapes(unexpected));
        }
        if (!mismatched.isEmpty()) {
            s.append(s.length() == 0 ? "" : "\n").append(mismatched.size()).append(" with another shape: ")
                    .append(mismatched.stream().map(Mismatch::toString).collect(Collectors.joining(", ")));
        }
        return s.toString();
    }

    /** e.g. {@code loaded 62 tensors; skipped 2 (fc.bias, fc.weight)} plus the problems, for logs. */
    public String summary() {
        StringBuilder s = new StringBuilder("loaded ").append(loaded.size()).append(" tensors");
        if (!skipped.isEmpty()) {
            s.append("; skipped ").append(skipped.size()).append(" (").append(String.join(", ", skipped))
                    .append(")");
        }
        String p = problems();
        return p.isEmpty() ? s.toString() : s + "\n" + p;
    }

    private static String shapes(Map<String, long[]> m) {
        return m.entrySet().stream().map(e -> e.getKey() + " " + Arrays.toString(e.getValue()))
                .collect(Collectors.joining(", "));
    }
}
