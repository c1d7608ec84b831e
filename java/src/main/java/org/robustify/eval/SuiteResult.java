package org.robustify.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.robustify.runtime.RobustifyException;
import org.robustify.util.AtomicFiles;
import org.robustify.util.Json;

/**
 * Accuracy and NLL of one model on clean images and on every (corruption, severity) cell.
 *
 * @param cleanAccuracy fraction correct on the clean images
 * @param cleanNll      mean cross-entropy on the clean images
 * @param count         images evaluated per cell (the same for clean and every cell)
 * @param severities    the severities, in the column order of the per-corruption arrays
 * @param accuracy      corruption native name → accuracy per severity, in evaluation order
 * @param nll           corruption native name → mean cross-entropy per severity (same keys and order)
 * @param seed          the corruption seed
 * @param timing        where the wall time went (zeros when read from JSON without it)
 */
public record SuiteResult(double cleanAccuracy, double cleanNll, long count, int[] severities,
        Map<String, double[]> accuracy, Map<String, double[]> nll, long seed, Timing timing) {

    /** Seconds in total, in the corruption engine, and in normalisation + model + metrics. */
    public record Timing(double totalSeconds, double corruptSeconds, double modelSeconds) {
        public static final Timing NONE = new Timing(0, 0, 0);
    }

    public SuiteResult {
        if (severities == null || accuracy == null || nll == null) {
            throw new RobustifyException("severities, accuracy and nll are required");
        }
        if (!accuracy.keySet().equals(nll.keySet())) {
            throw new RobustifyException("accuracy and nll name different corruptions: " + accuracy.keySet()
                    + " vs " + nll.keySet());
        }
        severities = severities.clone();
        accuracy = copy(accuracy, severities.length, "accuracy");
        nll = copy(nll, severities.length, "nll");
        if (timing == null) {
            timing = Timing.NONE;
        }
    }

    private static Map<String, double[]> copy(Map<String, double[]> in, int columns, String what) {
        Map<String, double[]> out = new LinkedHashMap<>();
        in.forEach((name, values) -> {
            if (values == null || values.length != columns) {
                throw new RobustifyException(what + " of '" + name + "' needs one value per severity (" + columns
                        + "); got " + (values == null ? "null" : values.length));
            }
            out.put(name, values.clone());
        });
        return Collections.unmodifiableMap(out);
    }

    @Override
    public int[] severities() {
        return severities.clone();
    }

    /** The corruptions, in evaluation order. */
    public List<String> corruptions() {
        return List.copyOf(accuracy.keySet());
    }

    /** Accuracy per severity of one corruption (a copy). */
    public double[] accuracy(String corruption) {
        return row(accuracy, corruption).clone();
    }

    /** Mean cross-entropy per severity of one corruption (a copy). */
    public double[] nll(String corruption) {
        return row(nll, corruption).clone();
    }

    private static double[] row(Map<String, double[]> map, String corruption) {
        double[] v = map.get(corruption);
        if (v == null) {
            throw new RobustifyException("no results for corruption '" + corruption + "'; have " + map.keySet());
        }
        return v;
    }

    /** Mean accuracy over all (corruption, severity) cells; NaN when there are none. */
    public double meanCorruptionAccuracy() {
        return accuracy.values().stream().flatMapToDouble(Arrays::stream).average().orElse(Double.NaN);
    }

    /** Mean NLL over all (corruption, severity) cells; NaN when there are none. */
    public double meanCorruptionNll() {
        return nll.values().stream().flatMapToDouble(Arrays::stream).average().orElse(Double.NaN);
    }

    /** Corruption → its accuracy averaged over severities, in evaluation order. */
    public Map<String, Double> perCorruptionMeanAccuracy() {
        Map<String, Double> out = new LinkedHashMap<>();
        accuracy.forEach((name, v) -> out.put(name, Arrays.stream(v).average().orElse(Double.NaN)));
        return out;
    }

    /** A JSON-ready tree (insertion-ordered maps, lists, numbers). */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", count);
        m.put("seed", seed);
        m.put("severities", Arrays.stream(severities).boxed().toList());
        Map<String, Object> clean = new LinkedHashMap<>();
        clean.put("accuracy", cleanAccuracy);
        clean.put("nll", cleanNll);
        m.put("clean", clean);
        m.put("mean_corruption_accuracy", nullIfNaN(meanCorruptionAccuracy()));
        m.put("mean_corruption_nll", nullIfNaN(meanCorruptionNll()));
        Map<String, Object> cells = new LinkedHashMap<>();
        for (String name : accuracy.keySet()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("accuracy", Arrays.stream(accuracy.get(name)).boxed().toList());
            c.put("nll", Arrays.stream(nll.get(name)).boxed().toList());
            c.put("mean_accuracy", Arrays.stream(accuracy.get(name)).average().orElse(0));
            cells.put(name, c);
        }
        m.put("corruptions", cells);
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("total_seconds", timing.totalSeconds());
        t.put("corrupt_seconds", timing.corruptSeconds());
        t.put("model_seconds", timing.modelSeconds());
        m.put("timing", t);
        return m;
    }

    private static Double nullIfNaN(double v) {
        return Double.isNaN(v) ? null : v;
    }

    public String toJson() {
        return Json.pretty(asMap());
    }

    /** Writes {@link #toJson()} atomically. */
    public void write(Path file) {
        AtomicFiles.writeString(file, toJson() + "\n");
    }

    public static SuiteResult read(Path file) {
        try {
            return fromJson(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new RobustifyException("cannot read suite result " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses what {@link #toJson()} wrote; derived fields (means) are recomputed, not trusted. */
    public static SuiteResult fromJson(String json) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new RobustifyException("suite result is not valid JSON: " + e.getMessage(), e);
        }
        JsonNode clean = required(root, "clean");
        int[] severities = ints(required(root, "severities"));
        Map<String, double[]> acc = new LinkedHashMap<>();
        Map<String, double[]> nll = new LinkedHashMap<>();
        JsonNode cells = required(root, "corruptions");
        for (Iterator<Map.Entry<String, JsonNode>> it = cells.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            acc.put(e.getKey(), doubles(required(e.getValue(), "accuracy")));
            nll.put(e.getKey(), doubles(required(e.getValue(), "nll")));
        }
        JsonNode t = root.get("timing");
        Timing timing = t == null ? Timing.NONE : new Timing(t.path("total_seconds").asDouble(),
                t.path("corrupt_seconds").asDouble(), t.path("model_seconds").asDouble());
        return new SuiteResult(required(clean, "accuracy").asDouble(), required(clean, "nll").asDouble(),
                required(root, "count").asLong(), severities, acc, nll, root.path("seed").asLong(), timing);
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new RobustifyException("suite result JSON lacks '" + field + "'");
        }
        return v;
    }

    private static int[] ints(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asInt()));
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static double[] doubles(JsonNode array) {
        List<Double> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asDouble()));
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
