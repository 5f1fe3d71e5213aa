package dev.bulwark.core.auth.password;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.nio.file.Files;
import java.nio.file.Path;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PasswordWorkersTest {

    private final PasswordWorkers workers = new PasswordWorkers(1, 1, 0);

    @AfterEach
    void close() {
        workers.close();
    }

    @Test
    void aFullPoolAnswersBusyAtOnceWithoutBlockingTheCaller() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<WorkOutcome<String>> first = workers.submit(() -> {
            running.countDown();
            await(release);
            return "first";
        }).toCompletableFuture();
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<WorkOutcome<String>> queued = workers.submit(() -> "queued").toCompletableFuture();

        CompletableFuture<WorkOutcome<String>> refused = workers.submit(() -> "refused").toCompletableFuture();

        assertThat(refused).isCompletedWithValue(new WorkOutcome.Busy<>());
        assertThat(workers.queued()).isEqualTo(1);
        assertThat(first).isNotDone();
        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(new WorkOutcome.Done<>("first"));
        assertThat(queued.get(10, TimeUnit.SECONDS)).isEqualTo(new WorkOutcome.Done<>("queued"));
    }

    @Test
    void hashingRunsOnAWorkerThread() throws Exception {
        WorkOutcome<String> outcome = workers.submit(() -> Thread.currentThread().getName())
                .toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(outcome).isInstanceOfSatisfying(WorkOutcome.Done.class,
                done -> assertThat((String) done.value()).startsWith("bulwark-password-"));
    }

    @Test
    void aFailingJobFailsItsStage() {
        CompletableFuture<WorkOutcome<String>> failed = workers.<String>submit(() -> {
            throw new IllegalStateException("boom");
        }).toCompletableFuture();

        assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void aClosedPoolAnswersBusy() {
        workers.close();

        assertThat(workers.submit(() -> "late").toCompletableFuture()).isCompletedWithValue(new WorkOutcome.Busy<>());
    }

    @Test
    void sizesMustBePositive() {
        assertThatThrownBy(() -> new PasswordWorkers(0, 1, 0))
                .hasMessage("password worker threads must be positive: 0");
        assertThatThrownBy(() -> new PasswordWorkers(1, 0, 0))
                .hasMessage("password worker queue must be positive: 0");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void onLinuxEachWorkerRunsAtItsNiceValueAsTheKernelReportsIt() throws Exception {
        try (PasswordWorkers low = new PasswordWorkers(2, 4, 19)) {
            for (int i = 0; i < 2; i++) {
                assertThat(low.submit(PasswordWorkersTest::niceOfThisThread).toCompletableFuture()
                        .get(10, TimeUnit.SECONDS)).isEqualTo(new WorkOutcome.Done<>(19));
            }
        }
        assertThat(workers.submit(PasswordWorkersTest::niceOfThisThread).toCompletableFuture()
                .get(10, TimeUnit.SECONDS)).as("nice 0 leaves the thread alone")
                .isEqualTo(new WorkOutcome.Done<>(niceOfThisThread()));
    }

    /** Field 19 of /proc/thread-self/stat; the command name (field 2) may hold spaces, so count after it. */
    private static int niceOfThisThread() {
        try {
            String stat = Files.readString(Path.of("/proc/thread-self/stat"));
            String[] afterName = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(afterName[16]);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aNiceValueOutsideZeroToNineteenIsRefused() {
        assertThatThrownBy(() -> new PasswordWorkers(1, 1, 20)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("password worker nice value must be 0 to 19: 20");
        assertThatThrownBy(() -> new PasswordWorkers(1, 1, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
