package dev.portrait.flink;

/** A record for the change and transition topics: key the profile id, value JSON. */
public class KeyedJson {
    public String key;
    public byte[] value;

    public KeyedJson() {
    }

    public KeyedJson(String key, byte[] value) {
        this.key = key;
        this.value = value;
    }
}
