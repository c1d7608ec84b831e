package org.robustify.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustify.runtime.RobustifyException;

class IdxFileTest {
    @TempDir
    Path dir;

    static byte[] idx(int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x0800 | dims.length);
        for (int d : dims) {
            out.writeInt(d);
        }
        out.write(data);
        return bytes.toByteArray();
    }

    static void writeGz(Path file, byte[] content) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(content);
        }
    }

    @Test
    void readsGzippedAndPlainFiles() throws IOException {
        byte[] data = new byte[2 * 3 * 4];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 11);
        }
        byte[] file = idx(new int[] {2, 3, 4}, data);
        writeGz(dir.resolve("a.gz"), file);
        Files.write(dir.resolve("b"), file);
        for (String name : new String[] {"a.gz", "b"}) {
            IdxFile f = IdxFile.read(dir.resolve(name));
            assertArrayEquals(new int[] {2, 3, 4}, f.dims());
            assertArrayEquals(data, f.data());
        }
    }

    @Test
    void truncatedFileIsReported() throws IOException {
        byte[] file = idx(new int[] {10, 28, 28}, new byte[10 * 28 * 28]);
        writeGz(dir.resolve("t.gz"), Arrays.copyOf(file, file.length - 100));
        RobustifyException e = assertThrows(RobustifyException.class, () -> IdxFile.read(dir.resolve("t.gz")));
        assertTrue(e.getMessage().contains("truncated IDX file"), e.getMessage());
    }

    @Test
    void corruptGzipIsReported() throws IOException {
        byte[] file = idx(new int[] {10, 28, 28}, new byte[10 * 28 * 28]);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(gz)) {
            out.write(file);
        }
        byte[] broken = gz.toByteArray();
        for (int i = 20; i < broken.length - 10; i += 7) {
            broken[i] ^= 0x5a;
        }
        Files.write(dir.resolve("c.gz"), broken);
        RobustifyException e = assertThrows(RobustifyException.class, () -> IdxFile.read(dir.resolve("c.gz")));
        assertTrue(e.getMessage().contains("c.gz"), e.getMessage());
    }

    @Test
    void wrongMagicAndTrailingBytesAreReported() throws IOException {
        Files.write(dir.resolve("m"), new byte[] {0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1, 5});
        assertTrue(assertThrows(RobustifyException.class, () -> IdxFile.read(dir.resolve("m"))).getMessage()
                .contains("is not an IDX file"));
        byte[] file = idx(new int[] {2}, new byte[] {1, 2});
        Files.write(dir.resolve("x"), Arrays.copyOf(file, file.length + 3));
        assertTrue(assertThrows(RobustifyException.class, () -> IdxFile.read(dir.resolve("x"))).getMessage()
                .contains("trailing bytes"));
    }

    @Test
    void missingFileIsNamed() {
        RobustifyException e = assertThrows(RobustifyException.class, () -> IdxFile.read(dir.resolve("none.gz")));
        assertTrue(e.getMessage().contains("none.gz"), e.getMessage());
    }
}
