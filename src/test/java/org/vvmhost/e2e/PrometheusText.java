package org.vvmhost.e2e;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A scrape parsed by the Prometheus project's own text-format parser, that of its Python client
 * ({@code prometheus_client.parser}; Debian: {@code apt-get install python3-prometheus-client}): no well-kept Java
 * parser of the text format exists. The parser rejects a malformed exposition; the families come back typed.
 */
final class PrometheusText {

    /** Set to 1 (CI does) to fail instead of skipping when the parser is missing. */
    static final String REQUIRE = "VVM_REQUIRE_PROMETHEUS_PARSER";

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    private static final String SCRIPT = String.join("\n",
            "import json, sys",
            "from prometheus_client.parser import text_string_to_metric_families",
            "families = [{'name': f.name, 'type': f.type, 'samples': [",
            "    {'name': s.name, 'labels': s.labels, 'value': s.value} for s in f.samples]}",
            "    for f in text_string_to_metric_families(sys.stdin.read())]",
            "json.dump(families, sys.stdout)");

    /** One sample: its full name ({@code _total}, {@code _bucket}...), labels and value. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    /** One metric family as the parser names it (a counter's without {@code _total}), with its type. */
    record Family(String name, String type, List<Sample> samples) {
    }

    private final Map<String, Family> families;

    private PrometheusText(Map<String, Family> families) {
        this.families = families;
    }

    /** The interpreter that has the parser, if this machine has one. */
    static Optional<String> interpreter() {
        for (String python : List.of("/usr/bin/python3", "python3")) {
            try {
                Process check = new ProcessBuilder(python, "-c", "import prometheus_client.parser")
                        .redirectErrorStream(true).start();
                check.getInputStream().readAllBytes();
                if (check.waitFor(30, TimeUnit.SECONDS) && check.exitValue() == 0) {
                    return Optional.of(python);
                }
            } catch (IOException e) {
                // Not this one.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * Parses {@code exposition}.
     *
     * @throws IllegalArgumentException with the parser's message if the text is not valid
     */
    static PrometheusText parse(String python, String exposition) throws IOException, InterruptedException {
        Process parser = new ProcessBuilder(python, "-c", SCRIPT).start();
        parser.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
        parser.getOutputStream().close();
        byte[] out = parser.getInputStream().readAllBytes();
        String err = new String(parser.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!parser.waitFor(30, TimeUnit.SECONDS) || parser.exitValue() != 0) {
            throw new IllegalArgumentException("the Prometheus parser rejected the exposition: " + err);
        }
        Map<String, Family> families = new LinkedHashMap<>();
        for (JsonNode family : JSON.readTree(out)) {
            List<Sample> samples = new ArrayList<>();
            for (JsonNode sample : family.get("samples")) {
                Map<String, String> labels = new LinkedHashMap<>();
                sample.get("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
                samples.add(new Sample(sample.get("name").asText(), labels, sample.get("value").asDouble()));
            }
            families.put(family.get("name").asText(), new Family(family.get("name").asText(),
                    family.get("type").asText(), samples));
        }
        return new PrometheusText(families);
    }

    Map<String, Family> families() {
        return families;
    }

    Optional<Family> family(String name) {
        return Optional.ofNullable(families.get(name));
    }

    /** The value of the sample named {@code name} whose labels include {@code labels}. */
    Optional<Double> value(String name, Map<String, String> labels) {
        return families.values().stream().flatMap(f -> f.samples().stream())
                .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
                .map(Sample::value).findFirst();
    }

    Optional<Double> value(String name) {
        return value(name, Map.of());
    }
}
