package dev.portrait.core.definition;

/** The JSON type a declared event property must have. */
public enum PropertyType {
    STRING, NUMBER, INTEGER, BOOLEAN, OBJECT, ARRAY, ANY
}
