package io.identityaudit.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which domains a tenant may point us at. The domain is tenant-supplied and decides where we fetch keys from, so
 * it must never become a way to make the pipeline call an arbitrary host: only Okta's own domains and the
 * custom domains an operator has listed pass, and the check runs before any network call.
 *
 * @param customDomains operator allowlist of custom URL domains, each a lowercase {@code host} or
 *                      {@code host:port}, matched exactly
 */
public record DomainPolicy(Set<String> customDomains) {

    /** Okta's org domains: commercial, preview, EMEA cell and the government clouds. */
    public static final List<String> OKTA_SUFFIXES =
            List.of(".okta.com", ".oktapreview.com", ".okta-emea.com", ".okta-gov.com", ".okta.mil");

    public static final DomainPolicy OKTA_ONLY = new DomainPolicy(Set.of());

    private static final int MAX_DOMAIN_LENGTH = 253;
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9+.-]{0,15}");
    private static final Pattern NUMERIC_LABEL = Pattern.compile("(0x[0-9a-f]*|[0-9]+)");

    public DomainPolicy {
        customDomains = customDomains.stream()
                .map(d -> d.trim().toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    public static DomainPolicy allowing(String... customDomains) {
        return new DomainPolicy(Set.of(customDomains));
    }

    /**
     * Returns why the domain is refused, or empty when it may be used. The domain is compared in lower case, as
     * host names are case-insensitive.
     */
    public Optional<String> violation(String rawDomain) {
        if (rawDomain == null || rawDomain.isBlank()) {
            return Optional.of("the domain is empty");
        }
        if (!rawDomain.equals(rawDomain.strip())) {
            return Optional.of("the domain has leading or trailing white space");
        }
        // Checked before lower-casing: Unicode case folding turns some look-alikes (the Kelvin sign) into ASCII.
        if (!rawDomain.chars().allMatch(c -> c < 0x7f)) {
            return Optional.of("the domain has non-ASCII characters; internationalised look-alikes are refused");
        }
        String domain = rawDomain.toLowerCase(Locale.ROOT);
        if (domain.length() > MAX_DOMAIN_LENGTH) {
            return Optional.of("the domain is longer than " + MAX_DOMAIN_LENGTH + " characters");
        }
        if (domain.contains("://")) {
            String scheme = domain.substring(0, domain.indexOf("://"));
            return Optional.of("the domain includes a scheme ("
                    + (SCHEME.matcher(scheme).matches() ? scheme + "://" : "such as https://")
                    + "); enter the bare domain, e.g. acme.okta.com");
        }
        if (domain.indexOf('/') >= 0 || domain.indexOf('?') >= 0 || domain.indexOf('#') >= 0) {
            return Optional.of("the domain includes a path; enter the bare domain, e.g. acme.okta.com");
        }
        if (customDomains.contains(domain)) {
            return Optional.empty();
        }
        if (domain.indexOf('@') >= 0) {
            return Optional.of("the domain includes user information (@)");
        }
        if (domain.indexOf('%') >= 0) {
            return Optional.of("the domain includes percent-encoding");
        }
        if (domain.startsWith("[") || domain.indexOf(':') >= 0) {
            return Optional.of(domain.startsWith("[") || domain.chars().filter(c -> c == ':').count() > 1
                    ? "the domain is an IP address"
                    : "the domain includes a port; only an allowlisted custom domain may name one");
        }
        if (domain.endsWith(".")) {
            return Optional.of("the domain ends with a dot");
        }
        String[] labels = domain.split("\\.", -1);
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return Optional.of("the domain is not a valid host name");
            }
        }
        if (NUMERIC_LABEL.matcher(labels[labels.length - 1]).matches()) {
            return Optional.of("the domain is an IP address");
        }
        boolean okta = OKTA_SUFFIXES.stream().anyMatch(domain::endsWith);
        if (!okta) {
            return Optional.of("the domain is not an Okta domain (" + String.join(", ", suffixExamples())
                    + ") and not on the operator's custom-domain allowlist");
        }
        return Optional.empty();
    }

    private static List<String> suffixExamples() {
        return OKTA_SUFFIXES.stream().map(s -> "*" + s).toList();
    }
}
