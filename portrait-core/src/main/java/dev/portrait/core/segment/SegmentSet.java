package dev.portrait.core.segment;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.portrait.core.definition.DefinitionException;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.definition.SegmentSpec;
import dev.portrait.core.definition.TraitSpec;
import dev.portrait.core.feature.Feature;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A definition's segments, compiled once.
 *
 * <p>Each condition is CEL ({@code dev.cel:cel}), parsed and type-checked against the declared
 * traits ({@code traits.plan}: string) and features ({@code features.views_24h}: int,
 * {@code features.interest_category}: map(string, double), …) when the definition loads, so a typo
 * or a type error fails the load with the segment's path. CEL is sandboxed: an expression can only
 * read the values it is given.
 *
 * <p>Why two evaluators. The CEL runtime costs a few microseconds per evaluation here, more than the
 * whole rest of an event's update; segments are re-evaluated after every event that touches their
 * inputs. So the checked AST of each condition is also compiled into a small tree of Java nodes
 * ({@link FastCondition}) covering what segment conditions use: literals, the variables,
 * arithmetic, comparisons, {@code && || !}, {@code ?:}, {@code size}, {@code in} and map access.
 * Conditions outside that subset run on the CEL runtime. A property test checks that both
 * evaluators agree on random inputs, errors included: CEL's rule that {@code &&} and {@code ||}
 * absorb an error when the other side decides is kept, and a condition that ends in an error (a
 * missing trait, a division by zero) counts as false.
 */
public final class SegmentSet {
    private static final Pattern REFERENCE = Pattern.compile("(?<![A-Za-z0-9_.])(features|traits)\\.([A-Za-z_][A-Za-z0-9_]*)");
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

    private final List<SegmentSpec> specs;
    private final List<Compiled> compiled;
    /** What the segments were compiled against, kept so ad-hoc conditions ({@link #condition}) see the same names. */
    private final ProfileDefinition definition;
    private final CelCompiler compiler;
    private final Map<String, Variable> variables;

    private SegmentSet(List<SegmentSpec> specs, List<Compiled> compiled, ProfileDefinition definition,
                       CelCompiler compiler, Map<String, Variable> variables) {
        this.specs = List.copyOf(specs);
        this.compiled = List.copyOf(compiled);
        this.definition = definition;
        this.compiler = compiler;
        this.variables = Map.copyOf(variables);
    }

    /** A variable a condition reads: a feature (by index) or a trait (by name). */
    record Variable(String celName, int featureIndex, String traitName) {
        Object read(SegmentInputs in) {
            return featureIndex >= 0 ? in.feature(featureIndex) : in.trait(traitName);
        }
    }

    private record Compiled(CelRuntime.Program program, FastCondition fast, List<Variable> variables,
                            BitSet featureInputs, Set<String> traitInputs) {
    }

    /**
     * Compiles and type-checks every segment of a definition.
     *
     * @throws DefinitionException naming {@code segments[i].when} and the problem
     */
    public static SegmentSet compile(ProfileDefinition def) {
        Map<String, Variable> variables = new HashMap<>();
        CelCompilerBuilder builder = CelCompilerFactory.standardCelCompilerBuilder();
        for (int i = 0; i < def.features().size(); i++) {
            Feature<?> f = def.features().get(i);
            String name = "features." + f.name();
            builder.addVar(name, celType(f));
            variables.put(name, new Variable(name, i, null));
        }
        for (TraitSpec t : def.traits().values()) {
            String name = "traits." + t.name();
            builder.addVar(name, celType(t));
            variables.put(name, new Variable(name, -1, t.name()));
        }
        CelCompiler compiler = builder.build();
        List<Compiled> out = new ArrayList<>();
        for (SegmentSpec s : def.segments()) {
            out.add(compileOne(def, s.when(), s.path() + ".when", compiler, variables));
        }
        return new SegmentSet(def.segments(), out, def, compiler, variables);
    }

    /**
     * Compiles a condition that is not one of the definition's segments (an audience's {@code where}) against
     * the same traits and features, with the same checks and the same two evaluators.
     *
     * @param path where the condition sits in its input, for the error
     * @throws DefinitionException naming {@code path} when it does not compile or is not a condition
     */
    public Condition condition(String when, String path) {
        if (when == null || when.isBlank()) {
            throw new DefinitionException(path, "is empty; give a CEL condition over traits and features");
        }
        return new Condition(when, compileOne(definition, when, path, compiler, variables));
    }

    /** A compiled ad-hoc condition (see {@link #condition}). Immutable and thread-safe. */
    public static final class Condition {
        private final String source;
        private final Compiled compiled;

        private Condition(String source, Compiled compiled) {
            this.source = source;
            this.compiled = compiled;
        }

        /** Whether a profile with these inputs meets the condition; an evaluation error counts as no. */
        public boolean test(SegmentInputs in) {
            Object r = compiled.fast() != null ? compiled.fast().eval(in) : evaluateWithCel(compiled, in);
            return Boolean.TRUE.equals(r);
        }

        /** The features (by index) the condition reads; do not modify. */
        public BitSet featureInputs() {
            return compiled.featureInputs();
        }

        public String source() {
            return source;
        }
    }

    private static Compiled compileOne(ProfileDefinition def, String when, String path, CelCompiler compiler,
                                       Map<String, Variable> variables) {
        List<Variable> used = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        Matcher m = REFERENCE.matcher(when);
        while (m.find()) {
            String full = m.group(1) + "." + m.group(2);
            Variable v = variables.get(full);
            if (v == null) {
                boolean feature = m.group(1).equals("features");
                Set<String> known = new TreeSet<>();
                if (feature) {
                    def.features().forEach(f -> known.add(f.name()));
                } else {
                    known.addAll(def.traits().keySet());
                }
                throw new DefinitionException(path, "unknown " + (feature ? "feature" : "trait") + " '" + m.group(2)
                        + "' (declared: " + String.join(", ", known) + ")");
            }
            if (seen.add(full)) {
                used.add(v);
            }
        }
        CelValidationResult result = compiler.compile(when);
        if (result.hasError()) {
            throw new DefinitionException(path, "does not compile: " + result.getErrorString().replace('\n', ' ')
                    .replaceAll(" +", " "));
        }
        CelAbstractSyntaxTree ast;
        try {
            ast = result.getAst();
        } catch (Exception e) {
            throw new DefinitionException(path, "does not compile: " + e.getMessage());
        }
        if (!ast.getResultType().equals(SimpleType.BOOL)) {
            throw new DefinitionException(path, "must be a condition (bool), but \"" + when + "\" is "
                    + ast.getResultType().name());
        }
        CelRuntime.Program program;
        try {
            program = RUNTIME.createProgram(ast);
        } catch (Exception e) {
            throw new DefinitionException(path, "cannot be planned: " + e.getMessage());
        }
        BitSet featureInputs = new BitSet();
        Set<String> traitInputs = new LinkedHashSet<>();
        for (Variable v : used) {
            if (v.featureIndex() >= 0) {
                featureInputs.set(v.featureIndex());
            } else {
                traitInputs.add(v.traitName());
            }
        }
        FastCondition fast = FastCondition.compile(ast, variables);
        return new Compiled(program, fast, used, featureInputs, traitInputs);
    }

    static CelType celType(Feature<?> f) {
        switch (f.valueType()) {
            case INT:
            case TIMESTAMP:
                return SimpleType.INT;
            case DOUBLE:
                return SimpleType.DOUBLE;
            case SCORES:
            case STATS:
                return MapType.create(SimpleType.STRING, SimpleType.DOUBLE);
            case STRING_LIST:
                return ListType.create(SimpleType.STRING);
            case ENTRIES:
                return ListType.create(MapType.create(SimpleType.STRING, SimpleType.DYN));
            default:
                throw new IllegalStateException("no CEL type for " + f.valueType());
        }
    }

    static CelType celType(TraitSpec t) {
        switch (t.type()) {
            case STRING: return SimpleType.STRING;
            case NUMBER: return SimpleType.DOUBLE;
            case INTEGER: return SimpleType.INT;
            case BOOLEAN: return SimpleType.BOOL;
            default: throw new IllegalStateException("no CEL type for " + t.type());
        }
    }

    public int size() {
        return specs.size();
    }

    public String name(int segment) {
        return specs.get(segment).name();
    }

    public SegmentSpec spec(int segment) {
        return specs.get(segment);
    }

    /** The index of a segment by name, or -1. */
    public int indexOf(String name) {
        for (int i = 0; i < specs.size(); i++) {
            if (specs.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The features (by index) a segment's condition reads; do not modify. */
    public BitSet featureInputs(int segment) {
        return compiled.get(segment).featureInputs();
    }

    /** The traits a segment's condition reads. */
    public Set<String> traitInputs(int segment) {
        return compiled.get(segment).traitInputs();
    }

    /** Whether the segment runs on the Java fast path (true) or the CEL runtime (false). */
    public boolean isFast(int segment) {
        return compiled.get(segment).fast() != null;
    }

    /** Whether a profile with these inputs is in the segment; an evaluation error counts as no. */
    public boolean evaluate(int segment, SegmentInputs in) {
        Compiled c = compiled.get(segment);
        Object r = c.fast() != null ? c.fast().eval(in) : evaluateWithCel(c, in);
        return Boolean.TRUE.equals(r);
    }

    /** The fast path's raw result (Boolean or {@link FastCondition#ERROR}); for tests. */
    Object evaluateFast(int segment, SegmentInputs in) {
        FastCondition f = compiled.get(segment).fast();
        if (f == null) {
            throw new IllegalStateException(name(segment) + " has no fast path");
        }
        return f.eval(in);
    }

    /** The CEL runtime's result (Boolean or {@link FastCondition#ERROR}); for tests. */
    Object evaluateWithCel(int segment, SegmentInputs in) {
        return evaluateWithCel(compiled.get(segment), in);
    }

    private static Object evaluateWithCel(Compiled c, SegmentInputs in) {
        Map<String, Object> activation = new HashMap<>();
        for (Variable v : c.variables()) {
            Object value = v.read(in);
            if (value != null) {
                activation.put(v.celName(), value);
            }
        }
        try {
            Object r = c.program().eval(activation);
            return r instanceof Boolean ? r : FastCondition.ERROR;
        } catch (CelEvaluationException | RuntimeException e) {
            return FastCondition.ERROR;
        }
    }
}
