package org.layerswap.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileCheckTest {

    @interface Sample {
        String name() default "demo";

        int size() default 4;

        long windowMillis() default 60_000;

        double share() default 0.5;

        boolean enabled() default true;

        String _password() default "";

        String source_target() default "(name=*)";

        String my$_$key() default "x";
    }

    @interface Part {
        int size() default 4;
    }

    @interface WrongPart {
        long size() default 4;

        String other() default "";
    }

    @TempDir
    Path dir;

    private Path cfg(String text) throws IOException {
        return Files.writeString(dir.resolve("org.example.cfg"), text);
    }

    private static final String GOOD = """
            # comment
            name = demo
            size = 4
            windowMillis = 60000
            share = 0.50
            enabled = true
            .password =
            source.target = (name=*)
            my-key = x
            """;

    @Test
    void propertyNamesFollowTheDsMapping() throws NoSuchMethodException {
        assertEquals(".password", ConfigFileCheck.propertyName(Sample.class.getMethod("_password")));
        assertEquals("source.target", ConfigFileCheck.propertyName(Sample.class.getMethod("source_target")));
        assertEquals("my-key", ConfigFileCheck.propertyName(Sample.class.getMethod("my$_$key")));
    }

    @Test
    void aFileDocumentingEveryAttributeWithItsDefaultHasNoProblems() throws IOException {
        assertEquals(List.of(), ConfigFileCheck.problems(cfg(GOOD), Sample.class));
    }

    @Test
    void unknownKeysMissingAttributesWrongDefaultsAndBadValuesAreEachNamed() throws IOException {
        Path c = cfg(GOOD.replace("size = 4", "sise = 4").replace("share = 0.50", "share = 0.6")
                .replace("enabled = true", "enabled = yes").replace("my-key = x\n", ""));
        List<String> problems = ConfigFileCheck.problems(c, Sample.class);
        assertEquals(5, problems.size(), problems.toString());
        String all = String.join("\n", problems);
        assertTrue(all.contains("'sise' is no attribute"), all);
        assertTrue(all.contains("'size' of " + Sample.class.getName() + " is not documented"), all);
        assertTrue(all.contains("'my-key' of " + Sample.class.getName() + " is not documented"), all);
        assertTrue(all.contains("'share' documents 0.6 but the default is 0.5"), all);
        assertTrue(all.contains("'enabled' = 'yes' is not a valid boolean"), all);
        AssertionError e = assertThrows(AssertionError.class, () -> ConfigFileCheck.assertNoProblems(problems));
        assertTrue(e.getMessage().startsWith("5 problem(s)"), e.getMessage());
    }

    @Test
    void deliberateShippedValuesMustBeExactlyTheDeclaredOnes() throws IOException {
        Path c = cfg(GOOD.replace("size = 4", "size = 8") + "store.target = (name=layout)\n");
        assertEquals(List.of(), ConfigFileCheck.problems(c, Sample.class, Map.of("size", "8", "store.target", "(name=layout)")));
        List<String> problems = ConfigFileCheck.problems(c, Sample.class, Map.of("size", "9", "other.target", "(x=1)"));
        assertEquals(3, problems.size(), problems.toString());
        String all = String.join("\n", problems);
        assertTrue(all.contains("'size' should ship as '9' but is '8'"), all);
        assertTrue(all.contains("'other.target' should ship as '(x=1)' but is 'null'"), all);
        assertTrue(all.contains("key 'store.target' is no attribute"), all);
    }

    @Test
    void aComponentReadingASharedPidMustMatchTheFormItReadsFrom() {
        assertEquals(List.of(), ConfigFileCheck.subsetProblems(Part.class, Sample.class));
        List<String> problems = ConfigFileCheck.subsetProblems(WrongPart.class, Sample.class);
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("'other' is not on the form"), problems.toString());
        assertTrue(problems.get(1).contains("'size' is long default 4 but the form says int default 4"), problems.toString());
    }

    @Test
    void anInstanceTakesTheGivenValuesTypedAndTheDefaultsForTheRest() throws IOException {
        Sample s = ConfigFileCheck.instance(Sample.class, Map.of("size", "7", "source.target", "(name=a)"));
        assertEquals(7, s.size());
        assertEquals("(name=a)", s.source_target());
        assertEquals("demo", s.name());
        assertEquals(0.5, s.share());
        assertEquals(4, ConfigFileCheck.instance(Sample.class, cfg(GOOD)).size());
    }

    @Test
    void anInstanceRejectsUnknownKeysAndBadValuesByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigFileCheck.instance(Sample.class, Map.of("nope", "1")));
        assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConfigFileCheck.instance(Sample.class, Map.of("size", "four")));
        assertTrue(e.getMessage().contains("'size' = 'four'"), e.getMessage());
    }

    record SampleDefaults(int size, long windowMillis, java.nio.file.Path name, double share, String unrelated) {
    }

    @interface Seconds {
        long windowSeconds() default 60;

        int size() default 4;
    }

    record Unrelated(int other) {
    }

    @Test
    void aDefaultsRecordMustEqualTheAttributeDefaultsOfTheSameName() {
        assertEquals(List.of(), ConfigFileCheck.defaultsProblems(Sample.class,
                new SampleDefaults(4, 60_000L, java.nio.file.Path.of("demo"), 0.5, "ignored")));
        List<String> problems = ConfigFileCheck.defaultsProblems(Sample.class,
                new SampleDefaults(5, 60_000L, java.nio.file.Path.of("demo"), 0.25, "ignored"));
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("SampleDefaults.size is 5 but"), problems.toString());
        assertTrue(problems.get(1).contains("SampleDefaults.share is 0.25 but"), problems.toString());
    }

    @Test
    void aMillisComponentMatchesASecondsAttribute() {
        assertEquals(List.of(), ConfigFileCheck.defaultsProblems(Seconds.class, new SampleDefaults(4, 60_000L, null, 0, "")));
        List<String> problems = ConfigFileCheck.defaultsProblems(Seconds.class, new SampleDefaults(4, 6_000L, null, 0, ""));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("windowMillis is 6000 but"), problems.toString());
    }

    @Test
    void aRecordSharingNoNameIsAProblemNotAnEmptyPass() {
        List<String> problems = ConfigFileCheck.defaultsProblems(Sample.class, new Unrelated(1));
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).contains("shares no attribute"), problems.toString());
    }
}
