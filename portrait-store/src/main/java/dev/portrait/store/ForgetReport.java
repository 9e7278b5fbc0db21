package dev.portrait.store;

/**
 * What {@link PortraitStore#forgetProfile} deleted.
 *
 * @param profile         whether a stored profile was deleted
 * @param identifiers     identifiers taken off the identity indexes
 * @param dataKeys        data keys shredded (the profile's and the subjects' that existed)
 * @param quarantined     quarantined events deleted because they mention one of the person's identifiers
 */
public record ForgetReport(boolean profile, int identifiers, int dataKeys, int quarantined) {
}
