package org.layerswap.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in real headless Chromium against a running appliance: log in, watch it update,
 * act through it, and keep a screenshot (target/screenshots/) as the test's artifact.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING) // the dashboard login first, before the console's Basic credentials are cached
public class DashboardBrowserIT {

    private static final File CHROMIUM = new File("/usr/bin/chromium");
    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");

    private static RunningAppliance appliance;
    private static WebDriver browser;

    @BeforeClass
    public static void startApplianceAndBrowser() throws Exception {
        if (!CHROMIUM.canExecute() || !CHROMEDRIVER.canExecute()) {
            throw new IllegalStateException("browser tests need Debian's chromium and chromium-driver "
                    + "(apt-get install chromium chromium-driver; .ci/run installs them)");
        }
        appliance = RunningAppliance.start();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1400,1100", "--user-data-dir=" + Files.createTempDirectory("chromium-profile"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterClass
    public static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (appliance != null) {
            appliance.close();
        }
    }

    private static int scored(WebDriver d) {
        String text = d.findElement(By.id("scored-count")).getText().trim();
        return text.matches("\\d+") ? Integer.parseInt(text) : -1;
    }

    /** The text of the row of table {@code id} whose cells mention {@code needle} ("" when none), cells joined by a space. */
    /** The text of the first row of table {@code id} mentioning {@code needle}, read in one script: the panels re-render every 2 s. */
    private static void bindFromForm(WebDriver browser, String function, String param, String value, String reference) {
        for (String[] field : new String[][] {{"bind-function", function}, {"bind-param", param}, {"bind-value", value},
                {"bind-reference", reference}}) {
            WebElement input = browser.findElement(By.id(field[0]));
            input.clear();
            input.sendKeys(field[1]);
        }
        browser.findElement(By.id("bind-run")).click();
    }

    private static String rowOf(WebDriver d, String id, String needle) {
        Object row = ((org.openqa.selenium.JavascriptExecutor) d).executeScript(
                "for (const tr of document.querySelectorAll('#' + arguments[0] + ' tbody tr')) {"
                        + " const t = Array.from(tr.cells).map(c => c.textContent.trim()).join(' ');"
                        + " if (t.includes(arguments[1])) return t.trim(); } return '';", id, needle);
        return row == null ? "" : row.toString();
    }

    /**
     * The Felix/Karaf web console's configuration page for org.layerswap.swap shows our Metatype form
     * (field names and descriptions), not the generic form built from raw values.
     */
    @Test
    public void webConsoleConfigurationPageShowsOurMetatypeForm() throws Exception {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        // the Karaf console authenticates with HTTP Basic against the JAAS realm
        browser.get(appliance.url("/system/console/configMgr/org.layerswap.swap").replace("http://", "http://karaf:" + appliance.adminPassword() + "@"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"),
                "Score at or above which a layer is prefetched (threshold)"));
        String page = browser.findElement(By.tagName("body")).getText();
        for (String expected : new String[] {"LayerSwap swap manager", "Max concurrent prefetches",
                "Prefetches running at once (maxConcurrentPrefetches)", "Candidate limit", "Compose ahead"}) {
            assertTrue("the console's form lacks '" + expected + "':\n" + page, page.contains(expected));
        }
        assertTrue(page, !page.contains("no property descriptors"));
        Path shots = Path.of("target/screenshots");
        Files.createDirectories(shots);
        Path saved = shots.resolve("console-config-swap.png");
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), saved, StandardCopyOption.REPLACE_EXISTING);
        assertTrue("screenshot is empty", Files.size(saved) > 10_000);
    }

    @Test
    public void operatorLogsInSeesLiveDataActsAndGetsAScreenshot() throws Exception {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        browser.get(appliance.url("/layerswap/"));
        wait.until(ExpectedConditions.urlContains("/layerswap/login"));

        browser.findElement(By.id("username")).sendKeys("karaf");
        browser.findElement(By.id("password")).sendKeys("wrong");
        browser.findElement(By.id("login-submit")).click();
        wait.until(ExpectedConditions.textToBe(By.id("login-error"), "Wrong user name or password."));

        browser.findElement(By.id("username")).clear();
        browser.findElement(By.id("username")).sendKeys("karaf");
        browser.findElement(By.id("password")).sendKeys(appliance.adminPassword());
        browser.findElement(By.id("login-submit")).click();
        wait.until(ExpectedConditions.textToBe(By.id("user"), "karaf (admin)"));

        // live: the dashboard polls every 2 s and shows when it last heard from the appliance
        wait.until(ExpectedConditions.textMatches(By.id("updated"), java.util.regex.Pattern.compile("updated .+")));
        String first = browser.findElement(By.id("updated")).getText();
        wait.until(d -> !d.findElement(By.id("updated")).getText().equals(first));
        assertNotEquals(first, browser.findElement(By.id("updated")).getText());

        // the services table lists what is registered, e.g. the layout layer source
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("services-table"), "LayerStore"));

        // events flow (the built-in demo workload): the number of scored layers grows on screen
        wait.until(d -> scored(d) > 0);
        int before = scored(browser);
        wait.until(d -> scored(d) > before);

        // switch the predictor from the page; the card follows
        new Select(browser.findElement(By.id("predictor-select"))).selectByValue("histogram");
        browser.findElement(By.id("predictor-use")).click();
        wait.until(ExpectedConditions.textToBe(By.id("message"), "Predictor set to histogram"));
        wait.until(ExpectedConditions.textToBe(By.id("predictor-active"), "histogram"));

        // an action through the REST API (with the page's CSRF token)
        new Select(browser.findElement(By.id("backend-select"))).selectByValue("auto");
        browser.findElement(By.id("backend-use")).click();
        wait.until(ExpectedConditions.textToBe(By.id("message"), "Backend set to auto"));

        // a bad input is refused with a reason, not a stack trace
        browser.findElement(By.id("threshold-input")).sendKeys("7");
        browser.findElement(By.id("threshold-set")).click();
        wait.until(ExpectedConditions.attributeContains(By.id("message"), "class", "error"));
        String error = browser.findElement(By.id("message")).getText();
        assertTrue(error, error.contains("outside [0,1]") || error.contains("no swap manager is running"));

        // an experiment started and stopped from the page
        browser.findElement(By.id("experiment-start")).click();
        wait.until(ExpectedConditions.textMatches(By.id("message"), java.util.regex.Pattern.compile("Experiment .+ started")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("experiment-report"), "verdict: "));
        browser.findElement(By.id("experiment-stop")).click();
        wait.until(ExpectedConditions.textMatches(By.id("message"), java.util.regex.Pattern.compile("Experiment stopped: .+")));

        // a replay triggered from the page runs in the appliance; its headline and chart appear
        WebElement trace = browser.findElement(By.id("replay-trace"));
        trace.clear();
        trace.sendKeys("synthetic:days=0.5,functions=30,seed=3");
        browser.findElement(By.id("replay-run")).click();
        wait.until(ExpectedConditions.textMatches(By.id("message"), java.util.regex.Pattern.compile("Replay #\\d+ queued")));
        new WebDriverWait(browser, Duration.ofSeconds(120)).until(
                ExpectedConditions.textToBePresentInElementLocated(By.id("replay-headline"), "oracle-clairvoyant"));
        wait.until(d -> (Boolean) ((org.openqa.selenium.JavascriptExecutor) d).executeScript(
                "const i = document.getElementById('replay-chart'); return !i.hidden && i.complete && i.naturalWidth > 100;"));

        // the prefetch queue: a real prefetch, held in flight (its blob is a pipe), then finished
        final String heldDigest;
        try (HeldLayerImage image = HeldLayerImage.create(appliance.home.resolve("data/images"), "itest/fn-dash:1", "dash")) {
            String added = appliance.client("layerswap:function-add fn-dash itest/fn-dash:1");
            assertTrue(added, added.contains("Function fn-dash -> itest/fn-dash:1 (2 layers)"));
            String prefetch = appliance.client("layerswap:prefetch fn-dash");
            assertTrue(prefetch, prefetch.contains("Prefetching ") && prefetch.contains(image.held.shortForm()));
            String held = image.held.shortForm();
            heldDigest = image.held.toString();
            wait.until(d -> rowOf(d, "inflight-table", held).matches("\\d+ " + held + " fn-dash PREFETCH 1\\.000 fetching [\\d.]+ ms \\d+ B"));
            String waited = rowOf(browser, "inflight-table", held);
            wait.until(d -> !rowOf(d, "inflight-table", held).equals(waited)); // waited-so-far counts up live
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("prefetch-budget"),
                    "Bandwidth budget 1.50x LRU's bytes · ")); // etc/'s fetchBudgetVsLru, through /api/prefetches
            WebElement panel = browser.findElement(By.id("prefetch-panel"));
            ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView();", panel);
            Path panelShot = Path.of("target/screenshots/dashboard-prefetch-queue.png");
            Files.createDirectories(panelShot.getParent());
            Files.copy(panel.getScreenshotAs(OutputType.FILE).toPath(), panelShot, StandardCopyOption.REPLACE_EXISTING);

            image.release(30, java.util.concurrent.TimeUnit.SECONDS);
            try {
                wait.until(d -> rowOf(d, "inflight-table", held).isEmpty()
                        && rowOf(d, "prefetches-table", held).matches("\\d+ " + held + " fn-dash PREFETCH 1\\.000 SUCCEEDED [\\d.]+ ms \\d+ B"));
            } catch (org.openqa.selenium.TimeoutException e) { // say what the tables showed (one CI run timed out here)
                throw new AssertionError("the released prefetch of " + held + ": in flight '" + rowOf(browser, "inflight-table", held)
                        + "', finished '" + rowOf(browser, "prefetches-table", held) + "'; /api/prefetches: "
                        + appliance.client("layerswap:prefetches -n 5"), e);
            }
        }

        // executions: a real busybox-static image, invoked from the dashboard's form, runs in its sandbox
        org.layerswap.oci.format.OciLayoutWriter w = org.layerswap.oci.format.OciLayoutWriter.create(appliance.home.resolve("data/images"));
        w.addImage("itest/fn-run:1", java.util.List.of(org.layerswap.demo.images.SampleImages.base(w),
                org.layerswap.demo.images.SampleImages.handler(w, "fn-run")), org.layerswap.demo.images.SampleImages.HANDLER_CONFIG);
        String runAdded = appliance.client("layerswap:function-add fn-run itest/fn-run:1");
        assertTrue(runAdded, runAdded.contains("Function fn-run -> itest/fn-run:1 (2 layers)"));
        browser.findElement(By.id("invoke-function")).sendKeys("fn-run");
        browser.findElement(By.id("invoke-params")).sendKeys("user=5");
        browser.findElement(By.id("invoke-run")).click();
        new WebDriverWait(browser, Duration.ofSeconds(60)).until(
                ExpectedConditions.textToBePresentInElementLocated(By.id("invoke-output"), "SUCCEEDED (exit 0)"));
        String output = browser.findElement(By.id("invoke-output")).getText();
        assertTrue(output, output.contains("start fn-run") && output.contains("params {\"user\":\"5\"}"));
        wait.until(d -> !rowOf(d, "executions-table", "fn-run").isEmpty());
        String execRow = rowOf(browser, "executions-table", "fn-run");
        assertTrue(execRow, execRow.matches("\\d+ fn-run SUCCEEDED \\(0\\) [12] [\\d.]+ ms .*"));
        WebElement executions = browser.findElement(By.id("executions-panel"));
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView();", executions);
        Path execShot = Path.of("target/screenshots/dashboard-executions.png");
        Files.copy(executions.getScreenshotAs(OutputType.FILE).toPath(), execShot, StandardCopyOption.REPLACE_EXISTING);

        // data layer bindings: bound from the form (fn-dash's held layer, by digest, for fn-run's dataset=a), listed,
        // refused with the reason for an unknown function, unbound with the row's button
        bindFromForm(browser, "fn-nope", "dataset", "a", heldDigest);
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(
                ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "unknown function 'fn-nope'; defined functions: "));
        bindFromForm(browser, "fn-run", "dataset", "a", heldDigest);
        String shortHeld = heldDigest.substring("sha256:".length(), "sha256:".length() + 12);
        wait.until(d -> rowOf(d, "bindings-table", "fn-run").equals("fn-run dataset a " + heldDigest + " " + shortHeld + " Unbind"));
        String listed = appliance.client("layerswap:bindings fn-run");
        assertTrue(listed, listed.startsWith("1 data layer binding(s) of fn-run"));
        WebElement bindings = browser.findElement(By.id("bindings-panel"));
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView();", bindings);
        Files.copy(bindings.getScreenshotAs(OutputType.FILE).toPath(), Path.of("target/screenshots/dashboard-bindings.png"),
                StandardCopyOption.REPLACE_EXISTING);
        browser.findElement(By.xpath("//table[@id='bindings-table']//tr[td[1]='fn-run']//button[text()='Unbind']")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(
                ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "Unbound fn-run: dataset=a"));
        wait.until(d -> rowOf(d, "bindings-table", "fn-run").isEmpty());
        String none = appliance.client("layerswap:bindings fn-run");
        assertTrue(none, none.startsWith("0 data layer binding(s) of fn-run"));

        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0);");
        Path shots = Path.of("target/screenshots");
        Files.createDirectories(shots);
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Path saved = shots.resolve("dashboard.png");
        Files.copy(shot.toPath(), saved, StandardCopyOption.REPLACE_EXISTING);
        assertTrue("screenshot is empty", Files.size(saved) > 10_000);
        assertEquals("LayerSwap dashboard", browser.getTitle());
    }
}
