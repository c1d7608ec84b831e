package org.robustify.demo;

import java.util.LinkedHashMap;
import java.util.Map;

import org.robustify.eval.SuiteResult;

/**
 * One model of the demo's comparison, evaluated: what it is, what its training cost, and how it did.
 *
 * @param trainSeconds   the robustification's training time (teacher + distillation for the method; the
 *                       threshold calibration after it is one of {@code timeParts}); 0 for the original model
 * @param cleanAccuracy  on the whole test set
 * @param routing        head-routing fractions on the clean test set and on the corruption suite (null: one head)
 */
record DemoModel(String key, String label, String description, double trainSeconds, Map<String, Object> timeParts,
        long trainable, long total, double cleanAccuracy, SuiteResult suite, Map<String, Object> routing) {

    double meanCorruptionAccuracy() {
        return suite.meanCorruptionAccuracy();
    }

    Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("label", label);
        m.put("description", description);
        m.put("clean_accuracy", cleanAccuracy);
        m.put("mean_corruption_accuracy", suite.meanCorruptionAccuracy());
        m.put("training_seconds", trainSeconds);
        m.put("training_time_parts", timeParts);
        m.put("trainable_parameters", trainable);
        m.put("total_parameters", total);
        m.put("routing", routing);
        m.put("suite", suite.asMap());
        return m;
    }
}
