package org.robustify.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.robustify.eval.MarkdownTable;
import org.robustify.eval.Plots;
import org.robustify.eval.SuiteResult;
import org.robustify.runtime.RobustifyException;
import org.robustify.util.AtomicFiles;
import org.robustify.util.Json;

/** Writes a benchmark's bench.json, bench.md and heatmap.png (each atomically), and reads baselines back. */
public final class BenchReport {
    public static final String JSON = "bench.json";
    public static final String MARKDOWN = "bench.md";
    public static final String HEATMAP = "heatmap.png";

    private BenchReport() {}

    public static void write(Path out, Bench.Result result, String title) {
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new RobustifyException("cannot create --out " + out + ": " + e.getMessage(), e);
        }
        AtomicFiles.writeString(out.resolve(JSON), Json.pretty(result.json()) + "\n");
        AtomicFiles.writeString(out.resolve(MARKDOWN), markdown(result.json(), title));
        if (result.corruptions() != null && !result.corruptions().corruptions().isEmpty()) {
            Plots.heatMap(out.resolve(HEATMAP), title + ": accuracy per corruption and severity",
                    result.corruptions());
        }
    }

    /** The corruption suite of a previous bench.json (or of the bench.json in a folder). */
    public static SuiteResult readBaseline(Path fileOrDir) {
        Path file = Files.isDirectory(fileOrDir) ? fileOrDir.resolve(JSON) : fileOrDir;
        if (!Files.isRegularFile(file)) {
            throw new RobustifyException("--baseline " + fileOrDir + ": no " + JSON + " there");
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new RobustifyException("--baseline " + file + " is not readable JSON: " + e.getMessage(), e);
        }
        JsonNode suite = root.path("corruptions").path("suite");
        if (suite.isMissingNode()) {
            throw new RobustifyException("--baseline " + file + " has no corruption results (run bench with "
                    + "--suite corruptions on the baseline model)");
        }
        return SuiteResult.fromJson(suite.toString());
    }

    @SuppressWarnings("unchecked")
    static String markdown(Map<String, Object> json, String title) {
        StringBuilder md = new StringBuilder("# Benchmark: ").append(title).append("\n\n");
        MarkdownTable summary = new MarkdownTable("metric", "value").format(1, "%.4f");
        if (json.get("clean") instanceof Map<?, ?> clean) {
            summary.row("clean accuracy", clean.get("accuracy"));
        }
        if (json.get("calibration") instanceof Map<?, ?> cal) {
            summary.row("ECE (15 bins)", cal.get("ece"));
            summary.row("NLL", cal.get("nll"));
            summary.row("mean confidence", cal.get("mean_confidence"));
        }
        Map<String, Object> corr = (Map<String, Object>) json.get("corruptions");
        if (corr != null) {
            Map<String, Object> suite = (Map<String, Object>) corr.get("suite");
            summary.row("mean corruption accuracy", suite.get("mean_corruption_accuracy"));
            for (String key : List.of("errors", "errors_alexnet")) {
                if (corr.get(key) instanceof Map<?, ?> errors) {
                    summary.row("mCE vs " + errors.get("baseline"), errors.get("mce"));
                    summary.row("relative mCE vs " + errors.get("baseline"), errors.get("relative_mce"));
                }
            }
        }
        md.append(summary.render()).append('\n');
        if (corr != null) {
            md.append("## Corruptions (accuracy)\n\n").append(corruptionTable((Map<String, Object>) corr.get("suite")))
                    .append('\n');
        }
        if (json.get("ood") instanceof List<?> ood) {
            MarkdownTable t = new MarkdownTable("set", "images", "unreadable", "accuracy", "ECE", "NLL")
                    .format(3, "%.4f").format(4, "%.4f").format(5, "%.4f");
            for (Object o : ood) {
                Map<String, Object> m = (Map<String, Object>) o;
                t.row(m.get("name"), m.get("images"), m.get("unreadable"), m.get("accuracy"), m.get("ece"),
                        m.get("nll"));
            }
            md.append("## Out-of-distribution sets\n\n").append(t.render()).append('\n');
        }
        for (String kind : List.of("fgsm", "pgd")) {
            if (json.get(kind) instanceof Map<?, ?> attack) {
                MarkdownTable t = new MarkdownTable("eps", "eps × 255", "accuracy").format(0, "%.5f")
                        .format(1, "%.2f").format(2, "%.4f");
                for (Object r : (List<Object>) attack.get("results")) {
                    Map<String, Object> row = (Map<String, Object>) r;
                    t.row(row.get("eps"), row.get("eps_255"), row.get("accuracy"));
                }
                md.append("## ").append(kind.toUpperCase()).append(" (").append(attack.get("norm"))
                        .append(", attacking ").append(attack.get("attack_target"))
                        .append(attack.containsKey("steps") ? ", " + attack.get("steps") + " steps" : "")
                        .append(")\n\n").append(t.render()).append('\n');
            }
        }
        if (json.get("seconds") instanceof Map<?, ?> seconds) {
            MarkdownTable t = new MarkdownTable("suite", "seconds").format(1, "%.1f");
            seconds.forEach((k, v) -> t.row(k, v));
            md.append("## Runtime\n\n").append(t.render());
        }
        return md.toString();
    }

    @SuppressWarnings("unchecked")
    private static String corruptionTable(Map<String, Object> suite) {
        List<Object> severities = (List<Object>) suite.get("severities");
        java.util.List<String> header = new java.util.ArrayList<>();
        header.add("corruption");
        severities.forEach(s -> header.add("s" + s));
        header.add("mean");
        MarkdownTable t = new MarkdownTable(header);
        for (int i = 1; i < header.size(); i++) {
            t.format(i, "%.4f");
        }
        Map<String, Object> cells = (Map<String, Object>) suite.get("corruptions");
        cells.forEach((name, v) -> {
            Map<String, Object> c = (Map<String, Object>) v;
            List<Object> row = new java.util.ArrayList<>();
            row.add(name);
            row.addAll((List<Object>) c.get("accuracy"));
            row.add(c.get("mean_accuracy"));
            t.row(row.toArray());
        });
        return t.render();
    }
}
