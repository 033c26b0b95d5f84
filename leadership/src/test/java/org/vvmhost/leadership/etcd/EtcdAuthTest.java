package org.vvmhost.leadership.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vvmhost.leadership.etcd.EtcdTestSupport.candidate;

import ch.qos.logback.classic.Level;
import io.etcd.jetcd.Auth;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vvmhost.leadership.Campaign;
import org.vvmhost.leadership.Leadership;
import org.vvmhost.leadership.LeadershipAccessException;
import org.vvmhost.leadership.Term;
import org.vvmhost.testing.EtcdExtension;
import org.vvmhost.testing.LogCapture;
import org.vvmhost.testing.TestTiming;
import org.vvmhost.time.SystemClock;

/** etcd with authentication on: wrong credentials are fatal at once, right ones work. */
class EtcdAuthTest {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final String PASSWORD = "right-password";
    private static final long BUDGET_MS = TestTiming.current().eventBudget().toMillis();
    private static SystemClock clock;

    @BeforeAll
    static void enableAuth() throws Exception {
        clock = SystemClock.create("etcd-auth-clock");
        Auth auth = ETCD.admin().getAuthClient();
        auth.userAdd(EtcdExtension.bytes("root"), EtcdExtension.bytes(PASSWORD)).get(BUDGET_MS, TimeUnit.MILLISECONDS);
        auth.roleAdd(EtcdExtension.bytes("root")).get(BUDGET_MS, TimeUnit.MILLISECONDS);
        auth.userGrantRole(EtcdExtension.bytes("root"), EtcdExtension.bytes("root"))
                .get(BUDGET_MS, TimeUnit.MILLISECONDS);
        auth.authEnable().get(BUDGET_MS, TimeUnit.MILLISECONDS);
    }

    @AfterAll
    static void stopClock() {
        clock.close();
    }

    private static EtcdSettings settings(String password) {
        return EtcdTestSupport.settings(ETCD.endpoint(), EtcdTestSupport.freshElection("auth"))
                .withCredentials(new EtcdSettings.Credentials("root", password));
    }

    @Test
    void wrongCredentialsEndTheCampaignWithAnAccessErrorAndNoRetry() {
        try (Leadership leadership = EtcdLeaderships.connect(settings("wrong"), candidate("a"), clock);
                LogCapture log = new LogCapture(EtcdCampaign.class)) {
            Campaign campaign = leadership.campaign();

            assertThatThrownBy(() -> campaign.elected().get(BUDGET_MS, TimeUnit.MILLISECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(LeadershipAccessException.class)
                    .hasMessageContaining("user and password");
            assertThat(log.at(Level.WARN)).as("no retries").isEmpty();
            assertThat(log.at(Level.ERROR)).hasSize(1)
                    .allSatisfy(event -> assertThat(event.getThrowableProxy()).as("no stack trace").isNull());
        }
    }

    @Test
    void rightCredentialsLead() throws Exception {
        try (Leadership leadership = EtcdLeaderships.connect(settings(PASSWORD), candidate("a"), clock)) {
            Term term = leadership.campaign().elected().get(BUDGET_MS, TimeUnit.MILLISECONDS);
            assertThat(term.status()).isEqualTo(Term.Status.LEADING);
            term.release().get(BUDGET_MS, TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void statusWithWrongCredentialsIsAnAccessError() {
        assertThatThrownBy(() -> EtcdLeaderships.status(settings("wrong")))
                .isInstanceOf(LeadershipAccessException.class);
    }
}
