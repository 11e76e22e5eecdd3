package org.layerswap.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;

/** Decodes the filter and runs it through a classic-BPF interpreter (the subset the filter may use). */
class SeccompFilterTest {

    static final int AUDIT_ARCH_I386 = 0x40000003;

    /** Runs the program over a struct seccomp_data; fails on any opcode the filter should not contain. */
    static int run(byte[] program, int arch, int nr, long arg0) {
        ByteBuffer data = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        data.putInt(0, nr).putInt(4, arch).putLong(16, arg0);
        ByteBuffer p = ByteBuffer.wrap(program).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0, program.length % 8, "whole sock_filter entries");
        int n = program.length / 8;
        int a = 0;
        for (int pc = 0; pc < n; pc++) {
            short code = p.getShort(pc * 8);
            int jt = p.get(pc * 8 + 2) & 0xFF;
            int jf = p.get(pc * 8 + 3) & 0xFF;
            int k = p.getInt(pc * 8 + 4);
            switch (code) {
                case 0x20 -> a = data.getInt(k);
                case 0x15 -> pc += a == k ? jt : jf;
                case 0x35 -> pc += Integer.compareUnsigned(a, k) >= 0 ? jt : jf;
                case 0x45 -> pc += (a & k) != 0 ? jt : jf;
                case 0x06 -> {
                    return k;
                }
                default -> throw new AssertionError("unexpected BPF opcode 0x" + Integer.toHexString(code) + " at " + pc);
            }
        }
        throw new AssertionError("the program ran off its end");
    }

    static int x86(int nr, long arg0) {
        return run(SeccompFilter.program(), SeccompFilter.AUDIT_ARCH_X86_64, nr, arg0);
    }

    @Test
    void anyOtherArchitectureAndTheX32AbiAreKilled() {
        assertEquals(SeccompFilter.RET_KILL_PROCESS, run(SeccompFilter.program(), AUDIT_ARCH_I386, 1, 0));
        assertEquals(SeccompFilter.RET_KILL_PROCESS, run(SeccompFilter.program(), 0, 0, 0));
        assertEquals(SeccompFilter.RET_KILL_PROCESS, x86(SeccompFilter.X32_SYSCALL_BIT | 1, 0), "x32 write");
        assertEquals(SeccompFilter.RET_KILL_PROCESS, x86(SeccompFilter.X32_SYSCALL_BIT | 165, 0), "x32 mount");
    }

    @Test
    void everyBlockedSyscallFailsWithEperm() {
        assertTrue(SeccompFilter.BLOCKED.size() >= 40, "the list covers the escape syscalls");
        for (var e : SeccompFilter.BLOCKED.entrySet()) {
            assertEquals(SeccompFilter.RET_ERRNO | 1, x86(e.getValue(), 0), e.getKey());
        }
        // the ones the issue names, by their x86-64 numbers
        int[] named = {165, 166, 101, 250, 248, 249, 321, 323, 298, 246, 320, 175, 313, 176, 304, 155, 167, 168, 169, 308};
        for (int nr : named) {
            assertEquals(SeccompFilter.RET_ERRNO | 1, x86(nr, 0), "syscall " + nr);
        }
    }

    @Test
    void newNamespacesAreRefusedButPlainForksAndThreadsAreAllowed() {
        int newUser = 0x10000000;
        assertEquals(SeccompFilter.RET_ERRNO | 1, x86(SeccompFilter.NR_UNSHARE, newUser), "unshare(CLONE_NEWUSER)");
        assertEquals(SeccompFilter.RET_ERRNO | 1, x86(SeccompFilter.NR_UNSHARE, 0x00020000), "unshare(CLONE_NEWNS)");
        assertEquals(SeccompFilter.RET_ERRNO | 1, x86(SeccompFilter.NR_UNSHARE, 0x80), "unshare(CLONE_NEWTIME)");
        assertEquals(SeccompFilter.RET_ALLOW, x86(SeccompFilter.NR_UNSHARE, 0x00000400), "unshare(CLONE_FILES)");
        assertEquals(SeccompFilter.RET_ERRNO | 1, x86(SeccompFilter.NR_CLONE, newUser | 17), "clone(CLONE_NEWUSER|SIGCHLD)");
        assertEquals(SeccompFilter.RET_ALLOW, x86(SeccompFilter.NR_CLONE, 0x01200000L | 17), "fork as clone");
        assertEquals(SeccompFilter.RET_ALLOW, x86(SeccompFilter.NR_CLONE, 0x003D0F00), "pthread_create's clone");
        assertEquals(SeccompFilter.RET_ALLOW, x86(SeccompFilter.NR_CLONE, 0x80 | 0x01200000L), "signal 128 is not CLONE_NEWTIME");
        assertEquals(SeccompFilter.RET_ERRNO | 38, x86(SeccompFilter.NR_CLONE3, 0), "clone3: ENOSYS so libc falls back");
    }

    @Test
    void ordinarySyscallsAreAllowed() {
        for (int nr : new int[] {0, 1, 2, 3, 9, 39, 57, 59, 60, 231, 257, 262, 133 /* mknod: bounded by capabilities */}) {
            assertEquals(SeccompFilter.RET_ALLOW, x86(nr, 0), "syscall " + nr);
        }
    }
}
