package org.vvmhost.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.TakesScreenshot;
import org.vvmhost.testing.EtcdExtension;
import org.vvmhost.testing.TestTiming;

/**
 * The inspector in a real browser (Debian's chromium, driven by its chromium-driver through Selenium), served by real
 * replicas on a real etcd: the leader's page shows the grid, the leader and a tick that moves, lists an area's
 * entities and shows an entity; its term, the commands applied, the tick chart and the last world view are drawn; the
 * standby's page says it is a standby and links to the leader. The leader's page is kept as
 * {@code target/inspector.png}.
 */
class InspectorIT {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final TestTiming TIMING = TestTiming.current();

    private final ImageCommand image = ImageCommand.fromBuild();
    private final List<HostProcess> started = new ArrayList<>();
    private final List<WebDriver> browsers = new ArrayList<>();
    private final String election = "e2e-inspector-" + ProcessHandle.current().pid();

    @TempDir
    Path dir;

    @AfterEach
    void closeAll() {
        browsers.forEach(WebDriver::quit);
        started.forEach(HostProcess::close);
    }

    @Test
    void theLeadersPageShowsTheWorldLiveAndTheStandbysPagePointsToTheLeader() throws Exception {
        Browser.require();
        HostProcess a = replica("a");
        ApiClient apiA = api(a);
        await().atMost(TIMING.startBudget()).until(() -> apiA.status("/leader") == 200);
        HostProcess b = replica("b");
        ApiClient apiB = api(b);
        await().atMost(TIMING.startBudget()).until(() -> apiB.status("/standby") == 200);

        WebDriver leaderPage = browser();
        leaderPage.get(apiA.base() + "/");
        await().atMost(TIMING.eventBudget()).until(() -> text(leaderPage, "role").equals("leader"));
        await().atMost(TIMING.eventBudget()).until(() -> leaderPage.findElements(By.cssSelector("#map .cell"))
                .size() == 12);
        assertThat(text(leaderPage, "leader-id")).isEqualTo("a-" + election);
        await().atMost(TIMING.eventBudget()).until(() -> !text(leaderPage, "tick").equals("–"));
        String firstTick = text(leaderPage, "tick");
        await().atMost(TIMING.eventBudget()).until(() -> !text(leaderPage, "tick").equals(firstTick));
        assertThat(leaderPage.findElements(By.cssSelector("#map .dot"))).isNotEmpty();
        assertThat(leaderPage.findElements(By.cssSelector("#legend span"))).as("the physics simulators").hasSize(3);
        assertThat(leaderPage.findElements(By.cssSelector("#map .passive"))).as("one passive per area").hasSize(12);
        StringBuilder spawns = new StringBuilder("{\"commands\": [");
        for (int i = 0; i < 25; i++) {
            spawns.append(i == 0 ? "" : ", ").append("{\"kind\": \"spawn\", \"x\": ").append(40 * i + 10)
                    .append(", \"y\": 500, \"components\": {\"physics\": {\"vx\": 0, \"vy\": 2}}}");
        }
        ApiClient.Answer receipt = apiA.send(HttpRequest.newBuilder(apiA.base().resolve("/world/commands"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(spawns.append("]}").toString())).build());
        assertThat(receipt.status()).as(receipt.body()).isEqualTo(202);
        await().atMost(TIMING.eventBudget()).until(() -> text(leaderPage, "commands").equals("25"));
        String token = text(leaderPage, "fencing-token");
        assertThat(token).matches("\\d+:\\d+");
        await().atMost(TIMING.eventBudget()).until(() -> !leaderPage.findElements(By.cssSelector("#terms tbody tr"))
                .isEmpty());
        // The table is drawn anew at each refresh, so a row read across one is stale: read it again.
        await().atMost(TIMING.eventBudget()).ignoreException(StaleElementReferenceException.class).untilAsserted(() ->
                assertThat(leaderPage.findElement(By.cssSelector("#terms tbody tr td")).getText()).as("this term")
                        .isEqualTo(token));
        await().atMost(TIMING.eventBudget()).until(() -> chartPixels(leaderPage) > 20);
        // A view every 2 s, and the page reads /world every 5 s.
        await().atMost(TIMING.startBudget()).until(() -> text(leaderPage, "last-view").startsWith("tick "));
        assertThat(text(leaderPage, "last-view")).matches("tick [\\d,]+, (just now|\\d+ s ago)");

        List<WebElement> cells = leaderPage.findElements(By.cssSelector("#map .cell"));
        cells.get(5).click();
        await().atMost(TIMING.eventBudget()).until(() -> !leaderPage.findElements(
                By.cssSelector("#area-entities tbody tr.entity-row")).isEmpty());
        assertThat(text(leaderPage, "area-title")).contains("row 1, column 1");
        // An entity listed may die before it is clicked (and its page then says so): click until one lives, and
        // list the area again if every one listed has died (the oldest are listed first, and die first).
        WebElement detail = leaderPage.findElement(By.id("entity-detail"));
        await().atMost(TIMING.startBudget()).ignoreException(StaleElementReferenceException.class).until(() -> {
            for (WebElement row : leaderPage.findElements(By.cssSelector("#area-entities tbody tr.entity-row"))) {
                String id = row.getAttribute("data-id");
                row.click();
                await().atMost(TIMING.eventBudget()).until(() -> detail.getText().contains("Entity " + id)
                        || detail.getText().contains("no entity " + id));
                if (detail.getText().contains("Entity " + id)) {
                    return true;
                }
            }
            cells.get(5).click();
            return false;
        });
        ((JavascriptExecutor) leaderPage).executeScript("window.scrollTo(0, 0)");
        Path shot = ((TakesScreenshot) leaderPage).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, Path.of(System.getProperty("vvmhost.jar")).resolveSibling("inspector.png"),
                StandardCopyOption.REPLACE_EXISTING);
        assertThat(leaderPage.findElement(By.id("entity-detail")).getAttribute("textContent"))
                .contains("physics", "vitality", "health");

        WebDriver standbyPage = browser();
        standbyPage.get(apiB.base() + "/");
        await().atMost(TIMING.eventBudget()).until(() -> text(standbyPage, "role").equals("standby"));
        WebElement banner = standbyPage.findElement(By.id("banner"));
        await().atMost(TIMING.eventBudget()).until(banner::isDisplayed);
        assertThat(banner.getText()).contains("This replica is a standby", "a-" + election);
        assertThat(standbyPage.findElement(By.id("leader-link")).getAttribute("href"))
                .startsWith("http://").endsWith(":" + apiA.base().getPort() + "/");
        assertThat(standbyPage.findElement(By.id("world")).isDisplayed()).isFalse();
    }

    /** Pixels of the tick-rate line (its colour, #2f5d8a) on the chart's canvas. */
    private static long chartPixels(WebDriver page) {
        return (Long) ((JavascriptExecutor) page).executeScript("""
                const canvas = document.getElementById('chart');
                const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                let n = 0;
                for (let i = 0; i < data.length; i += 4) {
                  if (Math.abs(data[i] - 47) < 24 && Math.abs(data[i + 1] - 93) < 24
                      && Math.abs(data[i + 2] - 138) < 24 && data[i + 3] > 200) {
                    n++;
                  }
                }
                return n;
                """);
    }

    private static String text(WebDriver page, String id) {
        return page.findElement(By.id(id)).getText();
    }

    private WebDriver browser() throws Exception {
        WebDriver driver = Browser.start(Files.createTempDirectory(dir, "chromium-profile"), 1440, 1400);
        browsers.add(driver);
        return driver;
    }

    private ApiClient api(HostProcess host) throws InterruptedException {
        return new ApiClient(host.apiUrl(TIMING.startBudget()).orElseThrow(
                () -> new AssertionError("no 'HTTP API listening' line:\n" + host.output())));
    }

    /** A replica of a small world of 3 × 4 areas, three physics simulators and a view every 40 ticks, on loopback. */
    private HostProcess replica(String name) {
        HostProcess host = HostProcess.start(image, List.of("run", "--etcd-endpoints", ETCD.endpoint().toString(),
                "--election", election, "--instance-id", name + "-" + election, "--lease-ttl", "6s",
                "--http-host", "127.0.0.1",
                "--world-entities", "3000", "--world-set", "world.areas.rows=3", "--world-set", "world.areas.cols=4",
                "--world-set", "world.component-sets.physics.simulators=3",
                "--world-set", "world.component-sets.vitality.simulators=1",
                "--world-set", "world.backup-interval=40"));
        started.add(host);
        return host;
    }
}
