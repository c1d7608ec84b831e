package org.robustify.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustify.cli.RobustifyCli;
import org.robustify.eval.Plots;
import org.robustify.runtime.RobustifyException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class HtmlReportTest {
    private static final String RESULTS = """
            {
              "plan": {"name": "quick <smoke> & \\"test\\"", "student_epochs": 3, "wise_alpha": 0.35,
                       "suite_images": 2000},
              "baseline_for_relative_mce": "original",
              "student_pretraining_seconds": 41.237781,
              "models": {
                "original": {"label": "Original", "clean_accuracy": 0.9123, "mean_corruption_accuracy": 0.61274219,
                             "training_seconds": 0.0, "relative_mce": 100.0, "mce": 100.0,
                             "trainable_parameters": 11172810, "routing": null,
                             "corruption_errors": {"gaussian_noise": [0.1, 0.2, 0.31, 0.45, 0.5]}},
                "method": {"label": "Method <b>", "clean_accuracy": 0.9087, "mean_corruption_accuracy": 0.7046,
                           "training_seconds": 123.456789, "relative_mce": 76.543219, "mce": 81.2,
                           "trainable_parameters": 2101770,
                           "routing": {"clean_test": {"fractions": {"robust": 0.125, "clean": 0.875}}},
                           "corruption_errors": {"gaussian_noise": [0.05, 0.1, 0.2, 0.3, 0.41]}}
              },
              "targets": {
                "corruption_gain_points": {"value": 9.1860781, "target": ">= 8.0", "met": true},
                "time_ratio_vs_full_finetuning": {"value": 0.41, "target": "<= 1/3", "met": false},
                "share_of_full_finetuning_gain": {"value": "n/a", "target": ">= 0.9", "met": false}
              },
              "transfer": [],
              "demo_seconds": 1812.5
            }
            """;

    private static final String BENCH = """
            {
              "machine": {"cores": 2, "gpu": null},
              "rows": [
                {"op": "corrupt", "batch": 256, "images_per_second": 15234.987654, "speedup": 3.2e-7},
                {"op": "augmix", "batch": 256, "images_per_second": 8123.5, "speedup": -1.75}
              ],
              "latencies_ms": [1.25, 1.5, 2.000001, 12345678901234567],
              "mixed": [1, {"deep": {"deeper": [[0.5, 0.25], {"x": 6.02e23}]}}, "s"],
              "nan_ratio": NaN
            }
            """;

    @TempDir
    Path tmp;

    @Test
    void rendersEveryNumberTheImageAndWellFormedXhtml() throws Exception {
        Path run = tmp.resolve("demo run");
        Files.createDirectories(run);
        Files.writeString(run.resolve("results.json"), RESULTS);
        Files.writeString(run.resolve("bench.json"), BENCH);
        Path png = run.resolve("accuracy_vs_time.png");
        Plots.scatter(png, "accuracy vs time", "s", "%",
                List.of(new Plots.Point("a", 1, 60), new Plots.Point("b", 3, 70)));
        Path out = tmp.resolve("out/report.html");

        HtmlReport.write(List.of(run), out);

        String html = Files.readString(out);
        Document page = parseStrictly(html);
        Element root = page.getDocumentElement();
        assertEquals("html", root.getLocalName());
        assertEquals("http://www.w3.org/1999/xhtml", root.getNamespaceURI());

        // Every numeric leaf of both files is in the page text and, as a multiset, exactly the page's number cells.
        List<String> expected = new ArrayList<>();
        ObjectMapper lenient = new ObjectMapper()
                .enable(com.fasterxml.jackson.core.JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS);
        numbers(lenient.readTree(RESULTS), expected);
        numbers(lenient.readTree(BENCH), expected);
        String text = root.getTextContent();
        for (String n : expected) {
            assertTrue(text.contains(n), "page text lacks " + n);
        }
        List<String> shown = new ArrayList<>();
        NodeList spans = page.getElementsByTagNameNS("*", "span");
        for (int i = 0; i < spans.getLength(); i++) {
            Element s = (Element) spans.item(i);
            if (s.getAttribute("class").equals("num")) {
                shown.add(s.getTextContent());
            }
        }
        assertEquals(sorted(expected), sorted(shown));
        assertTrue(text.contains("123.457"), "6 significant digits");
        assertTrue(text.contains("12345678901234567"), "integers in full");

        // The demo summary reads accuracies in percent; strings arrive as text, never as markup.
        assertTrue(text.contains("91.23") && text.contains("70.46"), "clean and corruption accuracy in percent");
        assertTrue(text.contains("quick <smoke> & \"test\""));
        assertTrue(text.contains("Method <b>"));
        assertEquals(0, page.getElementsByTagNameNS("*", "b").getLength());

        NodeList images = page.getElementsByTagNameNS("*", "img");
        assertEquals(1, images.getLength());
        String src = ((Element) images.item(0)).getAttribute("src");
        String prefix = "data:image/png;base64,";
        assertTrue(src.startsWith(prefix));
        assertArrayEquals(Files.readAllBytes(png), Base64.getDecoder().decode(src.substring(prefix.length())));

        // results.json is shown before bench.json, whatever the directory order.
        assertTrue(html.indexOf("<h3>results.json</h3>") < html.indexOf("<h3>bench.json</h3>"));
        try (var leftovers = Files.list(out.getParent())) {
            assertEquals(List.of(out), leftovers.toList(), "no temporary file left beside the page");
        }
    }

    @Test
    void numbersFormat() {
        assertEquals("0.612742", ReportNumbers.format(0.61274219));
        assertEquals("100", ReportNumbers.format(100.0));
        assertEquals("3.2E-7", ReportNumbers.format(3.2e-7));
        assertEquals("-1.75", ReportNumbers.format(-1.75));
        assertEquals("0", ReportNumbers.format(-0.0));
        assertEquals("NaN", ReportNumbers.format(Double.NaN));
    }

    @Test
    void escapesMarkupAndCharactersXmlCannotCarry() {
        assertEquals("&lt;a href=&quot;x&quot;&gt;&amp;&#39;\uFFFD\t\uD83D\uDE00\uFFFD",
                Html.escape("<a href=\"x\">&'\u0001\t\uD83D\uDE00\uD800"));
    }

    @Test
    void folderWithoutJsonIsAClearError() throws Exception {
        Path empty = tmp.resolve("empty");
        Files.createDirectories(empty);
        Files.writeString(empty.resolve("notes.txt"), "{}");
        RobustifyException e = assertThrows(RobustifyException.class,
                () -> HtmlReport.write(List.of(empty), tmp.resolve("r.html")));
        assertTrue(e.getMessage().contains("no JSON") && e.getMessage().contains(empty.toString()), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("r.html")));

        RobustifyException missing = assertThrows(RobustifyException.class,
                () -> HtmlReport.read(List.of(tmp.resolve("nope"))));
        assertTrue(missing.getMessage().contains("nope") && missing.getMessage().contains("not a folder"));
    }

    @Test
    void unreadableJsonNamesTheFile() throws Exception {
        Path dir = tmp.resolve("broken");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("tradeoff.json"), "{\"points\": [1, 2,");
        RobustifyException e = assertThrows(RobustifyException.class, () -> HtmlReport.read(List.of(dir)));
        assertTrue(e.getMessage().contains(dir.resolve("tradeoff.json").toString()), e.getMessage());
        Files.writeString(dir.resolve("tradeoff.json"), "");
        e = assertThrows(RobustifyException.class, () -> HtmlReport.read(List.of(dir)));
        assertTrue(e.getMessage().contains("tradeoff.json"), e.getMessage());
    }

    @Test
    void commandWritesThePageAndFailsOnAnEmptyFolder() throws Exception {
        Path dir = tmp.resolve("bench");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("bench.json"), BENCH);
        Path out = tmp.resolve("page.html");
        assertEquals(0, RobustifyCli.execute("report", dir.toString(), "--out", out.toString()));
        parseStrictly(Files.readString(out));

        Path empty = tmp.resolve("nothing");
        Files.createDirectories(empty);
        assertEquals(1, RobustifyCli.execute("report", empty.toString(), "--out", tmp.resolve("x.html").toString()));
        assertEquals(2, RobustifyCli.execute("report", dir.toString()));
    }

    private static Document parseStrictly(String xhtml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        var builder = f.newDocumentBuilder();
        // Fatal errors throw; the default handler would also print warnings, which a well-formed page has none of.
        builder.setErrorHandler(new org.xml.sax.helpers.DefaultHandler() {
            @Override
            public void error(org.xml.sax.SAXParseException e) throws org.xml.sax.SAXException {
                throw e;
            }
        });
        return builder.parse(new ByteArrayInputStream(xhtml.getBytes(StandardCharsets.UTF_8)));
    }

    private static void numbers(JsonNode node, List<String> into) {
        if (node.isNumber()) {
            into.add(ReportNumbers.format(node));
        }
        node.forEach(child -> numbers(child, into));
    }

    private static List<String> sorted(List<String> values) {
        List<String> copy = new ArrayList<>(values);
        copy.sort(null);
        return copy;
    }
}
