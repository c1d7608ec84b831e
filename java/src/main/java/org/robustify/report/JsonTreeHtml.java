package org.robustify.report;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Renders any JSON tree as XHTML without knowing its schema: objects become key/value tables (the top level one
 * section per nested value), arrays of objects sharing the same keys and objects whose values share the same keys
 * become one table, arrays of scalars an inline list. Every number goes through {@link ReportNumbers#format}.
 */
final class JsonTreeHtml {
    private JsonTreeHtml() {}

    /** The document's top level: scalars in one table, each nested value in its own titled section. */
    static void document(StringBuilder out, JsonNode root) {
        if (!root.isObject()) {
            value(out, root);
            return;
        }
        List<Map.Entry<String, JsonNode>> scalars = new ArrayList<>();
        List<Map.Entry<String, JsonNode>> nested = new ArrayList<>();
        root.fields().forEachRemaining(e -> (e.getValue().isContainerNode() ? nested : scalars).add(e));
        if (!scalars.isEmpty()) {
            keyValueTable(out, scalars);
        }
        for (Map.Entry<String, JsonNode> e : nested) {
            out.append("<section><h4>").append(Html.escape(e.getKey())).append("</h4>\n");
            value(out, e.getValue());
            out.append("</section>\n");
        }
    }

    static void value(StringBuilder out, JsonNode node) {
        if (node.isObject()) {
            object(out, node);
        } else if (node.isArray()) {
            array(out, node);
        } else {
            scalar(out, node);
        }
    }

    static void scalar(StringBuilder out, JsonNode node) {
        if (node.isNumber()) {
            out.append("<span class=\"num\">").append(ReportNumbers.format(node)).append("</span>");
        } else if (node.isBoolean()) {
            out.append("<span class=\"").append(node.booleanValue() ? "yes" : "no").append("\">")
                    .append(node.booleanValue()).append("</span>");
        } else if (node.isNull() || node.isMissingNode()) {
            out.append("<span class=\"null\">null</span>");
        } else {
            out.append(Html.escape(node.asText()));
        }
    }

    private static void object(StringBuilder out, JsonNode node) {
        if (node.isEmpty()) {
            out.append("<span class=\"null\">{}</span>");
            return;
        }
        List<String> columns = sharedKeys(node.elements());
        if (node.size() >= 2 && columns != null) {
            List<String> rowNames = new ArrayList<>();
            node.fieldNames().forEachRemaining(rowNames::add);
            table(out, rowNames, node.elements(), columns);
            return;
        }
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
        node.fields().forEachRemaining(entries::add);
        keyValueTable(out, entries);
    }

    private static void array(StringBuilder out, JsonNode node) {
        if (node.isEmpty()) {
            out.append("<span class=\"null\">[]</span>");
            return;
        }
        boolean allScalars = true;
        for (JsonNode item : node) {
            allScalars &= item.isValueNode() || item.isNull();
        }
        if (allScalars) {
            out.append("<span class=\"list\">[");
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(", ");
                }
                scalar(out, node.get(i));
            }
            out.append("]</span>");
            return;
        }
        List<String> columns = sharedKeys(node.elements());
        if (columns != null) {
            table(out, null, node.elements(), columns);
            return;
        }
        out.append("<ol start=\"0\">");
        for (JsonNode item : node) {
            out.append("<li>");
            value(out, item);
            out.append("</li>");
        }
        out.append("</ol>");
    }

    private static void keyValueTable(StringBuilder out, List<Map.Entry<String, JsonNode>> entries) {
        out.append("<table class=\"kv\">\n");
        for (Map.Entry<String, JsonNode> e : entries) {
            out.append("<tr><th>").append(Html.escape(e.getKey())).append("</th><td>");
            value(out, e.getValue());
            out.append("</td></tr>\n");
        }
        out.append("</table>\n");
    }

    /** One row per element, one column per shared key; {@code rowNames} (the object's keys) as a first column. */
    private static void table(StringBuilder out, List<String> rowNames, Iterator<JsonNode> rows, List<String> columns) {
        out.append("<table class=\"grid\">\n<thead><tr>");
        if (rowNames != null) {
            out.append("<th></th>");
        }
        for (String c : columns) {
            out.append("<th>").append(Html.escape(c)).append("</th>");
        }
        out.append("</tr></thead>\n<tbody>\n");
        for (int r = 0; rows.hasNext(); r++) {
            JsonNode row = rows.next();
            out.append("<tr>");
            if (rowNames != null) {
                out.append("<th>").append(Html.escape(rowNames.get(r))).append("</th>");
            }
            for (String c : columns) {
                out.append("<td>");
                value(out, row.get(c));
                out.append("</td>");
            }
            out.append("</tr>\n");
        }
        out.append("</tbody></table>\n");
    }

    /**
     * The keys every element has, in the first element's order, when all elements are non-empty objects with the
     * same key set and no value nested deeper than a list of scalars (a table of tables reads worse than sections);
     * else null.
     */
    private static List<String> sharedKeys(Iterator<JsonNode> elements) {
        List<String> keys = null;
        while (elements.hasNext()) {
            JsonNode e = elements.next();
            if (!e.isObject() || e.isEmpty()) {
                return null;
            }
            List<String> these = new ArrayList<>();
            e.fieldNames().forEachRemaining(these::add);
            if (keys == null) {
                keys = these;
            } else if (keys.size() != these.size() || !keys.containsAll(these)) {
                return null;
            }
            for (JsonNode v : e) {
                if (v.isObject() || (v.isArray() && containsContainer(v))) {
                    return null;
                }
            }
        }
        return keys;
    }

    private static boolean containsContainer(JsonNode array) {
        for (JsonNode item : array) {
            if (item.isContainerNode()) {
                return true;
            }
        }
        return false;
    }
}
