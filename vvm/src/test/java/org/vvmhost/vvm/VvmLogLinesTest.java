package org.vvmhost.vvm;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The INFO lines that operators and the end-to-end tests look for. */
class VvmLogLinesTest {

    private final VvmFixture fixture = new VvmFixture();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger vvmLogger = (Logger) LoggerFactory.getLogger("org.vvmhost.vvm");

    @BeforeEach
    void capture() {
        appender.start();
        vvmLogger.addAppender(appender);
        vvmLogger.setLevel(Level.INFO);
        vvmLogger.setAdditive(false);
    }

    @AfterEach
    void release() {
        fixture.close();
        vvmLogger.detachAppender(appender);
        vvmLogger.setLevel(null);
        vvmLogger.setAdditive(true);
    }

    private List<String> infoLines() {
        return appender.list.stream().filter(e -> e.getLevel() == Level.INFO)
                .map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
    }

    @Test
    void gracefulRunLogsAcquiredWithTheTokenThenServicesStartedThenReleased() {
        Vvm vvm = fixture.vvm("a", fixture.new RecordingService("s1"));
        vvm.launch();
        assertThat(fixture.next(3)).containsExactly("a:acquired", "s1:start", "a:services started");
        vvm.shutdown();

        List<String> lines = infoLines();
        assertThat(lines).filteredOn(l -> l.contains("leadership acquired")).singleElement()
                .satisfies(l -> assertThat(l).containsPattern("fencing token \\d+:\\d+"));
        assertThat(lines).filteredOn(l -> l.contains("services started")).hasSize(1);
        assertThat(lines).filteredOn(l -> l.contains("leadership released")).hasSize(1);
        assertThat(lines).filteredOn(l -> l.contains("leadership lost")).isEmpty();
    }

    @Test
    void lossLogsLeadershipLostWithTheReason() {
        Vvm vvm = fixture.vvm("a");
        CompletableFuture<VvmProblem> problem = vvm.launch();
        assertThat(fixture.next(2)).containsExactly("a:acquired", "a:services started");

        fixture.election.revoke("a");
        VvmFixture.await(problem);
        vvm.shutdown();

        assertThat(infoLines()).filteredOn(l -> l.contains("leadership lost")).singleElement()
                .satisfies(l -> assertThat(l).contains("revoked"));
        assertThat(infoLines()).filteredOn(l -> l.contains("leadership released")).isEmpty();
    }
}
