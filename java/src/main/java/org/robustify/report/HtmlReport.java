package org.robustify.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.robustify.runtime.RobustifyException;
import org.robustify.util.AtomicFiles;

/**
 * One self-contained page for the results of bench, tradeoff and demo runs: per folder, each JSON file rendered as
 * tables and the PNG plots beside it embedded as data URIs, CSS inline, so the file can be mailed or archived
 * alone. Written as XHTML (self-closed void elements, escaped text) so that browsers and XML parsers both read it.
 */
public final class HtmlReport {
    private static final String CSS = """
            body{font-family:system-ui,sans-serif;margin:2em auto;max-width:75em;padding:0 1em;color:#222}
            h1{border-bottom:2px solid #444}
            h2{margin-top:2em;border-bottom:1px solid #aaa;font-family:monospace}
            h3{margin-top:1.5em;font-family:monospace}
            table{border-collapse:collapse;margin:.4em 0}
            th,td{border:1px solid #ccc;padding:.15em .5em;text-align:left;vertical-align:top}
            thead th{background:#eef}
            table.kv>tbody>tr>th,table.kv>tr>th{background:#f6f6f6;font-weight:normal;font-family:monospace}
            td.num,span.num{font-variant-numeric:tabular-nums}
            table.summary td.num{text-align:right}
            span.yes{color:#070;font-weight:bold}
            span.no{color:#a00;font-weight:bold}
            span.null{color:#888}
            span.list{font-family:monospace;font-size:90%}
            figure{margin:1em 0}
            img{max-width:100%;border:1px solid #ddd}
            details>summary{cursor:pointer;margin:.5em 0}
            """;

    private HtmlReport() {}

    /** Reads every folder (see {@link ReportSource}) and writes the page to {@code out} atomically. */
    public static void write(List<Path> dirs, Path out) {
        AtomicFiles.writeString(out, render(read(dirs)));
    }

    public static List<ReportSource> read(List<Path> dirs) {
        if (dirs == null || dirs.isEmpty()) {
            throw new RobustifyException("report: no folders given");
        }
        List<ReportSource> sources = new ArrayList<>();
        for (Path dir : dirs) {
            sources.add(ReportSource.read(dir));
        }
        return sources;
    }

    public static String render(List<ReportSource> sources) {
        StringBuilder out = new StringBuilder(1 << 16);
        out.append("<!DOCTYPE html>\n")
                .append("<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n")
                .append("<meta charset=\"UTF-8\"/>\n<title>Robustify report</title>\n<style>\n").append(CSS)
                .append("</style>\n</head>\n<body>\n<h1>Robustify report</h1>\n<ul>\n");
        for (ReportSource s : sources) {
            out.append("<li><code>").append(Html.escape(s.dir().toString())).append("</code>: ")
                    .append(Html.escape(String.join(", ", s.documents().stream().map(ReportSource.Document::name)
                            .toList())));
            if (!s.plots().isEmpty()) {
                out.append(", ").append(s.plots().size()).append(s.plots().size() == 1 ? " plot" : " plots");
            }
            out.append("</li>\n");
        }
        out.append("</ul>\n");
        for (ReportSource s : sources) {
            source(out, s);
        }
        out.append("</body>\n</html>\n");
        return out.toString();
    }

    private static void source(StringBuilder out, ReportSource s) {
        out.append("<section>\n<h2>").append(Html.escape(s.dir().toString())).append("</h2>\n");
        for (ReportSource.Document d : s.documents()) {
            out.append("<section>\n<h3>").append(Html.escape(d.name())).append("</h3>\n");
            if (d.name().equals("results.json") && DemoSummaryHtml.applies(d.root())) {
                DemoSummaryHtml.render(out, d.root());
                out.append("<details><summary>everything in ").append(Html.escape(d.name()))
                        .append("</summary>\n");
                JsonTreeHtml.document(out, d.root());
                out.append("</details>\n");
            } else {
                JsonTreeHtml.document(out, d.root());
            }
            out.append("</section>\n");
        }
        for (Path png : s.plots()) {
            String name = png.getFileName().toString();
            out.append("<figure><img src=\"data:image/png;base64,").append(base64(png)).append("\" alt=\"")
                    .append(Html.escape(name)).append("\"/><figcaption>").append(Html.escape(name))
                    .append("</figcaption></figure>\n");
        }
        out.append("</section>\n");
    }

    private static String base64(Path png) {
        try {
            return Base64.getEncoder().encodeToString(Files.readAllBytes(png));
        } catch (IOException e) {
            throw new RobustifyException("report: cannot read plot " + png + ": " + e.getMessage(), e);
        }
    }
}
