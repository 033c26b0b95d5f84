package org.vvmhost.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.vvmhost.testing.EtcdExtension;
import org.vvmhost.testing.TestTiming;

/**
 * {@code vvmhost drill} as a user runs it, {@code java -jar vvmhost.jar drill}, from a directory that is not the
 * project's: one round of every kind (signals of the leader, a partition from etcd, etcd's Raft leader killed and
 * frozen, quorum lost, the whole etcd restarted) and two planned switchovers, to a named standby and to the next in
 * line, on a small world. It asserts the verdicts, not the times: every
 * leader change kept every promise, nothing written by a deposed leader, no two leaders at once, the world identical
 * to an uninterrupted run; then that report.html parses as HTML with one SVG lane per replica, and that a real browser
 * renders its timeline (a screenshot is kept in target/).
 */
class FailoverDrillIT {

    private static final TestTiming TIMING = TestTiming.current();
    private static final List<String> KINDS = List.of("SIGTERM", "SWITCHOVER", "SIGKILL", "SIGSTOP", "SWITCHOVER",
            "PARTITION", "ETCD_MEMBER_KILL", "ETCD_MEMBER_PAUSE", "ETCD_QUORUM_LOSS", "ETCD_RESTART");
    /** The kinds whose old leader exits, and a new replica takes its place. */
    private static final Set<String> EXITS = Set.of("SIGTERM", "SIGKILL", "SIGSTOP", "PARTITION", "ETCD_QUORUM_LOSS");
    private static final long LEADER_CHANGES = KINDS.stream().filter(kind -> EXITS.contains(kind)
            || kind.equals("SWITCHOVER")).count();

    /** {@code FROM <registry>/etcd:v3.x.y AS <name>}: etcd's own image, pinned to a version. */
    private static final Pattern PINNED_ETCD_STAGE =
            Pattern.compile("(?i)FROM\\s+\\S+/etcd:v3\\.\\d+\\.\\d+\\s+AS\\s+(\\S+)");

    @TempDir
    static Path workDir;

    private static DrillCommandRun drill;

    @BeforeAll
    static void runTheDrill() throws Exception {
        EtcdExtension.requireBinary();
        drill = DrillCommandRun.run(workDir, List.of("--kinds", String.join(",", KINDS), "--replicas", "2",
                "--lease-ttl", "2s", "--dwell", "1500ms", "--world-entities", "2000",
                "--world-set", "world.backup-interval=10", "--timeout", durationText(TIMING.startBudget())),
                TIMING.scaled(Duration.ofMinutes(6)));
    }

    @Test
    void everyKindKeepsEveryPromise() throws Exception {
        assertThat(drill.exitCode()).as("exit code; output:\n%s", drill.output()).isZero();
        JsonNode report = drill.json();
        assertThat(report.get("verdict").asText()).isEqualTo("PASS");
        assertThat(report.get("failures")).isEmpty();
        List<String> kinds = new ArrayList<>();
        List<String> switchovers = new ArrayList<>();
        for (JsonNode round : report.get("rounds")) {
            String kind = round.get("kind").asText();
            kinds.add(kind);
            assertThat(round.get("problems")).as("round %s", kind).isEmpty();
            if (EXITS.contains(kind) || kind.equals("SWITCHOVER")) {
                assertThat(round.get("leaderChanged").asBoolean()).as("%s changed the leader", kind).isTrue();
            }
            if (kind.equals("SWITCHOVER")) {
                assertThat(round.has("oldExitCode")).as("the old leader of a switchover still runs").isFalse();
                assertThat(round.get("lost").asLong()).as("ticks lost in a switchover").isZero();
                switchovers.add(round.get("detail").asText());
            }
            if (round.get("leaderChanged").asBoolean()) {
                assertThat(round.get("gapMs").asDouble()).as("%s: the old leader stopped before its successor "
                        + "acquired leadership", kind).isNotNegative();
                assertThat(round.get("lost").asLong()).as("%s: ticks lost", kind)
                        .isBetween(0L, round.get("bound").asLong());
                assertThat(round.get("restoredTick").asLong()).as("%s: restored a saved view", kind).isPositive();
            }
        }
        assertThat(kinds).containsExactlyElementsOf(KINDS);
        assertThat(switchovers).hasSize(2);
        assertThat(switchovers.get(0)).as("the first names its successor").contains("{\"to\": ").contains("HTTP 200");
        assertThat(switchovers.get(1)).as("the second hands over to the next in line").contains("(next in line)")
                .contains("HTTP 200");
        JsonNode audit = report.get("audit");
        assertThat(audit.get("deposedWrites")).as("writes of deposed leaders in etcd's history").isEmpty();
        assertThat(audit.get("tokensIncrease").asBoolean()).isTrue();
        assertThat(audit.get("overlaps")).as("leaders acting at once").isEmpty();
        assertThat(audit.get("manifestWrites").asLong()).isPositive();
        assertThat(audit.get("continuityCompared").asInt()).as("ticks compared with the reference").isPositive();
        for (JsonNode verdict : report.get("verdicts")) {
            assertThat(verdict.get("pass").asBoolean()).as(verdict.toString()).isTrue();
        }
        assertThat(drill.output()).contains("verdict: PASS").contains("election timeout 500");
        assertThat(drill.report().resolve("logs/r1.log")).exists();
        assertThat(drill.report().resolve("logs/etcd-0.log")).exists();
    }

    @Test
    void theReportIsOneHtmlPageWithAnSvgLanePerReplica() throws Exception {
        Document page = Jsoup.parse(drill.html().toFile(), "UTF-8");
        List<String> replicas = new ArrayList<>();
        drill.json().get("lanes").forEach(lane -> replicas.add(lane.get("replica").asText()));
        assertThat(replicas).hasSizeGreaterThanOrEqualTo(2 + (int) KINDS.stream().filter(EXITS::contains).count());

        Element overview = page.selectFirst("svg#overview");
        assertThat(overview).isNotNull();
        assertThat(overview.select("g.lane").eachAttr("data-replica")).containsExactlyElementsOf(replicas);
        for (Element lane : overview.select("g.lane")) {
            assertThat(lane.select("rect.span")).as("spans of %s", lane.attr("data-replica")).isNotEmpty();
        }
        assertThat(overview.select("rect.span.leading")).hasSizeGreaterThanOrEqualTo(1 + (int) LEADER_CHANGES);
        assertThat(overview.select("g.mark.saved-view")).isNotEmpty();
        assertThat(overview.select("g.mark.signal text").eachText()).contains("SIGTERM", "SIGKILL", "SIGSTOP",
                "partition", "switchover").anyMatch(text -> text.startsWith("switchover to r"));
        assertThat(overview.select("g.gap text").eachText()).allMatch(text -> text.matches("gap \\d+ ms"));
        assertThat(page.select("svg.timeline[id^=round-]")).hasSize(KINDS.size());
        assertThat(page.select("#rounds tbody tr")).hasSize(KINDS.size());
        assertThat(page.select("#audit li.verdict .ok")).hasSameSizeAs(page.select("#audit li.verdict"));
        assertThat(page.select("script, link[href^=http], img[src^=http]")).as("nothing fetched, no script").isEmpty();
        assertThat(page.select("#logs a").eachAttr("href")).contains("logs/r1.log");
    }

    @Test
    void aBrowserRendersTheTimeline() throws Exception {
        Browser.require();
        ChromeDriver browser = Browser.start(workDir.resolve("chromium-profile"), 1500, 1100);
        try {
            browser.get(drill.html().toUri().toString());
            WebElement overview = browser.findElement(By.id("overview"));
            assertThat(overview.getRect().getWidth()).as("the timeline's width on screen").isGreaterThan(600);
            List<WebElement> lanes = overview.findElements(By.cssSelector("g.lane"));
            assertThat(lanes).isNotEmpty().allMatch(WebElement::isDisplayed);
            WebElement leading = overview.findElement(By.cssSelector("rect.span.leading"));
            assertThat(leading.getRect().getWidth()).as("a leading span drawn").isPositive();
            assertThat(browser.findElement(By.id("verdict")).getText()).isEqualTo("PASS");
            Path screenshot = browser.getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(screenshot, Path.of("target", "drill-report.png"), StandardCopyOption.REPLACE_EXISTING);
        } finally {
            browser.quit();
        }
    }

    /**
     * {@code docker run vvmhost drill}: there is no Docker engine here, so this reads the Dockerfile. The drill above
     * ran through the image's command line; its local target needs the etcd binary, which the runtime image copies
     * from etcd's own image, pinned, onto the PATH.
     */
    @Test
    void theImageCarriesEtcdForTheDrill() {
        List<String> instructions = ImageCommand.instructions(Path.of(System.getProperty("vvmhost.dockerfile")));
        String etcdStage = null;
        int lastFrom = -1;
        for (int i = 0; i < instructions.size(); i++) {
            Matcher from = PINNED_ETCD_STAGE.matcher(instructions.get(i));
            if (from.matches()) {
                etcdStage = from.group(1);
            }
            if (instructions.get(i).toUpperCase(Locale.ROOT).startsWith("FROM ")) {
                lastFrom = i;
            }
        }
        assertThat(etcdStage).as("a stage from etcd's image, pinned to a version").isNotNull();
        assertThat(instructions.subList(lastFrom, instructions.size())).as("the runtime stage")
                .contains("COPY --from=" + etcdStage + " /usr/local/bin/etcd /usr/local/bin/etcd");
    }

    private static String durationText(Duration duration) {
        return duration.toSeconds() + "s";
    }
}
