package org.vvmhost.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The inspector: a page served at {@code /} by every replica, and its script and style under {@code /inspector/}. The
 * files are resources of the jar, read once; nothing is built and nothing is fetched from elsewhere. The page reads the
 * API ({@code /status}, {@code /history}, {@code /world}, {@code /world/stream}, ...) like any other client.
 */
final class InspectorRoutes {

    private static final String ROOT = "/org/vvmhost/host/inspector/";
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "inspector.css", "text/css; charset=utf-8",
            "inspector.js", "text/javascript; charset=utf-8",
            "favicon.svg", "image/svg+xml");

    private final Map<String, HttpApi.Reply> files;

    private InspectorRoutes(Map<String, HttpApi.Reply> files) {
        this.files = files;
    }

    /** Reads the files from the jar. */
    static InspectorRoutes load() {
        Map<String, HttpApi.Reply> files = new LinkedHashMap<>();
        FILES.forEach((name, type) -> {
            try (InputStream in = InspectorRoutes.class.getResourceAsStream(ROOT + name)) {
                if (in == null) {
                    throw new IllegalStateException("the inspector's " + name + " is missing from the jar");
                }
                files.put(name, new HttpApi.Reply(200, type, in.readAllBytes(), Map.of()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the inspector's " + name, e);
            }
        });
        return new InspectorRoutes(files);
    }

    List<HttpApi.Route> routes() {
        return List.of(
                HttpApi.Route.get("/", call -> files.get("index.html")),
                HttpApi.Route.get("/inspector/{file}", call -> {
                    HttpApi.Reply file = files.get(call.parameters().get("file"));
                    return file != null ? file : HttpApi.Reply.error(404, "not_found", "the inspector has no file '"
                            + call.parameters().get("file") + "'; it has " + files.keySet());
                }));
    }
}
