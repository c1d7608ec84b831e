package org.robustify.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.robustify.report.HtmlReport;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Render the JSON results (bench.json, tradeoff.json, the demo's results.json, any other *.json)"
                + " and PNG plots found directly in each DIR into one self-contained HTML page.")
final class ReportCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "DIR", description = "Folders of bench, tradeoff or demo runs.")
    List<Path> dirs;

    @Option(names = "--out", required = true, paramLabel = "FILE.html", description = "The page to write.")
    Path out;

    @Override
    public Integer call() {
        HtmlReport.write(dirs, out);
        System.out.println("wrote " + out.toAbsolutePath());
        return 0;
    }
}
