package dev.portrait.store;

/**
 * What {@link PortraitStore#purgeExpired} deleted.
 *
 * @param dedupIds    message ids older than the dedup window
 * @param changes     changelog entries older than the changelog retention
 * @param quarantined quarantined events older than the quarantine retention
 */
public record PurgeReport(long dedupIds, long changes, long quarantined) {
}
