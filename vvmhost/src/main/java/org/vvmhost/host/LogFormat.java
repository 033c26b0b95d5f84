package org.vvmhost.host;

/** How the process writes its log to standard output. */
enum LogFormat {
    /** One human-readable line per event. */
    TEXT("logback-text.xml"),
    /** One JSON object per line, for log collectors. */
    JSON("logback-json.xml");

    private final String configResource;

    LogFormat(String configResource) {
        this.configResource = configResource;
    }

    String configResource() {
        return configResource;
    }
}
