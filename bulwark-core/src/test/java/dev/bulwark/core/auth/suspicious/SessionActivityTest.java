package dev.bulwark.core.auth.suspicious;

import dev.bulwark.core.auth.suspicious.SessionActivity.Finding;
import dev.bulwark.core.auth.suspicious.SuspiciousSessionConfig.Action;
import dev.bulwark.core.auth.suspicious.SuspiciousSessionConfig.AddressRule;
import dev.bulwark.testing.FakeClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SessionActivityTest {

    private final FakeClock clock = new FakeClock();

    private SessionActivity activity(AddressRule concurrentIps, AddressRule ipChanges) {
        return new SessionActivity(new SuspiciousSessionConfig(concurrentIps, ipChanges, null), clock);
    }

    private List<Finding> observe(SessionActivity activity, String user, String session, String address) {
        return activity.observe(user, session, address, clock.millis());
    }

    @Test
    void aUserAtOneAddressMoreThanAllowedFiresOnceOnThatAddress() {
        SessionActivity activity = activity(new AddressRule(2, Duration.ofMinutes(10), Action.LOG), null);

        assertThat(observe(activity, "u1", "s1", "10.0.0.1")).isEmpty();
        assertThat(observe(activity, "u1", "s2", "10.0.0.2")).isEmpty();
        List<Finding> third = observe(activity, "u1", "s3", "10.0.0.3");
        clock.advance(Duration.ofMinutes(5));
        List<Finding> again = observe(activity, "u1", "s4", "10.0.0.3");

        assertThat(third).singleElement().satisfies(finding -> {
            assertThat(finding.rule()).isEqualTo("concurrentIps");
            assertThat(finding.action()).isEqualTo(Action.LOG);
            assertThat(finding.detail()).contains("3 addresses", "s3", "10.0.0.3");
        });
        assertThat(again).as("an address already counted does not fire again").isEmpty();
    }

    @Test
    void addressesOlderThanTheWindowNoLongerCount() {
        SessionActivity activity = activity(new AddressRule(2, Duration.ofMinutes(10), Action.LOG), null);
        observe(activity, "u1", "s1", "10.0.0.1");
        observe(activity, "u1", "s2", "10.0.0.2");

        clock.advance(Duration.ofMinutes(11));

        assertThat(observe(activity, "u1", "s3", "10.0.0.3")).isEmpty();
    }

    @Test
    void aSessionThatStaysKeepsItsAddressCountedAcrossTheWindow() {
        SessionActivity activity = activity(new AddressRule(2, Duration.ofMinutes(10), Action.LOG), null);
        observe(activity, "u1", "s1", "10.0.0.1");
        observe(activity, "u1", "s2", "10.0.0.2");
        for (int minute = 0; minute < 30; minute++) {
            clock.advance(Duration.ofMinutes(1));
            observe(activity, "u1", "s1", "10.0.0.1");
            observe(activity, "u1", "s2", "10.0.0.2");
        }

        assertThat(observe(activity, "u1", "s3", "10.0.0.3")).singleElement()
                .extracting(Finding::rule).isEqualTo("concurrentIps");
    }

    @Test
    void usersAreCountedApart() {
        SessionActivity activity = activity(new AddressRule(1, Duration.ofMinutes(10), Action.LOG), null);

        assertThat(observe(activity, "u1", "s1", "10.0.0.1")).isEmpty();
        assertThat(observe(activity, "u2", "s2", "10.0.0.2")).isEmpty();
        assertThat(observe(activity, "u3", "s3", "10.0.0.1")).isEmpty();
    }

    @Test
    void aSessionHoppingMoreThanAllowedFiresOnEveryChangeBeyondIt() {
        SessionActivity activity = activity(null, new AddressRule(2, Duration.ofMinutes(10), Action.REVOKE));

        assertThat(observe(activity, "u1", "s1", "10.0.0.1")).isEmpty();
        assertThat(observe(activity, "u1", "s1", "10.0.0.2")).isEmpty();
        assertThat(observe(activity, "u1", "s1", "10.0.0.1")).isEmpty();
        List<Finding> third = observe(activity, "u1", "s1", "10.0.0.2");
        List<Finding> fourth = observe(activity, "u1", "s1", "10.0.0.3");

        assertThat(third).singleElement().satisfies(finding -> {
            assertThat(finding.rule()).isEqualTo("ipChanges");
            assertThat(finding.action()).isEqualTo(Action.REVOKE);
            assertThat(finding.detail()).contains("3 times");
        });
        assertThat(fourth).singleElement().extracting(Finding::detail).asString().contains("4 times");
    }

    @Test
    void changesSpreadWiderThanTheWindowNeverFire() {
        SessionActivity activity = activity(null, new AddressRule(2, Duration.ofMinutes(10), Action.LOG));
        for (int i = 0; i < 20; i++) {
            assertThat(observe(activity, "u1", "s1", "10.0.0." + (i % 2))).isEmpty();
            clock.advance(Duration.ofMinutes(6));
        }
    }

    @Test
    void aSessionOnOneAddressNeverFires() {
        SessionActivity activity = activity(new AddressRule(1, Duration.ofMinutes(10), Action.LOG),
                new AddressRule(1, Duration.ofMinutes(10), Action.LOG));
        for (int i = 0; i < 10_000; i++) {
            assertThat(observe(activity, "u1", "s1", "10.0.0.1")).isEmpty();
            clock.advance(Duration.ofMillis(200));
        }
    }

    @Test
    void aUserSprayedFromThousandsOfAddressesKeepsABoundedRecordAndStillFires() {
        SessionActivity activity = activity(new AddressRule(3, Duration.ofMinutes(10), Action.LOG), null);
        int fired = 0;
        for (int i = 0; i < 5_000; i++) {
            fired += observe(activity, "u1", "s" + i, "10.1." + (i / 250) + "." + (i % 250)).size();
        }

        assertThat(fired).isEqualTo(5_000 - 3);
    }

    @Test
    void bothRulesCanFireOnOneRequest() {
        SessionActivity activity = activity(new AddressRule(1, Duration.ofMinutes(10), Action.LOG),
                new AddressRule(1, Duration.ofMinutes(10), Action.LOG));
        observe(activity, "u1", "s1", "10.0.0.1");
        observe(activity, "u1", "s1", "10.0.0.2");

        assertThat(observe(activity, "u1", "s1", "10.0.0.3")).extracting(Finding::rule)
                .containsExactly("ipChanges", "concurrentIps");
    }

    @Test
    void outOfRangeThresholdsAreNamed() {
        SuspiciousSessionConfig config = new SuspiciousSessionConfig(
                new AddressRule(0, Duration.ofMinutes(10), Action.LOG),
                new AddressRule(2, Duration.ofDays(2), Action.LOG), Action.LOG);

        assertThat(config.problems()).extracting(problem -> problem[0])
                .containsExactly("concurrentIps.max", "ipChanges.window");
    }
}
