package io.identityaudit.anomaly;

import java.util.List;
import java.util.Locale;

/** Recognises the user agents of scripts and HTTP libraries, which a chat widget in a browser never sends. */
final class UserAgents {

    /** Prefixes of the default User-Agent of common HTTP tools and libraries, in lower case. */
    private static final List<String> SCRIPTS = List.of("curl/", "wget/", "python-requests/", "python-urllib/",
            "python-httpx/", "aiohttp/", "go-http-client/", "okhttp/", "java/", "java-http-client/",
            "apache-httpclient/", "libwww-perl/", "httpie/", "axios/", "node-fetch/", "undici", "powershell/",
            "postmanruntime/", "insomnia/", "ruby", "php/");

    private UserAgents() {
    }

    static boolean isScript(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            return false;
        }
        String lower = userAgent.strip().toLowerCase(Locale.ROOT);
        return SCRIPTS.stream().anyMatch(lower::startsWith) || lower.contains("mozilla/5.0 (windows nt; windows nt")
                || lower.contains("windowspowershell");
    }
}
