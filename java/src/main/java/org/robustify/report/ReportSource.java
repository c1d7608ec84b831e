package org.robustify.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import org.robustify.runtime.RobustifyException;

/**
 * One folder given to {@code robustify report}: the JSON files directly inside it (bench.json, tradeoff.json and the
 * demo's results.json first, then the rest by name) and the PNG plots next to them. Subfolders are not searched:
 * a demo's folder holds every trained model's run files below it, which belong to those runs, not to the report.
 */
public record ReportSource(Path dir, List<Document> documents, List<Path> plots) {
    /** Result files the report knows, in the order it shows them. */
    static final List<String> KNOWN = List.of("results.json", "bench.json", "tradeoff.json");

    /** Jackson writes NaN and infinities as bare tokens; results may hold them (e.g. a ratio over zero). */
    private static final ObjectMapper READER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    public record Document(Path file, JsonNode root) {
        public String name() {
            return file.getFileName().toString();
        }
    }

    public static ReportSource read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new RobustifyException("report: " + dir + " is not a folder");
        }
        List<Path> json = list(dir, ".json");
        if (json.isEmpty()) {
            throw new RobustifyException("report: no JSON results (*.json, e.g. " + String.join(", ", KNOWN)
                    + ") in " + dir);
        }
        json.sort(Comparator.comparingInt(ReportSource::rank).thenComparing(p -> p.getFileName().toString()));
        List<Document> documents = new ArrayList<>();
        for (Path file : json) {
            documents.add(new Document(file, parse(file)));
        }
        return new ReportSource(dir, List.copyOf(documents), List.copyOf(list(dir, ".png")));
    }

    static JsonNode parse(Path file) {
        try {
            JsonNode root = READER.readTree(file.toFile());
            if (root == null || root.isMissingNode()) {
                throw new RobustifyException("report: " + file + " is empty, not JSON");
            }
            return root;
        } catch (IOException e) {
            throw new RobustifyException("report: cannot read " + file + " as JSON: " + e.getMessage(), e);
        }
    }

    private static int rank(Path file) {
        int i = KNOWN.indexOf(file.getFileName().toString());
        return i < 0 ? KNOWN.size() : i;
    }

    private static List<Path> list(Path dir, String suffix) {
        try (Stream<Path> files = Files.list(dir)) {
            return new ArrayList<>(files.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(suffix))
                    .sorted().toList());
        } catch (IOException e) {
            throw new RobustifyException("report: cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
