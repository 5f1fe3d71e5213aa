package dev.bulwark.core.auth.password;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * Sets the calling thread's nice value on Linux, where it belongs to each thread: {@code setpriority(2)} on the
 * thread's own id. Against threads at nice 0 that want the same core, a thread at nice 19 gets about 1.5 % of
 * it, and the scheduler preempts it when one of them wakes up. Raising the nice value needs no privilege.
 */
final class ThreadNice {

    private static final int PRIO_PROCESS = 0;

    /** The two libc functions used; {@code gettid} is in glibc since 2.30 and in musl. */
    private interface LibC extends Library {
        int gettid();

        int setpriority(int which, int who, int prio);
    }

    /** Loaded on first use, so that platforms that never ask never load libc through JNA. */
    private static final class Holder {
        private static final LibC LIBC = Native.load("c", LibC.class);
    }

    private ThreadNice() {
    }

    /**
     * @param nice 1 (slightly lower) to 19 (lowest)
     * @return {@code null} when the calling thread now runs at {@code nice}, else why it does not
     */
    static String applyToCurrentThread(int nice) {
        if (!Platform.isLinux()) {
            return "thread nice values are only set on Linux";
        }
        try {
            LibC libc = Holder.LIBC;
            if (libc.setpriority(PRIO_PROCESS, libc.gettid(), nice) == 0) {
                return null;
            }
            return "setpriority failed with errno " + Native.getLastError();
        } catch (LinkageError | RuntimeException e) {
            return "cannot call libc: " + e.getMessage();
        }
    }
}
