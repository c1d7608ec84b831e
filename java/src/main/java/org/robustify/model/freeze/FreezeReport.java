package org.robustify.model.freeze;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.robustify.model.Parameters;

/**
 * Trainable versus total parameters of a model, overall and per group (stem, each block, pool, head; or a
 * branched model's parts), as the run log prints it. Built from the tensors' requires_grad flags, so it describes
 * the model's actual state, whoever froze it.
 */
public final class FreezeReport {
    /** One row: a group's trainable and total element counts and its trainable parameter names. */
    public record Group(String name, long trainable, long total, List<String> trainableNames) {}

    private final Map<String, Group> groups;
    private final long trainable;
    private final long total;

    private FreezeReport(Map<String, Group> groups) {
        this.groups = groups;
        long t = 0;
        long n = 0;
        for (Group g : groups.values()) {
            t += g.trainable();
            n += g.total();
        }
        this.trainable = t;
        this.total = n;
    }

    /** Report over a model, grouped by its {@link ModelLayout}. */
    public static FreezeReport of(ModelLayout layout) {
        return build(layout.params(), layout.groups(), layout::groupOf);
    }

    /** Report over any module, grouped by a function of the parameter name (e.g. its first component). */
    public static FreezeReport of(Module module, Function<String, String> groupOf) {
        return build(Parameters.named(module), List.of(), groupOf);
    }

    private static FreezeReport build(Map<String, Tensor> params, List<String> order,
            Function<String, String> groupOf) {
        Map<String, long[]> counts = new LinkedHashMap<>();
        Map<String, List<String>> names = new LinkedHashMap<>();
        for (String g : order) {
            counts.put(g, new long[2]);
            names.put(g, new ArrayList<>());
        }
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            String g = groupOf.apply(e.getKey());
            long[] c = counts.computeIfAbsent(g, k -> new long[2]);
            List<String> ns = names.computeIfAbsent(g, k -> new ArrayList<>());
            long numel = e.getValue().numel();
            c[1] += numel;
            if (e.getValue().requires_grad()) {
                c[0] += numel;
                ns.add(e.getKey());
            }
        }
        Map<String, Group> groups = new LinkedHashMap<>();
        counts.forEach((g, c) -> groups.put(g, new Group(g, c[0], c[1], List.copyOf(names.get(g)))));
        return new FreezeReport(groups);
    }

    public long trainable() {
        return trainable;
    }

    public long total() {
        return total;
    }

    /** Trainable / total parameter elements (0 for an empty model). */
    public double fraction() {
        return total == 0 ? 0 : (double) trainable / total;
    }

    public Map<String, Group> groups() {
        return groups;
    }

    /** Every trainable parameter name, in model order. */
    public List<String> trainableNames() {
        List<String> out = new ArrayList<>();
        groups.values().forEach(g -> out.addAll(g.trainableNames()));
        return out;
    }

    /** For manifests: totals, the trainable fraction and per group trainable/total counts. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("trainable", trainable);
        m.put("total", total);
        m.put("fraction", fraction());
        Map<String, Object> g = new LinkedHashMap<>();
        groups.forEach((name, group) -> g.put(name, Map.of("trainable", group.trainable(), "total", group.total())));
        m.put("groups", g);
        return m;
    }

    /** A small table: one row per group, then the total with the trainable percentage. */
    @Override
    public String toString() {
        int width = "total".length();
        for (String g : groups.keySet()) {
            width = Math.max(width, g.length());
        }
        StringBuilder b = new StringBuilder();
        String row = "%-" + width + "s  %12s  %12s  %s%n";
        b.append(String.format(Locale.ROOT, row, "group", "trainable", "total", "trainable parameters"));
        for (Group g : groups.values()) {
            String list = g.trainable() == 0 ? "-"
                    : g.trainable() == g.total() ? "all (" + g.trainableNames().size() + ")"
                    : String.join(", ", g.trainableNames());
            b.append(String.format(Locale.ROOT, row, g.name(), fmt(g.trainable()), fmt(g.total()), list));
        }
        b.append(String.format(Locale.ROOT, row, "total", fmt(trainable), fmt(total),
                String.format(Locale.ROOT, "%.2f%% trainable", 100 * fraction())));
        return b.toString();
    }

    private static String fmt(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
