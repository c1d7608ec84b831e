package org.robustify.method;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.bytedeco.pytorch.Module;
import org.robustify.runtime.RobustifyException;
import org.robustify.util.AtomicFiles;
import org.robustify.util.Json;

/**
 * Head-selection thresholds and where they came from. {@code tauU}/{@code tauD} may be +inf (never route on that
 * signal); JSON has no infinity, so non-finite values are written as the strings "inf" / "-inf".
 *
 * @param modelFingerprint   {@link ModelFingerprint#of} of the calibrated model; null for manual thresholds
 * @param calibrationData    what the thresholds were calibrated on (split, corruptions, severities, seed)
 * @param select             accuracies of SELECT with these thresholds (null for manual thresholds)
 * @param cleanHead          accuracies of the clean head alone on the same data (null for manual)
 * @param robustHead         accuracies of the robust head alone (null for manual)
 * @param robustFraction     fractions of rows SELECT routes to the robust head (null for manual)
 */
public record Thresholds(double tauU, double tauD, String modelFingerprint, String calibrationData,
        Accuracies select, Accuracies cleanHead, Accuracies robustHead, Accuracies robustFraction) {

    /** One number on the clean split and one on the corrupted split (pooled over corruptions and severities). */
    public record Accuracies(double clean, double corrupted) {
        public double mean() {
            return (clean + corrupted) / 2;
        }
    }

    public Thresholds {
        if (Double.isNaN(tauU) || Double.isNaN(tauD)) {
            throw new RobustifyException("thresholds must be numbers; got tau_u = " + tauU + ", tau_d = " + tauD);
        }
    }

    /** Thresholds given by hand, with no calibration provenance. */
    public static Thresholds manual(double tauU, double tauD) {
        return new Thresholds(tauU, tauD, null, "manual", null, null, null, null);
    }

    public void save(Path file) {
        AtomicFiles.writeString(file, Json.pretty(toJson()) + "\n");
    }

    public Map<String, Object> toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tau_u", number(tauU));
        out.put("tau_d", number(tauD));
        out.put("model_fingerprint", modelFingerprint);
        out.put("calibration_data", calibrationData);
        out.put("select", accuracies(select));
        out.put("clean_head", accuracies(cleanHead));
        out.put("robust_head", accuracies(robustHead));
        out.put("robust_fraction", accuracies(robustFraction));
        return out;
    }

    /** Reads a thresholds file written by {@link #save}, without checking which model it belongs to. */
    public static Thresholds read(Path file) {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new RobustifyException("cannot read thresholds file " + file + ": " + e.getMessage(), e);
        }
        if (n == null || !n.isObject() || !n.has("tau_u") || !n.has("tau_d")) {
            throw new RobustifyException(file + " is not a thresholds file (needs tau_u and tau_d)");
        }
        return new Thresholds(parseNumber(n.get("tau_u"), file, "tau_u"), parseNumber(n.get("tau_d"), file, "tau_d"),
                text(n.get("model_fingerprint")), text(n.get("calibration_data")),
                accuracies(n.get("select"), file), accuracies(n.get("clean_head"), file),
                accuracies(n.get("robust_head"), file), accuracies(n.get("robust_fraction"), file));
    }

    /** Reads a thresholds file and checks it was calibrated on exactly this model's weights. */
    public static Thresholds load(Path file, Module model) {
        Thresholds t = read(file);
        String actual = ModelFingerprint.of(model);
        if (t.modelFingerprint() == null) {
            throw new RobustifyException("thresholds file " + file + " records no model fingerprint, so it cannot "
                    + "be checked against the model (" + actual + ")");
        }
        if (!t.modelFingerprint().equals(actual)) {
            throw new RobustifyException("thresholds file " + file + " was calibrated for another model: it records "
                    + t.modelFingerprint() + " but the model's fingerprint is " + actual
                    + "; re-calibrate the thresholds for this model");
        }
        return t;
    }

    private static Object number(double v) {
        if (Double.isFinite(v)) {
            return v;
        }
        return v > 0 ? "inf" : "-inf";
    }

    private static double parseNumber(JsonNode n, Path file, String key) {
        if (n != null && n.isNumber()) {
            return n.asDouble();
        }
        if (n != null && n.isTextual()) {
            switch (n.asText()) {
                case "inf", "+inf", "Infinity" -> {
                    return Double.POSITIVE_INFINITY;
                }
                case "-inf", "-Infinity" -> {
                    return Double.NEGATIVE_INFINITY;
                }
                default -> { }
            }
        }
        throw new RobustifyException(file + ": " + key + " must be a number, \"inf\" or \"-inf\"; got " + n);
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }

    private static Map<String, Double> accuracies(Accuracies a) {
        if (a == null) {
            return null;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("clean", a.clean());
        out.put("corrupted", a.corrupted());
        out.put("mean", a.mean());
        return out;
    }

    private static Accuracies accuracies(JsonNode n, Path file) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.path("clean").isNumber() || !n.path("corrupted").isNumber()) {
            throw new RobustifyException(file + ": expected {\"clean\": number, \"corrupted\": number}; got " + n);
        }
        return new Accuracies(n.get("clean").asDouble(), n.get("corrupted").asDouble());
    }
}
