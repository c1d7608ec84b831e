package org.robustify.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.robustify.runtime.RobustifyException;

class MarkdownTableTest {
    @Test
    void rendersAlignedGithubTable() {
        String md = new MarkdownTable("method", "acc", "seconds", "runs")
                .align(1, MarkdownTable.Align.RIGHT).format(1, "%.3f")
                .align(2, MarkdownTable.Align.CENTER).format(2, "%.1f")
                .align(3, MarkdownTable.Align.RIGHT)
                .row("baseline", 0.51234, 120.0, 3)
                .row("robustify | ours", Double.NaN, null, 12)
                .render();
        String expected = """
                | method            |   acc | seconds | runs |
                | ----------------- | ----: | :-----: | ---: |
                | baseline          | 0.512 | 120.0   |    3 |
                | robustify \\| ours |     — | —       |   12 |
                """;
        assertEquals(expected, md);
    }

    @Test
    void rejectsBadShapes() {
        MarkdownTable t = new MarkdownTable("a", "b");
        assertThrows(RobustifyException.class, () -> t.row("only one"));
        assertThrows(RobustifyException.class, () -> t.align(2, MarkdownTable.Align.LEFT));
        assertThrows(RobustifyException.class, () -> t.format(0, "%d"));
        assertThrows(RobustifyException.class, () -> new MarkdownTable());
        assertEquals(0, t.rowCount());
    }
}
