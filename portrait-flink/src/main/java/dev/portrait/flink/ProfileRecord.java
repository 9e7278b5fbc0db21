package dev.portrait.flink;

/**
 * One record of the {@code profiles} topic: key the profile id, value the {@code ProfileView} JSON
 * (null: a tombstone, the profile was merged away), and in headers the profile's binary form and its
 * identifiers, so a reader can render it again at its own "now" (windows expire, decays apply).
 */
public class ProfileRecord {
    public static final String PROFILE_HEADER = "portrait-profile";
    public static final String IDENTIFIERS_HEADER = "portrait-identifiers";

    public String profileId;
    public byte[] view;
    public byte[] profile;
    public byte[] identifiers;

    public ProfileRecord() {
    }

    public ProfileRecord(String profileId, byte[] view, byte[] profile, byte[] identifiers) {
        this.profileId = profileId;
        this.view = view;
        this.profile = profile;
        this.identifiers = identifiers;
    }
}
