package dev.portrait.core.account;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.portrait.core.definition.AccountSpecs;
import dev.portrait.core.definition.DefinitionException;
import dev.portrait.core.definition.SegmentSpec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The definition's account segments, compiled and type-checked once: CEL over
 * {@code account.members} (int), {@code account.active_members} (int), {@code account.revenue}
 * (double) and {@code account.traits} (map of string to any JSON value).
 *
 * <p>They are evaluated when an account is read, not after each event: accounts have no bitmaps and
 * no transitions yet, and a read evaluates a handful of conditions over four values, which the CEL
 * runtime does in microseconds (the person segments' fast evaluator exists because those run after
 * every event). A condition that ends in an error (a missing trait) counts as false, as for people.
 */
public final class AccountSegments {
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();
    static final String MEMBERS = "account.members";
    static final String ACTIVE_MEMBERS = "account.active_members";
    static final String REVENUE = "account.revenue";
    static final String TRAITS = "account.traits";

    private record Compiled(String name, CelRuntime.Program program) {
    }

    private final List<Compiled> segments;

    private AccountSegments(List<Compiled> segments) {
        this.segments = List.copyOf(segments);
    }

    /**
     * Compiles every account segment.
     *
     * @throws DefinitionException naming {@code accounts.segments[i].when} and the problem
     */
    public static AccountSegments compile(AccountSpecs spec) {
        CelCompiler compiler = CelCompilerFactory.standardCelCompilerBuilder()
                .addVar(MEMBERS, SimpleType.INT)
                .addVar(ACTIVE_MEMBERS, SimpleType.INT)
                .addVar(REVENUE, SimpleType.DOUBLE)
                .addVar(TRAITS, MapType.create(SimpleType.STRING, SimpleType.DYN))
                .build();
        List<Compiled> out = new ArrayList<>();
        for (SegmentSpec s : spec.segments()) {
            String path = s.path() + ".when";
            CelValidationResult result = compiler.compile(s.when());
            if (result.hasError()) {
                throw new DefinitionException(path, "does not compile: " + result.getErrorString().replace('\n', ' ')
                        .replaceAll(" +", " ") + " (an account segment reads account.members, account.active_members, "
                        + "account.revenue and account.traits)");
            }
            try {
                CelAbstractSyntaxTree ast = result.getAst();
                if (!ast.getResultType().equals(SimpleType.BOOL)) {
                    throw new DefinitionException(path, "must be a condition (bool), but \"" + s.when() + "\" is "
                            + ast.getResultType().name());
                }
                out.add(new Compiled(s.name(), RUNTIME.createProgram(ast)));
            } catch (DefinitionException e) {
                throw e;
            } catch (Exception e) {
                throw new DefinitionException(path, "does not compile: " + e.getMessage());
            }
        }
        return new AccountSegments(out);
    }

    /** The names of the segments an account with these values is in, in definition order. */
    List<String> matching(long members, long activeMembers, double revenue, Map<String, Object> traits) {
        if (segments.isEmpty()) {
            return List.of();
        }
        Map<String, Object> activation = new HashMap<>();
        activation.put(MEMBERS, members);
        activation.put(ACTIVE_MEMBERS, activeMembers);
        activation.put(REVENUE, revenue);
        activation.put(TRAITS, traits);
        List<String> out = new ArrayList<>();
        for (Compiled c : segments) {
            try {
                if (Boolean.TRUE.equals(c.program().eval(activation))) {
                    out.add(c.name());
                }
            } catch (CelEvaluationException | RuntimeException e) {
                // an error is "not in the segment", as for people's segments
            }
        }
        return out;
    }
}
