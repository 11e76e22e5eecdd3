package org.layerswap.executor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Minimal static x86-64 executables that make exactly one syscall and exit with its errno (0 on success), so a
 * test can try a syscall inside a sandbox without a compiler or a libc: {@code syscall(nr, arg0, 0, 0, 0)},
 * then {@code exit(-result & 0xff)}. With {@code int80} the call goes through the i386 entry point (the
 * seccomp filter must kill it).
 */
final class TinyElf {

    private static final long BASE = 0x400000;
    private static final int HEADERS = 64 + 56;

    private TinyElf() {
    }

    static byte[] syscallThenExit(int nr, int arg0, boolean int80) {
        ByteBuffer code = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        code.put((byte) 0xB8).putInt(nr);                     // mov eax, nr
        code.put((byte) 0xBF).putInt(arg0);                   // mov edi, arg0
        if (int80) {
            code.put((byte) 0x89).put((byte) 0xFB);           // mov ebx, edi (i386 arg0)
        }
        code.put(new byte[] {0x31, (byte) 0xF6});             // xor esi, esi
        code.put(new byte[] {0x31, (byte) 0xD2});             // xor edx, edx
        code.put(new byte[] {0x45, 0x31, (byte) 0xD2});       // xor r10d, r10d
        code.put(int80 ? new byte[] {(byte) 0xCD, (byte) 0x80} : new byte[] {0x0F, 0x05}); // int 0x80 / syscall
        code.put(new byte[] {(byte) 0xF7, (byte) 0xD8});      // neg eax: -errno -> errno
        code.put(new byte[] {(byte) 0x89, (byte) 0xC7});      // mov edi, eax
        code.put((byte) 0xB8).putInt(60);                     // mov eax, 60 (exit)
        code.put(new byte[] {0x0F, 0x05});                    // syscall
        int codeLen = code.position();
        long total = HEADERS + codeLen;
        ByteBuffer elf = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        elf.put(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}); // 64-bit, little-endian, SysV
        elf.putShort((short) 2).putShort((short) 0x3E).putInt(1);  // ET_EXEC, EM_X86_64, EV_CURRENT
        elf.putLong(BASE + HEADERS).putLong(64).putLong(0);         // entry, program headers at 64, no sections
        elf.putInt(0).putShort((short) 64).putShort((short) 56).putShort((short) 1); // flags, ehsize, phentsize, phnum
        elf.putShort((short) 64).putShort((short) 0).putShort((short) 0);            // shentsize, shnum, shstrndx
        elf.putInt(1).putInt(5).putLong(0).putLong(BASE).putLong(BASE);              // PT_LOAD, R+X, whole file at BASE
        elf.putLong(total).putLong(total).putLong(0x1000);
        elf.put(code.array(), 0, codeLen);
        return elf.array();
    }

    static Path write(Path file, int nr, int arg0, boolean int80) throws IOException {
        Files.write(file, syscallThenExit(nr, arg0, int80));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
