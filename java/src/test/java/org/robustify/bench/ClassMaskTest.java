package org.robustify.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;

import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.RobustifyException;

class ClassMaskTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void init() {
        NativeRuntime.init(2);
    }

    @Test
    void maskRestrictsLogitsToTheListedOutputsInOrder() throws Exception {
        Path file = dir.resolve("classes.txt");
        Files.writeString(file, "# ImageNet-R style\n4\n\n1  # second class\n");
        ClassMask mask = ClassMask.read(file, 5);
        assertArrayEquals(new int[] {4, 1}, mask.outputs());
        // Output 2 is the global argmax, but outside the subset: the prediction is subset position 1 (output 1).
        Tensor logits = torch.arange(new org.bytedeco.pytorch.Scalar(5)).to(torch.ScalarType.Float).view(1, 5)
                .mul(new org.bytedeco.pytorch.Scalar(0.0));
        logits.select(1, 2).fill_(new org.bytedeco.pytorch.Scalar(9.0));
        logits.select(1, 1).fill_(new org.bytedeco.pytorch.Scalar(3.0));
        logits.select(1, 4).fill_(new org.bytedeco.pytorch.Scalar(1.0));
        Tensor r = mask.restrict(logits);
        assertEquals(2, r.size(1));
        assertEquals(3.0f, r.select(1, 1).item_float());
        assertEquals(1L, r.argmax(new LongOptional(1), false).item_long());
    }

    @Test
    void badClassListsAreClearErrors() throws Exception {
        Path file = dir.resolve("c.txt");
        Files.writeString(file, "1\n7\n");
        assertTrue(assertThrows(RobustifyException.class, () -> ClassMask.read(file, 5)).getMessage()
                .contains("line 2"));
        Files.writeString(file, "1\n1\n");
        assertTrue(assertThrows(RobustifyException.class, () -> ClassMask.read(file, 5)).getMessage()
                .contains("twice"));
        Files.writeString(file, "cat\n");
        assertThrows(RobustifyException.class, () -> ClassMask.read(file, 5));
        assertThrows(RobustifyException.class, () -> ClassMask.read(dir.resolve("missing"), 5));
    }

    @Test
    void suitesAndEpsilonsParse() {
        assertEquals(EnumSet.of(BenchSuite.CLEAN, BenchSuite.PGD), BenchSuite.parse("pgd, clean,pgd"));
        assertEquals(EnumSet.allOf(BenchSuite.class), BenchSuite.parse("all"));
        assertThrows(RobustifyException.class, () -> BenchSuite.parse("clean,nope"));
        assertEquals(List.of(0.0, 8 / 255.0, 0.03), BenchSuite.parseEpsilons("0,8/255,0.03"));
        assertThrows(RobustifyException.class, () -> BenchSuite.parseEpsilons("-1/255"));
        assertThrows(RobustifyException.class, () -> BenchSuite.parseEpsilons("1/0"));
    }
}
