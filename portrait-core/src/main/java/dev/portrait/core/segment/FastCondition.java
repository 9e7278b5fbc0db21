package dev.portrait.core.segment;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.ast.CelReference;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A type-checked CEL condition compiled into a tree of Java nodes, for the subset segment
 * conditions use (see {@link SegmentSet}). {@link #compile} returns {@code null} for anything outside
 * the subset, and the caller keeps the CEL runtime for that condition.
 *
 * <p>Values are Java objects as CEL sees them ({@code Long}, {@code Double}, {@code String},
 * {@code Boolean}, {@code Map}, {@code List}); {@link #ERROR} stands for CEL's errors and unknowns
 * (a missing value, a missing map key, an integer overflow, a division by zero), with CEL's rules:
 * {@code &&} and {@code ||} absorb an error when the other side decides, everything else passes it
 * on.
 */
final class FastCondition {
    /** The result of an expression that CEL would answer with an error or an unknown. */
    static final Object ERROR = new Object() {
        @Override
        public String toString() {
            return "ERROR";
        }
    };

    private final Node root;

    private FastCondition(Node root) {
        this.root = root;
    }

    Object eval(SegmentInputs in) {
        return root.eval(in);
    }

    @FunctionalInterface
    interface Node {
        Object eval(SegmentInputs in);
    }

    /** Thrown inside compilation when an expression is outside the subset. */
    private static final class Unsupported extends Exception {
        private static final long serialVersionUID = 1L;

        Unsupported(String what) {
            super(what, null, false, false);
        }
    }

    static FastCondition compile(CelAbstractSyntaxTree ast, Map<String, SegmentSet.Variable> variables) {
        try {
            return new FastCondition(new Compiler(ast, variables).node(ast.getExpr()));
        } catch (Unsupported e) {
            return null;
        }
    }

    /** An operation on two values that are not errors. */
    @FunctionalInterface
    private interface Binary {
        Object apply(Object x, Object y);
    }

    /** Evaluates both sides, passes an error on, and applies {@code op} otherwise. */
    private static Node strict(Node a, Node b, Binary op) {
        return in -> {
            Object x = a.eval(in);
            if (x == ERROR) {
                return ERROR;
            }
            Object y = b.eval(in);
            return y == ERROR ? ERROR : op.apply(x, y);
        };
    }

    private static final class Compiler {
        private final CelAbstractSyntaxTree ast;
        private final Map<String, SegmentSet.Variable> variables;

        Compiler(CelAbstractSyntaxTree ast, Map<String, SegmentSet.Variable> variables) {
            this.ast = ast;
            this.variables = variables;
        }

        private CelType type(CelExpr e) throws Unsupported {
            Optional<CelType> t = ast.getType(e.id());
            if (t.isEmpty()) {
                throw new Unsupported("untyped expression");
            }
            return t.get();
        }

        Node node(CelExpr e) throws Unsupported {
            Optional<CelReference> ref = ast.getReference(e.id());
            if (ref.isPresent() && !ref.get().value().isPresent()
                    && (e.getKind() == CelExpr.ExprKind.Kind.IDENT || e.getKind() == CelExpr.ExprKind.Kind.SELECT)) {
                SegmentSet.Variable v = variables.get(ref.get().name());
                if (v == null) {
                    throw new Unsupported("unknown variable " + ref.get().name());
                }
                return in -> {
                    Object value = v.read(in);
                    return value == null ? ERROR : value;
                };
            }
            switch (e.getKind()) {
                case CONSTANT:
                    return constant(e.constant());
                case IDENT: {
                    SegmentSet.Variable v = variables.get(e.ident().name());
                    if (v == null) {
                        throw new Unsupported("unknown identifier " + e.ident().name());
                    }
                    return in -> {
                        Object value = v.read(in);
                        return value == null ? ERROR : value;
                    };
                }
                case SELECT:
                    return select(e);
                case CALL:
                    return call(e);
                default:
                    throw new Unsupported(e.getKind().toString());
            }
        }

        private Node constant(CelConstant c) throws Unsupported {
            Object value;
            switch (c.getKind()) {
                case BOOLEAN_VALUE: value = c.booleanValue(); break;
                case INT64_VALUE: value = c.int64Value(); break;
                case DOUBLE_VALUE: value = c.doubleValue(); break;
                case STRING_VALUE: value = c.stringValue(); break;
                default: throw new Unsupported("constant " + c.getKind());
            }
            return in -> value;
        }

        private Node select(CelExpr e) throws Unsupported {
            CelExpr.CelSelect s = e.select();
            if (type(s.operand()).kind() != CelKind.MAP) {
                throw new Unsupported("select on " + type(s.operand()));
            }
            Node operand = node(s.operand());
            String field = s.field();
            if (s.testOnly()) {
                return in -> {
                    Object m = operand.eval(in);
                    return m instanceof Map<?, ?> map ? (Object) map.containsKey(field) : ERROR;
                };
            }
            return in -> {
                Object m = operand.eval(in);
                if (!(m instanceof Map<?, ?> map)) {
                    return ERROR;
                }
                Object v = map.get(field);
                return v == null ? ERROR : v;
            };
        }

        private Node call(CelExpr e) throws Unsupported {
            CelExpr.CelCall c = e.call();
            List<CelExpr> args = new ArrayList<>();
            if (c.target().isPresent()) {
                args.add(c.target().get());
            }
            args.addAll(c.args());
            String fn = c.function();
            switch (fn) {
                case "_&&_": return and(node(args.get(0)), node(args.get(1)));
                case "_||_": return or(node(args.get(0)), node(args.get(1)));
                case "!_": {
                    Node a = node(args.get(0));
                    return in -> {
                        Object v = a.eval(in);
                        return v instanceof Boolean b ? (Object) !b : ERROR;
                    };
                }
                case "_?_:_": {
                    Node cond = node(args.get(0));
                    Node yes = node(args.get(1));
                    Node no = node(args.get(2));
                    return in -> {
                        Object v = cond.eval(in);
                        if (!(v instanceof Boolean b)) {
                            return ERROR;
                        }
                        return b ? yes.eval(in) : no.eval(in);
                    };
                }
                case "_==_":
                case "_!=_":
                    return equality(fn.equals("_==_"), args.get(0), args.get(1));
                case "_<_":
                case "_<=_":
                case "_>_":
                case "_>=_":
                    return ordering(fn, args.get(0), args.get(1));
                case "_+_":
                case "_-_":
                case "_*_":
                case "_/_":
                case "_%_":
                    return arithmetic(fn, args.get(0), args.get(1));
                case "-_":
                    return negate(args.get(0));
                case "size":
                    return size(args.get(0));
                case "_[_]":
                    return index(args.get(0), args.get(1));
                case "@in":
                    return in(args.get(0), args.get(1));
                case "double":
                    return toDouble(args.get(0));
                case "int":
                    return toInt(args.get(0));
                default:
                    throw new Unsupported("function " + fn);
            }
        }

        private static Node and(Node a, Node b) {
            return in -> {
                Object x = a.eval(in);
                if (Boolean.FALSE.equals(x)) {
                    return false;
                }
                Object y = b.eval(in);
                if (Boolean.FALSE.equals(y)) {
                    return false;
                }
                return Boolean.TRUE.equals(x) && Boolean.TRUE.equals(y) ? (Object) true : ERROR;
            };
        }

        private static Node or(Node a, Node b) {
            return in -> {
                Object x = a.eval(in);
                if (Boolean.TRUE.equals(x)) {
                    return true;
                }
                Object y = b.eval(in);
                if (Boolean.TRUE.equals(y)) {
                    return true;
                }
                return Boolean.FALSE.equals(x) && Boolean.FALSE.equals(y) ? (Object) false : ERROR;
            };
        }

        private boolean isSimple(CelType t) {
            return t.equals(SimpleType.INT) || t.equals(SimpleType.DOUBLE) || t.equals(SimpleType.STRING)
                    || t.equals(SimpleType.BOOL);
        }

        private Node equality(boolean equal, CelExpr l, CelExpr r) throws Unsupported {
            CelType lt = type(l);
            if (!isSimple(lt) || !lt.equals(type(r))) {
                throw new Unsupported("equality on " + lt + " and " + type(r));
            }
            Node a = node(l);
            Node b = node(r);
            boolean isDouble = lt.equals(SimpleType.DOUBLE);
            return strict(a, b, (x, y) -> {
                boolean same = isDouble ? ((Double) x).doubleValue() == ((Double) y).doubleValue() : x.equals(y);
                return same == equal;
            });
        }

        private Node ordering(String fn, CelExpr l, CelExpr r) throws Unsupported {
            CelType lt = type(l);
            if (!lt.equals(type(r)) || !(lt.equals(SimpleType.INT) || lt.equals(SimpleType.DOUBLE))) {
                throw new Unsupported("ordering on " + lt + " and " + type(r));
            }
            Node a = node(l);
            Node b = node(r);
            boolean isInt = lt.equals(SimpleType.INT);
            return strict(a, b, (x, y) -> {
                int cmp = isInt ? Long.compare((Long) x, (Long) y) : compareDoubles((Double) x, (Double) y);
                if (cmp == 2) {
                    return false; // NaN compares false either way, as in CEL
                }
                switch (fn) {
                    case "_<_": return cmp < 0;
                    case "_<=_": return cmp <= 0;
                    case "_>_": return cmp > 0;
                    default: return cmp >= 0;
                }
            });
        }

        private static int compareDoubles(double x, double y) {
            if (Double.isNaN(x) || Double.isNaN(y)) {
                return 2;
            }
            return x < y ? -1 : x > y ? 1 : 0;
        }

        private Node arithmetic(String fn, CelExpr l, CelExpr r) throws Unsupported {
            CelType lt = type(l);
            if (!lt.equals(type(r)) || !(lt.equals(SimpleType.INT) || lt.equals(SimpleType.DOUBLE))) {
                throw new Unsupported("arithmetic on " + lt + " and " + type(r));
            }
            Node a = node(l);
            Node b = node(r);
            if (lt.equals(SimpleType.INT)) {
                return strict(a, b, (x, y) -> {
                    long p = (Long) x;
                    long q = (Long) y;
                    try {
                        switch (fn) {
                            case "_+_": return Math.addExact(p, q);
                            case "_-_": return Math.subtractExact(p, q);
                            case "_*_": return Math.multiplyExact(p, q);
                            case "_/_":
                                if (q == 0 || (p == Long.MIN_VALUE && q == -1)) {
                                    return ERROR;
                                }
                                return p / q;
                            default:
                                if (q == 0) {
                                    return ERROR;
                                }
                                return p % q;
                        }
                    } catch (ArithmeticException overflow) {
                        return ERROR;
                    }
                });
            }
            if (fn.equals("_%_")) {
                throw new Unsupported("double modulo");
            }
            return strict(a, b, (x, y) -> {
                double p = (Double) x;
                double q = (Double) y;
                switch (fn) {
                    case "_+_": return p + q;
                    case "_-_": return p - q;
                    case "_*_": return p * q;
                    default: return p / q;
                }
            });
        }

        private Node negate(CelExpr operand) throws Unsupported {
            CelType t = type(operand);
            Node a = node(operand);
            if (t.equals(SimpleType.INT)) {
                return in -> {
                    Object x = a.eval(in);
                    if (x == ERROR || (Long) x == Long.MIN_VALUE) {
                        return ERROR;
                    }
                    return -(Long) x;
                };
            }
            if (t.equals(SimpleType.DOUBLE)) {
                return in -> {
                    Object x = a.eval(in);
                    return x == ERROR ? ERROR : (Object) (-(Double) x);
                };
            }
            throw new Unsupported("negation of " + t);
        }

        private Node size(CelExpr operand) throws Unsupported {
            CelType t = type(operand);
            Node a = node(operand);
            if (t.kind() == CelKind.MAP || t.kind() == CelKind.LIST) {
                return in -> {
                    Object x = a.eval(in);
                    if (x instanceof Map<?, ?> m) {
                        return (long) m.size();
                    }
                    return x instanceof List<?> list ? (Object) (long) list.size() : ERROR;
                };
            }
            if (t.equals(SimpleType.STRING)) {
                return in -> {
                    Object x = a.eval(in);
                    return x instanceof String s ? (Object) (long) s.codePointCount(0, s.length()) : ERROR;
                };
            }
            throw new Unsupported("size of " + t);
        }

        private Node index(CelExpr container, CelExpr key) throws Unsupported {
            CelType ct = type(container);
            CelType kt = type(key);
            Node c = node(container);
            Node k = node(key);
            if (ct.kind() == CelKind.MAP && kt.equals(SimpleType.STRING)) {
                return in -> {
                    Object m = c.eval(in);
                    Object key1 = k.eval(in);
                    if (!(m instanceof Map<?, ?> map) || key1 == ERROR) {
                        return ERROR;
                    }
                    Object v = map.get(key1);
                    return v == null ? ERROR : v;
                };
            }
            if (ct.kind() == CelKind.LIST && kt.equals(SimpleType.INT)) {
                return in -> {
                    Object l = c.eval(in);
                    Object i = k.eval(in);
                    if (!(l instanceof List<?> list) || i == ERROR) {
                        return ERROR;
                    }
                    long at = (Long) i;
                    return at < 0 || at >= list.size() ? ERROR : list.get((int) at);
                };
            }
            throw new Unsupported("index of " + ct + " by " + kt);
        }

        private Node in(CelExpr element, CelExpr container) throws Unsupported {
            CelType ct = type(container);
            CelType et = type(element);
            if (!et.equals(SimpleType.STRING) || !(ct.kind() == CelKind.MAP || ct.kind() == CelKind.LIST)) {
                throw new Unsupported("in on " + et + " and " + ct);
            }
            if (ct.kind() == CelKind.LIST && !ct.parameters().get(0).equals(SimpleType.STRING)) {
                throw new Unsupported("in on a list of " + ct.parameters().get(0));
            }
            Node e = node(element);
            Node c = node(container);
            return in -> {
                Object x = e.eval(in);
                Object y = c.eval(in);
                if (x == ERROR || y == ERROR) {
                    return ERROR;
                }
                if (y instanceof Map<?, ?> m) {
                    return m.containsKey(x);
                }
                return y instanceof List<?> l ? (Object) l.contains(x) : ERROR;
            };
        }

        private Node toDouble(CelExpr operand) throws Unsupported {
            CelType t = type(operand);
            Node a = node(operand);
            if (t.equals(SimpleType.INT)) {
                return in -> {
                    Object x = a.eval(in);
                    return x == ERROR ? ERROR : (Object) ((Long) x).doubleValue();
                };
            }
            if (t.equals(SimpleType.DOUBLE)) {
                return a;
            }
            throw new Unsupported("double() of " + t);
        }

        private Node toInt(CelExpr operand) throws Unsupported {
            CelType t = type(operand);
            Node a = node(operand);
            if (t.equals(SimpleType.DOUBLE)) {
                return in -> {
                    Object x = a.eval(in);
                    if (x == ERROR) {
                        return ERROR;
                    }
                    double d = (Double) x;
                    // CEL rejects values that do not fit, and NaN
                    if (!(d > -9.223372036854776E18 && d < 9.223372036854776E18)) {
                        return ERROR;
                    }
                    return (long) d;
                };
            }
            if (t.equals(SimpleType.INT)) {
                return a;
            }
            throw new Unsupported("int() of " + t);
        }
    }
}
