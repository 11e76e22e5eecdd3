package org.layerswap.executor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The seccomp filter every function runs under, as a classic-BPF program for bubblewrap's {@code --seccomp FD}
 * (an array of {@code struct sock_filter}, 8 bytes each, native little-endian; bwrap derives the length from
 * the byte count).
 *
 * <p>It is a small fixed program, assembled here rather than through libseccomp so that the appliance needs no
 * extra native library. Invariants, each checked by {@code SeccompFilterTest} with a BPF interpreter:
 * <ul>
 *   <li>a syscall from any architecture but x86-64 (i386 via {@code int 0x80}) kills the process, and so does
 *       an x32 syscall (number with bit 30 set): the numbers below are x86-64's only;</li>
 *   <li>every syscall in {@link #BLOCKED} fails with EPERM;</li>
 *   <li>{@code unshare} and {@code clone} fail with EPERM when their flags ask for a new namespace (a new user
 *       namespace would give the function capabilities again); {@code clone3}, whose flags sit behind a pointer
 *       the filter cannot read, fails with ENOSYS so libc falls back to {@code clone};</li>
 *   <li>anything else is allowed (the rest is bounded by the dropped capabilities, the uid and the cgroup).</li>
 * </ul>
 * Syscall numbers are x86-64's ({@code arch/x86/entry/syscalls/syscall_64.tbl}), cross-checked against
 * libseccomp's table when this was written.
 */
public final class SeccompFilter {

    /** Blocked syscalls (x86-64 numbers), each answered with EPERM. */
    public static final Map<String, Integer> BLOCKED;

    static {
        Map<String, Integer> b = new LinkedHashMap<>();
        // filesystems and mounts: a new mount could hide or expose host paths
        b.put("mount", 165);
        b.put("umount2", 166);
        b.put("pivot_root", 155);
        b.put("chroot", 161);
        b.put("open_tree", 428);
        b.put("move_mount", 429);
        b.put("fsopen", 430);
        b.put("fsconfig", 431);
        b.put("fsmount", 432);
        b.put("fspick", 433);
        b.put("mount_setattr", 442);
        b.put("open_by_handle_at", 304);
        b.put("name_to_handle_at", 303);
        b.put("swapon", 167);
        b.put("swapoff", 168);
        b.put("quotactl", 179);
        b.put("quotactl_fd", 443);
        b.put("acct", 163);
        // other processes and namespaces
        b.put("ptrace", 101);
        b.put("process_vm_readv", 310);
        b.put("process_vm_writev", 311);
        b.put("setns", 308);
        // kernel attack surface rarely needed by a function
        b.put("keyctl", 250);
        b.put("add_key", 248);
        b.put("request_key", 249);
        b.put("bpf", 321);
        b.put("userfaultfd", 323);
        b.put("perf_event_open", 298);
        b.put("io_uring_setup", 425);
        b.put("io_uring_enter", 426);
        b.put("io_uring_register", 427);
        b.put("fanotify_init", 300);
        b.put("lookup_dcookie", 212);
        b.put("uselib", 134);
        b.put("ustat", 136);
        b.put("sysfs", 139);
        b.put("_sysctl", 156);
        b.put("nfsservctl", 180);
        b.put("vhangup", 153);
        b.put("syslog", 103);
        // the machine itself
        b.put("kexec_load", 246);
        b.put("kexec_file_load", 320);
        b.put("init_module", 175);
        b.put("finit_module", 313);
        b.put("delete_module", 176);
        b.put("create_module", 174);
        b.put("reboot", 169);
        b.put("iopl", 172);
        b.put("ioperm", 173);
        b.put("settimeofday", 164);
        b.put("clock_settime", 227);
        b.put("clock_adjtime", 305);
        b.put("adjtimex", 159);
        BLOCKED = Collections.unmodifiableMap(b);
    }

    public static final int NR_CLONE = 56;
    public static final int NR_UNSHARE = 272;
    public static final int NR_CLONE3 = 435;

    /** struct seccomp_data: nr at 0, arch at 4, args[i] at 16 + 8 i (the low 32 bits first: little-endian). */
    static final int OFFSET_NR = 0;
    static final int OFFSET_ARCH = 4;
    static final int OFFSET_ARG0_LOW = 16;

    public static final int AUDIT_ARCH_X86_64 = 0xC000003E;
    public static final int X32_SYSCALL_BIT = 0x40000000;

    /** CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET, plus CLONE_NEWTIME (0x80) for unshare only: in clone's flags the low byte is the exit signal. */
    public static final int NEW_NAMESPACE_FLAGS_CLONE = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000
            | 0x20000000 | 0x40000000;
    public static final int NEW_NAMESPACE_FLAGS_UNSHARE = NEW_NAMESPACE_FLAGS_CLONE | 0x00000080;

    public static final int RET_KILL_PROCESS = 0x80000000;
    public static final int RET_ERRNO = 0x00050000;
    public static final int RET_ALLOW = 0x7FFF0000;
    public static final int EPERM = 1;
    public static final int ENOSYS = 38;

    // classic BPF opcodes (linux/bpf_common.h)
    static final short LD_W_ABS = 0x20;   // BPF_LD | BPF_W | BPF_ABS: A = *(u32 *)(data + k)
    static final short JEQ_K = 0x15;      // BPF_JMP | BPF_JEQ | BPF_K: pc += (A == k) ? jt : jf
    static final short JGE_K = 0x35;      // BPF_JMP | BPF_JGE | BPF_K: pc += (A >= k) ? jt : jf (unsigned)
    static final short JSET_K = 0x45;     // BPF_JMP | BPF_JSET | BPF_K: pc += (A & k) != 0 ? jt : jf
    static final short RET_K = 0x06;      // BPF_RET | BPF_K: return k

    private SeccompFilter() {
    }

    /** One instruction; jumps name their targets by label ("" = fall through), resolved by {@link #program()}. */
    private record Insn(short code, String jt, String jf, int k, String label) {
    }

    /** The program as bytes for {@code --seccomp}. */
    public static byte[] program() {
        List<Insn> p = new ArrayList<>();
        p.add(new Insn(LD_W_ABS, "", "", OFFSET_ARCH, ""));                   // A = arch
        p.add(new Insn(JEQ_K, "", "kill", AUDIT_ARCH_X86_64, ""));            // not x86-64: kill
        p.add(new Insn(LD_W_ABS, "", "", OFFSET_NR, ""));                     // A = syscall number
        p.add(new Insn(JGE_K, "kill", "", X32_SYSCALL_BIT, ""));              // x32 ABI (bit 30): kill
        p.add(new Insn(JEQ_K, "enosys", "", NR_CLONE3, ""));                  // clone3: ENOSYS, libc uses clone
        p.add(new Insn(JEQ_K, "unshare", "", NR_UNSHARE, ""));                // unshare: check its flags
        p.add(new Insn(JEQ_K, "clone", "", NR_CLONE, ""));                    // clone: check its flags
        for (int nr : BLOCKED.values()) {
            p.add(new Insn(JEQ_K, "eperm", "", nr, ""));                      // blocked: EPERM
        }
        p.add(new Insn(RET_K, "", "", RET_ALLOW, ""));                        // everything else: allow
        p.add(new Insn(LD_W_ABS, "", "", OFFSET_ARG0_LOW, "unshare"));        // A = unshare's flags
        p.add(new Insn(JSET_K, "eperm", "", NEW_NAMESPACE_FLAGS_UNSHARE, ""));// any new namespace: EPERM
        p.add(new Insn(RET_K, "", "", RET_ALLOW, ""));
        p.add(new Insn(LD_W_ABS, "", "", OFFSET_ARG0_LOW, "clone"));          // A = clone's flags
        p.add(new Insn(JSET_K, "eperm", "", NEW_NAMESPACE_FLAGS_CLONE, ""));  // any new namespace: EPERM
        p.add(new Insn(RET_K, "", "", RET_ALLOW, ""));
        p.add(new Insn(RET_K, "", "", RET_ERRNO | EPERM, "eperm"));
        p.add(new Insn(RET_K, "", "", RET_ERRNO | ENOSYS, "enosys"));
        p.add(new Insn(RET_K, "", "", RET_KILL_PROCESS, "kill"));

        Map<String, Integer> at = new LinkedHashMap<>();
        for (int i = 0; i < p.size(); i++) {
            if (!p.get(i).label().isEmpty()) {
                at.put(p.get(i).label(), i);
            }
        }
        ByteBuffer out = ByteBuffer.allocate(p.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < p.size(); i++) {
            Insn insn = p.get(i);
            out.putShort(insn.code()).put(offset(at, i, insn.jt())).put(offset(at, i, insn.jf())).putInt(insn.k());
        }
        return out.array();
    }

    /** A jump's offset from the next instruction; BPF jumps only forward, at most 255. */
    private static byte offset(Map<String, Integer> at, int from, String label) {
        if (label.isEmpty()) {
            return 0;
        }
        int d = at.get(label) - from - 1;
        if (d < 0 || d > 255) {
            throw new IllegalStateException("BPF jump from " + from + " to " + label + " out of range: " + d);
        }
        return (byte) d;
    }
}
