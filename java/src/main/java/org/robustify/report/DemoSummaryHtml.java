package org.robustify.report;

import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The demo's results.json (org.robustify.demo.DemoReport) read for people: one row per model with accuracies in
 * percent, and the method's targets with whether each was met. The full tree follows it in the page.
 */
final class DemoSummaryHtml {
    private DemoSummaryHtml() {}

    /** Whether {@code root} looks like the demo's results (an object of models, each with its accuracies). */
    static boolean applies(JsonNode root) {
        JsonNode models = root.path("models");
        if (!models.isObject() || models.isEmpty()) {
            return false;
        }
        for (JsonNode m : models) {
            if (!m.path("clean_accuracy").isNumber() || !m.path("mean_corruption_accuracy").isNumber()) {
                return false;
            }
        }
        return true;
    }

    static void render(StringBuilder out, JsonNode root) {
        String baseline = root.path("baseline_for_relative_mce").asText("the baseline");
        out.append("<table class=\"grid summary\">\n<thead><tr><th>model</th><th>clean acc. (%)</th>")
                .append("<th>mean corruption acc. (%)</th><th>relative mCE (%, vs ").append(Html.escape(baseline))
                .append(")</th><th>training (s)</th></tr></thead>\n<tbody>\n");
        Iterator<Map.Entry<String, JsonNode>> models = root.path("models").fields();
        while (models.hasNext()) {
            Map.Entry<String, JsonNode> e = models.next();
            JsonNode m = e.getValue();
            String label = m.path("label").asText(e.getKey());
            out.append("<tr><th>").append(Html.escape(label)).append("</th>");
            cell(out, percent(m.path("clean_accuracy")));
            cell(out, percent(m.path("mean_corruption_accuracy")));
            cell(out, fixed(m.path("relative_mce"), 1));
            cell(out, fixed(m.path("training_seconds"), 0));
            out.append("</tr>\n");
        }
        out.append("</tbody></table>\n");
        JsonNode targets = root.path("targets");
        if (targets.isObject() && !targets.isEmpty()) {
            targets(out, targets);
        }
    }

    private static void targets(StringBuilder out, JsonNode targets) {
        out.append("<h4>Targets (the method against the original and AugMix complete fine-tuning)</h4>\n")
                .append("<table class=\"grid\">\n<thead><tr><th>target</th><th>value</th><th>required</th>")
                .append("<th>met</th></tr></thead>\n<tbody>\n");
        Iterator<Map.Entry<String, JsonNode>> it = targets.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode t = e.getValue();
            JsonNode value = t.path("value");
            out.append("<tr><th>").append(Html.escape(e.getKey())).append("</th>");
            // Plain text, not a span.num: the numbers of the full tree below are the page's record of the JSON.
            cell(out, value.isNumber() ? ReportNumbers.format(value) : value.asText(""));
            out.append("<td>").append(Html.escape(t.path("target").asText(""))).append("</td><td>");
            JsonTreeHtml.scalar(out, t.path("met"));
            out.append("</td></tr>\n");
        }
        out.append("</tbody></table>\n");
    }

    private static void cell(StringBuilder out, String text) {
        out.append("<td class=\"num\">").append(Html.escape(text)).append("</td>");
    }

    private static String percent(JsonNode v) {
        return v.isNumber() ? String.format(Locale.ROOT, "%.2f", 100 * v.doubleValue()) : "—";
    }

    private static String fixed(JsonNode v, int decimals) {
        return v.isNumber() ? String.format(Locale.ROOT, "%." + decimals + "f", v.doubleValue()) : "—";
    }
}
