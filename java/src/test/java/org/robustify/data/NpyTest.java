package org.robustify.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.robustify.runtime.RobustifyException;

class NpyTest {
    @TempDir
    Path dir;

    private static byte[] ramp(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    @Test
    void uint8RoundTripInFourAndThreeDimensions() {
        byte[] data = ramp(2 * 3 * 4 * 3);
        Path f = dir.resolve("a.npy");
        Npy.writeUint8(f, new long[] {2, 3, 4, 3}, data);
        Npy.UInt8Array a = Npy.readUint8(f);
        assertArrayEquals(new long[] {2, 3, 4, 3}, a.shape());
        assertArrayEquals(data, a.data());
        Npy.Header h = Npy.readHeader(f);
        assertEquals("|u1", h.descr());
        assertEquals(0, h.dataOffset() % 64, "data aligned to 64 bytes as numpy writes it");

        Path g = dir.resolve("b.npy");
        Npy.writeUint8(g, new long[] {6, 4, 3}, data);
        assertArrayEquals(new long[] {6, 4, 3}, Npy.readUint8(g).shape());
    }

    @Test
    void int64RoundTripAndEmptyArrays() {
        long[] v = {0, 1, -5, Long.MAX_VALUE, 9};
        Path f = dir.resolve("l.npy");
        Npy.writeInt64(f, new long[] {5}, v);
        Npy.Int64Array a = Npy.readInt64(f);
        assertArrayEquals(new long[] {5}, a.shape());
        assertArrayEquals(v, a.data());
        assertEquals("(5,)", Npy.shapeString(new long[] {5}));

        Path e = dir.resolve("e.npy");
        Npy.writeUint8(e, new long[] {0, 28, 28}, new byte[0]);
        assertEquals(0, Npy.readUint8(e).data().length);
    }

    @Test
    void streamingWriteMustMatchTheShapeAndLeavesNoFileOtherwise() throws IOException {
        Path f = dir.resolve("s.npy");
        RobustifyException e = assertThrows(RobustifyException.class,
                () -> Npy.writeUint8(f, new long[] {2, 2}, out -> out.write(new byte[3])));
        assertTrue(e.getMessage().contains("expected 4"), e.getMessage());
        assertTrue(!Files.exists(f));
        try (var s = Files.list(dir)) {
            assertEquals(0, s.count(), "no temporary left behind");
        }
        assertThrows(RobustifyException.class, () -> Npy.writeUint8(f, new long[] {2, 2}, new byte[5]));
    }

    /** A hand-made file: header dict as given, then {@code data} bytes. */
    private Path raw(String name, String dict, int dataBytes) throws IOException {
        StringBuilder text = new StringBuilder(dict);
        while ((10 + text.length() + 1) % 64 != 0) {
            text.append(' ');
        }
        text.append('\n');
        ByteBuffer b = ByteBuffer.allocate(10 + text.length() + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) text.length());
        b.put(text.toString().getBytes(StandardCharsets.US_ASCII));
        Path f = dir.resolve(name);
        Files.write(f, b.array());
        return f;
    }

    @Test
    void clearErrorsForOtherDtypesFortranOrderTruncationAndGarbage() throws IOException {
        Path floats = raw("f.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", 16);
        RobustifyException e = assertThrows(RobustifyException.class, () -> Npy.readUint8(floats));
        assertTrue(e.getMessage().contains("float32 (2, 2)") && e.getMessage().contains("expected uint8"),
                e.getMessage());

        Path fortran = raw("o.npy", "{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3), }", 6);
        e = assertThrows(RobustifyException.class, () -> Npy.readUint8(fortran));
        assertTrue(e.getMessage().contains("Fortran order"), e.getMessage());

        Path shortFile = raw("t.npy", "{'descr': '|u1', 'fortran_order': False, 'shape': (4, 5), }", 7);
        e = assertThrows(RobustifyException.class, () -> Npy.readUint8(shortFile));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("needs 20"), e.getMessage());

        Path junk = dir.resolve("j.npy");
        Files.writeString(junk, "not numpy at all");
        e = assertThrows(RobustifyException.class, () -> Npy.readUint8(junk));
        assertTrue(e.getMessage().contains("not a .npy file"), e.getMessage());

        Path cut = dir.resolve("c.npy");
        Files.write(cut, new byte[] {(byte) 0x93, 'N', 'U', 'M'});
        e = assertThrows(RobustifyException.class, () -> Npy.readHeader(cut));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());

        e = assertThrows(RobustifyException.class, () -> Npy.readUint8(dir.resolve("missing.npy")));
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());

        Path labels = dir.resolve("l.npy");
        Npy.writeInt64(labels, new long[] {3}, new long[] {1, 2, 3});
        e = assertThrows(RobustifyException.class, () -> Npy.readUint8(labels));
        assertTrue(e.getMessage().contains("int64 (3,)"), e.getMessage());
    }

    /** numpy itself reads what we write and writes what we read (when python3 with numpy is present). */
    @Test
    void interoperatesWithNumpy() throws Exception {
        Path a = dir.resolve("ours.npy");
        Path l = dir.resolve("labels.npy");
        Npy.writeUint8(a, new long[] {2, 3, 4, 3}, ramp(72));
        Npy.writeInt64(l, new long[] {4}, new long[] {3, -1, 0, 7});
        Path theirs = dir.resolve("theirs.npy");
        String script = "import numpy as np, sys\n"
                + "a = np.load(sys.argv[1]); l = np.load(sys.argv[2])\n"
                + "assert a.dtype == np.uint8 and a.shape == (2, 3, 4, 3), (a.dtype, a.shape)\n"
                + "assert a.ravel()[1] == (31 + 7) % 256\n"
                + "assert l.dtype == np.int64 and list(l) == [3, -1, 0, 7]\n"
                + "np.save(sys.argv[3], (np.arange(5 * 6 * 7) % 251).astype(np.uint8).reshape(5, 6, 7))\n";
        Process p;
        try {
            p = new ProcessBuilder("python3", "-c", script, a.toString(), l.toString(), theirs.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "python3 not available");
            return;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assumeTrue(!out.contains("No module named 'numpy'"), "numpy not installed");
        assertEquals(0, p.exitValue(), out);
        Npy.UInt8Array t = Npy.readUint8(theirs);
        assertArrayEquals(new long[] {5, 6, 7}, t.shape());
        for (int i = 0; i < t.data().length; i++) {
            assertEquals(i % 251, t.data()[i] & 0xff);
        }
    }
}
