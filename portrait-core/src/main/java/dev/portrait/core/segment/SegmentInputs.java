package dev.portrait.core.segment;

/**
 * The values a segment condition reads. Features are asked for by their index in the definition,
 * traits by name; {@code null} means "no value", which makes any comparison with it an error and
 * the segment's condition false (unless an {@code ||} or {@code &&} decides without it, as in CEL).
 */
public interface SegmentInputs {
    Object feature(int index);

    Object trait(String name);
}
