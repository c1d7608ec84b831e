package org.robustify.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustify.runtime.RobustifyException;

class FashionMnistTest {
    @TempDir
    Path dir;

    @Test
    void missingFolderNamesTheInstallCommand() {
        RobustifyException e = assertThrows(RobustifyException.class,
                () -> FashionMnist.load(dir.resolve("nowhere"), FashionMnist.Split.TEST));
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
        assertTrue(e.getMessage().contains("--data DIR"), e.getMessage());
    }

    @Test
    void missingFileIsNamed() {
        RobustifyException e = assertThrows(RobustifyException.class,
                () -> FashionMnist.load(dir, FashionMnist.Split.TEST));
        assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte.gz is missing"), e.getMessage());
    }

    @Test
    void mismatchedCountsAreReported() throws IOException {
        IdxFileTest.writeGz(dir.resolve("t10k-images-idx3-ubyte.gz"),
                IdxFileTest.idx(new int[] {3, 2, 2}, new byte[12]));
        IdxFileTest.writeGz(dir.resolve("t10k-labels-idx1-ubyte.gz"), IdxFileTest.idx(new int[] {2}, new byte[2]));
        RobustifyException e = assertThrows(RobustifyException.class,
                () -> FashionMnist.load(dir, FashionMnist.Split.TEST));
        assertTrue(e.getMessage().contains("holds 2 labels but"), e.getMessage());
    }

    @Test
    void outOfRangeLabelIsReported() throws IOException {
        IdxFileTest.writeGz(dir.resolve("t10k-images-idx3-ubyte.gz"),
                IdxFileTest.idx(new int[] {1, 2, 2}, new byte[4]));
        IdxFileTest.writeGz(dir.resolve("t10k-labels-idx1-ubyte.gz"),
                IdxFileTest.idx(new int[] {1}, new byte[] {42}));
        assertTrue(assertThrows(RobustifyException.class, () -> FashionMnist.load(dir, FashionMnist.Split.TEST))
                .getMessage().contains("label 42"));
    }

    /** The real package (CI installs it): sizes and the balanced classes of the published test split. */
    @Test
    void debianPackageTestSplit() {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "dataset-fashion-mnist not installed");
        ImageDataset test = FashionMnist.load(FashionMnist.DEFAULT_DIR, FashionMnist.Split.TEST);
        assertEquals(10000, test.size());
        assertEquals(28, test.height());
        assertEquals(28, test.width());
        int[] perClass = new int[10];
        for (int y : test.labels()) {
            perClass[y]++;
        }
        for (int c : perClass) {
            assertEquals(1000, c);
        }
    }
}
