package dev.portrait.core.architecture;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one compiled class refers to, read from its constant pool: the classes it names (also inside
 * field and method descriptors) and the methods it calls, as {@code owner.name} pairs. Reading the
 * bytecode rather than the source means comments cannot fool the check and imports cannot hide.
 */
record ClassReferences(String className, Set<String> classes, Set<String> methods) {

    static ClassReferences read(String className, InputStream classFile) throws IOException {
        DataInputStream in = new DataInputStream(classFile);
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException(className + " is not a class file");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        int[] classIndex = new int[count];
        int[][] refs = new int[count][];
        int[][] nameAndType = new int[count][];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1: utf8[i] = in.readUTF(); break;
                case 3: case 4: in.readInt(); break;
                case 5: case 6: in.readLong(); i++; break;
                case 7: classIndex[i] = in.readUnsignedShort(); break;
                case 8: case 16: case 19: case 20: in.readUnsignedShort(); break;
                case 9: case 10: case 11: refs[i] = new int[] {in.readUnsignedShort(), in.readUnsignedShort()}; break;
                case 12: nameAndType[i] = new int[] {in.readUnsignedShort(), in.readUnsignedShort()}; break;
                case 15: in.readUnsignedByte(); in.readUnsignedShort(); break;
                case 17: case 18: in.readUnsignedShort(); in.readUnsignedShort(); break;
                default: throw new IOException(className + ": unknown constant pool tag " + tag + " at " + i);
            }
        }
        Set<String> classes = new LinkedHashSet<>();
        for (int i = 1; i < count; i++) {
            if (classIndex[i] != 0) {
                String name = utf8[classIndex[i]];
                classes.add(name.startsWith("[") ? stripArray(name) : name);
            }
            if (utf8[i] != null) {
                classes.addAll(descriptorTypes(utf8[i]));
            }
        }
        classes.remove(null);
        Set<String> methods = new LinkedHashSet<>();
        for (int i = 1; i < count; i++) {
            if (refs[i] != null) {
                String owner = utf8[classIndex[refs[i][0]]];
                int[] nt = nameAndType[refs[i][1]];
                methods.add(owner + "." + utf8[nt[0]] + utf8[nt[1]]);
            }
        }
        return new ClassReferences(className, classes, methods);
    }

    private static String stripArray(String name) {
        List<String> types = descriptorTypes(name);
        return types.isEmpty() ? null : types.get(0);
    }

    /** Class names inside a descriptor or signature such as {@code (Ljava/net/URL;)V}. */
    static List<String> descriptorTypes(String s) {
        List<String> out = new ArrayList<>();
        int at = 0;
        while ((at = s.indexOf('L', at)) >= 0) {
            int end = s.indexOf(';', at);
            int generic = s.indexOf('<', at);
            if (end < 0) {
                break;
            }
            if (generic >= 0 && generic < end) {
                end = generic;
            }
            String candidate = s.substring(at + 1, end);
            if (candidate.contains("/") && candidate.matches("[A-Za-z0-9_/$]+")) {
                out.add(candidate);
            }
            at = at + 1;
        }
        return out;
    }
}
