package org.robustify.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.robustify.runtime.RobustifyException;

/**
 * A GitHub-flavoured markdown table: header, alignment per column, rows of strings or numbers. Numbers are formatted
 * with the column's format (default {@code %.2f}; integers as integers); NaN and null print as an em dash. Columns are
 * padded so the source reads as a table too.
 */
public final class MarkdownTable {
    public enum Align { LEFT, CENTER, RIGHT }

    private final List<String> header;
    private final Align[] align;
    private final String[] formats;
    private final List<List<String>> rows = new ArrayList<>();

    public MarkdownTable(String... header) {
        this(List.of(header));
    }

    public MarkdownTable(List<String> header) {
        if (header == null || header.isEmpty()) {
            throw new RobustifyException("a markdown table needs at least one column");
        }
        this.header = List.copyOf(header);
        this.align = new Align[header.size()];
        this.formats = new String[header.size()];
        Arrays.fill(align, Align.LEFT);
        Arrays.fill(formats, "%.2f");
    }

    public int columns() {
        return header.size();
    }

    public MarkdownTable align(int column, Align a) {
        align[check(column)] = a;
        return this;
    }

    /** Format of floating-point cells in {@code column}, e.g. {@code %.1f} or {@code %.3e}. */
    public MarkdownTable format(int column, String format) {
        try {
            String.format(Locale.ROOT, format, 1.0);
        } catch (java.util.IllegalFormatException e) {
            throw new RobustifyException("column " + column + ": '" + format + "' is not a number format", e);
        }
        formats[check(column)] = format;
        return this;
    }

    /** One row: one cell per column; strings as they are, numbers formatted. */
    public MarkdownTable row(Object... cells) {
        if (cells.length != header.size()) {
            throw new RobustifyException("row " + (rows.size() + 1) + " has " + cells.length + " cells; the table has "
                    + header.size() + " columns " + header);
        }
        List<String> r = new ArrayList<>();
        for (int i = 0; i < cells.length; i++) {
            r.add(cell(cells[i], formats[i]));
        }
        rows.add(r);
        return this;
    }

    public int rowCount() {
        return rows.size();
    }

    private int check(int column) {
        if (column < 0 || column >= header.size()) {
            throw new RobustifyException("column " + column + " is outside 0.." + (header.size() - 1));
        }
        return column;
    }

    private static String cell(Object v, String format) {
        if (v == null) {
            return "—";
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            return Double.isNaN(d) ? "—" : String.format(Locale.ROOT, format, d);
        }
        if (v instanceof Number n) {
            return n.toString();
        }
        // Pipes would split the cell; newlines would end the row.
        return v.toString().replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }

    /** The table, one line per row, ending with a newline. */
    public String render() {
        int n = header.size();
        int[] width = new int[n];
        for (int i = 0; i < n; i++) {
            width[i] = Math.max(3, escape(header.get(i)).length());
            for (List<String> r : rows) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        List<String> h = header.stream().map(MarkdownTable::escape).toList();
        line(sb, h, width);
        sb.append('|');
        for (int i = 0; i < n; i++) {
            String dashes = "-".repeat(width[i]);
            String rule = switch (align[i]) {
                case LEFT -> dashes;
                case CENTER -> ":" + dashes.substring(2) + ":";
                case RIGHT -> dashes.substring(1) + ":";
            };
            sb.append(' ').append(rule).append(" |");
        }
        sb.append('\n');
        for (List<String> r : rows) {
            line(sb, r, width);
        }
        return sb.toString();
    }

    private void line(StringBuilder sb, List<String> cells, int[] width) {
        sb.append('|');
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i);
            String pad = " ".repeat(width[i] - c.length());
            sb.append(' ').append(align[i] == Align.RIGHT ? pad + c : c + pad).append(" |");
        }
        sb.append('\n');
    }

    private static String escape(String s) {
        return cell(s, "%s");
    }

    @Override
    public String toString() {
        return render();
    }
}
