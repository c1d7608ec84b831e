package org.robustify.eval;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.robustify.corrupt.Corruption;
import org.robustify.runtime.RobustifyException;

/**
 * Hendrycks and Dietterich's corruption errors, in percent, of a model against a baseline:
 * {@code CE_c = sum_s E_{s,c}(f) / sum_s E_{s,c}(base)}, {@code mCE = mean_c CE_c},
 * {@code relative CE_c = sum_s (E_{s,c}(f) - E_clean(f)) / sum_s (E_{s,c}(base) - E_clean(base))},
 * relative mCE = mean_c relative CE_c. E is the top-1 error (1 - accuracy).
 *
 * @param baseline    the baseline's name
 * @param ce          corruption → CE_c in percent, in the model's corruption order
 * @param mce         mean CE in percent
 * @param relativeCe  corruption → relative CE_c in percent
 * @param relativeMce relative mCE in percent
 */
public record CorruptionErrors(String baseline, Map<String, Double> ce, double mce, Map<String, Double> relativeCe,
        double relativeMce) {

    /**
     * AlexNet's top-1 error on ImageNet-C averaged over severities 1..5, per benchmark corruption (the
     * {@code get_ce_alexnet} table of github.com/hendrycks/robustness, used as the mCE denominator).
     */
    public static final Map<String, Double> ALEXNET_MEAN_ERROR = alexNetTable();

    /** AlexNet's clean ImageNet top-1 error (torchvision's AlexNet: 56.522% accuracy; the paper rounds to 43.5). */
    public static final double ALEXNET_CLEAN_ERROR = 0.43478;

    private static Map<String, Double> alexNetTable() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(Corruption.GAUSSIAN_NOISE.nativeName(), 0.886428);
        m.put(Corruption.SHOT_NOISE.nativeName(), 0.894468);
        m.put(Corruption.IMPULSE_NOISE.nativeName(), 0.922640);
        m.put(Corruption.DEFOCUS_BLUR.nativeName(), 0.819880);
        m.put(Corruption.GLASS_BLUR.nativeName(), 0.826268);
        m.put(Corruption.MOTION_BLUR.nativeName(), 0.785948);
        m.put(Corruption.ZOOM_BLUR.nativeName(), 0.798360);
        m.put(Corruption.SNOW.nativeName(), 0.866816);
        m.put(Corruption.FROST.nativeName(), 0.826572);
        m.put(Corruption.FOG.nativeName(), 0.819324);
        m.put(Corruption.BRIGHTNESS.nativeName(), 0.564592);
        m.put(Corruption.CONTRAST.nativeName(), 0.853204);
        m.put(Corruption.ELASTIC_TRANSFORM.nativeName(), 0.646056);
        m.put(Corruption.PIXELATE.nativeName(), 0.717840);
        m.put(Corruption.JPEG_COMPRESSION.nativeName(), 0.606500);
        return java.util.Collections.unmodifiableMap(m);
    }

    /** Errors of {@code model} against another suite result run on the same corruptions and severities. */
    public static CorruptionErrors against(SuiteResult model, SuiteResult baseline, String baselineName) {
        if (model == null || baseline == null) {
            throw new RobustifyException("both the model's and the baseline's suite results are required");
        }
        int[] ms = sorted(model.severities());
        int[] bs = sorted(baseline.severities());
        if (!Arrays.equals(ms, bs)) {
            throw new RobustifyException("the model was evaluated at severities " + Arrays.toString(ms)
                    + " but baseline '" + baselineName + "' at " + Arrays.toString(bs) + "; they must match");
        }
        Map<String, Double> baseMean = new LinkedHashMap<>();
        for (String c : baseline.corruptions()) {
            baseMean.put(c, meanError(baseline, c));
        }
        return compute(model, baselineName, 1 - baseline.cleanAccuracy(), baseMean);
    }

    /**
     * Errors against AlexNet's published ImageNet-C numbers. Meaningful only for ImageNet models evaluated on the
     * 15 benchmark corruptions at severities 1..5, which this requires.
     */
    public static CorruptionErrors againstAlexNet(SuiteResult model) {
        int[] ms = sorted(model.severities());
        if (!Arrays.equals(ms, new int[] {1, 2, 3, 4, 5})) {
            throw new RobustifyException("AlexNet's published errors average severities 1..5; the model was "
                    + "evaluated at " + Arrays.toString(ms));
        }
        return compute(model, "alexnet", ALEXNET_CLEAN_ERROR, ALEXNET_MEAN_ERROR);
    }

    /**
     * Sum ratios over the same severities equal ratios of per-severity means, so the baseline needs only its mean
     * error per corruption (which is all the published table gives).
     */
    private static CorruptionErrors compute(SuiteResult model, String baselineName, double baseClean,
            Map<String, Double> baseMean) {
        Set<String> mine = new TreeSet<>(model.corruptions());
        Set<String> theirs = new TreeSet<>(baseMean.keySet());
        if (!mine.equals(theirs)) {
            Set<String> onlyModel = new TreeSet<>(mine);
            onlyModel.removeAll(theirs);
            Set<String> onlyBase = new TreeSet<>(theirs);
            onlyBase.removeAll(mine);
            throw new RobustifyException("the model and baseline '" + baselineName + "' cover different "
                    + "corruptions: only the model has " + onlyModel + ", only the baseline has " + onlyBase);
        }
        if (mine.isEmpty()) {
            throw new RobustifyException("no corruptions to compare against baseline '" + baselineName + "'");
        }
        double modelClean = 1 - model.cleanAccuracy();
        Map<String, Double> ce = new LinkedHashMap<>();
        Map<String, Double> rel = new LinkedHashMap<>();
        for (String c : model.corruptions()) {
            double base = baseMean.get(c);
            double err = meanError(model, c);
            // Undefined ratios (a baseline without error on c, or without any loss to c) are NaN and left out of
            // the means, which say so through undefinedCe()/undefinedRelativeCe(): a small suite can hit them.
            ce.put(c, base > 0 ? 100 * err / base : Double.NaN);
            double baseGap = base - baseClean;
            rel.put(c, baseGap != 0 ? 100 * (err - modelClean) / baseGap : Double.NaN);
        }
        return new CorruptionErrors(baselineName, ce, mean(ce), rel, mean(rel));
    }

    /** Corruptions whose CE is undefined (the baseline made no error on them). */
    public List<String> undefinedCe() {
        return undefined(ce);
    }

    /** Corruptions whose relative CE is undefined (the baseline's error on them equals its clean error). */
    public List<String> undefinedRelativeCe() {
        return undefined(relativeCe);
    }

    private static List<String> undefined(Map<String, Double> m) {
        return m.entrySet().stream().filter(e -> e.getValue().isNaN()).map(Map.Entry::getKey).toList();
    }

    private static double meanError(SuiteResult r, String corruption) {
        return 1 - Arrays.stream(r.accuracy(corruption)).average().orElseThrow();
    }

    /** Mean over the defined values; NaN when none is. */
    private static double mean(Map<String, Double> m) {
        return m.values().stream().mapToDouble(Double::doubleValue).filter(v -> !Double.isNaN(v)).average()
                .orElse(Double.NaN);
    }

    private static int[] sorted(int[] a) {
        int[] s = a.clone();
        Arrays.sort(s);
        return s;
    }

    /** JSON-ready tree. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("baseline", baseline);
        m.put("mce", nullIfNaN(mce));
        m.put("relative_mce", nullIfNaN(relativeMce));
        m.put("ce", withNulls(ce));
        m.put("relative_ce", withNulls(relativeCe));
        if (!undefinedCe().isEmpty()) {
            m.put("ce_undefined_for", undefinedCe());
        }
        if (!undefinedRelativeCe().isEmpty()) {
            m.put("relative_ce_undefined_for", undefinedRelativeCe());
        }
        return m;
    }

    private static Double nullIfNaN(double v) {
        return Double.isNaN(v) ? null : v;
    }

    private static Map<String, Double> withNulls(Map<String, Double> m) {
        Map<String, Double> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, nullIfNaN(v)));
        return out;
    }
}
