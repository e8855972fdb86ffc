package dev.distlock.annotation;

import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.springframework.expression.BeanResolver;
import org.springframework.expression.ConstructorResolver;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.EvaluationException;
import org.springframework.expression.Expression;
import org.springframework.expression.MethodResolver;
import org.springframework.expression.OperatorOverloader;
import org.springframework.expression.ParseException;
import org.springframework.expression.PropertyAccessor;
import org.springframework.expression.TypeComparator;
import org.springframework.expression.TypeConverter;
import org.springframework.expression.TypeLocator;
import org.springframework.expression.TypedValue;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.ReflectiveConstructorResolver;
import org.springframework.expression.spel.support.ReflectiveMethodResolver;
import org.springframework.expression.spel.support.ReflectivePropertyAccessor;
import org.springframework.expression.spel.support.StandardOperatorOverloader;
import org.springframework.expression.spel.support.StandardTypeComparator;
import org.springframework.expression.spel.support.StandardTypeConverter;
import org.springframework.expression.spel.support.StandardTypeLocator;

/**
 * One parsed {@link DistributedLock#key()} and how to evaluate it for a call.
 *
 * <p>The expression is parsed once. Each call gets a small {@link EvaluationContext} whose
 * variables are the arguments (by name, {@code pN} and {@code aN}); the accessors, resolvers and
 * converters are shared and stateless (or internally synchronized), so evaluation is thread-safe.
 * Unlike SpEL's standard context, a variable that is not an argument is an error, not null: a
 * typo in a key must not silently lock one name for every call.
 */
final class KeyExpression {
    private static final SpelExpressionParser PARSER = new SpelExpressionParser();
    private static final List<PropertyAccessor> PROPERTY_ACCESSORS = List.of(new ReflectivePropertyAccessor());
    private static final List<MethodResolver> METHOD_RESOLVERS = List.of(new ReflectiveMethodResolver());
    private static final List<ConstructorResolver> CONSTRUCTOR_RESOLVERS = List.of(new ReflectiveConstructorResolver());
    private static final TypeConverter TYPE_CONVERTER = new StandardTypeConverter();
    private static final TypeComparator TYPE_COMPARATOR = new StandardTypeComparator();
    private static final OperatorOverloader OPERATOR_OVERLOADER = new StandardOperatorOverloader();

    private final String source;
    private final Expression expression;
    private final String where;
    private final Method method;
    private final Map<String, Integer> variables;
    private final String variableHelp;
    private final TypeLocator typeLocator;

    private KeyExpression(String source, Expression expression, String where, Method method, String[] names) {
        this.source = source;
        this.expression = expression;
        this.where = where;
        this.method = method;
        Map<String, Integer> vars = new HashMap<>();
        StringJoiner help = new StringJoiner(", ");
        for (int i = 0; i < names.length; i++) {
            if (names[i] != null) {
                vars.put(names[i], i);
                help.add("#" + names[i]);
            }
        }
        for (int i = 0; i < names.length; i++) {
            vars.putIfAbsent("p" + i, i);
            vars.putIfAbsent("a" + i, i);
        }
        if (names.length > 0) {
            help.add("#p0..#p" + (names.length - 1));
            help.add("#a0..#a" + (names.length - 1));
        }
        help.add("#root");
        this.variables = vars;
        boolean namesMissing = names.length > 0 && names[0] == null;
        this.variableHelp = help + (namesMissing ? "; parameter names are not in the class file: compile with -parameters" : "");
        ClassLoader loader = method.getDeclaringClass().getClassLoader();
        this.typeLocator = new StandardTypeLocator(loader != null ? loader : KeyExpression.class.getClassLoader());
    }

    /**
     * Parses a key.
     *
     * @param source the expression
     * @param where the annotated method, for messages
     * @param method the method whose call is evaluated (for {@code #root.method})
     * @param names the parameter names, null where unknown
     * @throws IllegalArgumentException if the expression is blank or malformed
     */
    static KeyExpression parse(String source, String where, Method method, String[] names) {
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("@DistributedLock on " + where + ": key must not be blank");
        }
        Expression expression;
        try {
            expression = PARSER.parseExpression(source);
        } catch (ParseException e) {
            throw new IllegalArgumentException("@DistributedLock on " + where + ": key '" + source
                    + "' is not a valid expression: " + e.getMessage(), e);
        }
        return new KeyExpression(source, expression, where, method, names);
    }

    String source() {
        return source;
    }

    /**
     * Evaluates the key for one call.
     *
     * @return the lock name
     * @throws IllegalArgumentException if the expression names an unknown variable, yields null
     *         or fails
     */
    String evaluate(Object target, Object[] args) {
        Object value;
        try {
            value = expression.getValue(new CallContext(this, new LockKeyRoot(method, target, args), args));
        } catch (UnknownVariable e) {
            throw new IllegalArgumentException(prefix() + "names unknown variable #" + e.name
                    + " (known: " + variableHelp + ")");
        } catch (EvaluationException e) {
            Throwable c = e.getCause();
            while (c != null && !(c instanceof UnknownVariable)) {
                c = c.getCause();
            }
            if (c != null) {
                throw new IllegalArgumentException(prefix() + "names unknown variable #" + ((UnknownVariable) c).name
                        + " (known: " + variableHelp + ")");
            }
            throw new IllegalArgumentException(prefix() + "could not be evaluated: " + e.getMessage(), e);
        }
        if (value == null) {
            throw new IllegalArgumentException(prefix() + "evaluated to null");
        }
        return value instanceof String s ? s : value.toString();
    }

    String prefix() {
        return "@DistributedLock on " + where + ": key '" + source + "' ";
    }

    /** Thrown from variable look-up; stack-less, it only carries the name to {@link #evaluate}. */
    private static final class UnknownVariable extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String name;

        UnknownVariable(String name) {
            super(name, null, false, false);
            this.name = name;
        }
    }

    /** The per-call context: the root object and the arguments; everything else is shared. */
    private static final class CallContext implements EvaluationContext {
        private final KeyExpression key;
        private final TypedValue root;
        private final Object[] args;

        CallContext(KeyExpression key, LockKeyRoot root, Object[] args) {
            this.key = key;
            this.root = new TypedValue(root);
            this.args = args;
        }

        @Override
        public TypedValue getRootObject() {
            return root;
        }

        @Override
        public List<PropertyAccessor> getPropertyAccessors() {
            return PROPERTY_ACCESSORS;
        }

        @Override
        public List<ConstructorResolver> getConstructorResolvers() {
            return CONSTRUCTOR_RESOLVERS;
        }

        @Override
        public List<MethodResolver> getMethodResolvers() {
            return METHOD_RESOLVERS;
        }

        @Override
        public BeanResolver getBeanResolver() {
            return null;
        }

        @Override
        public TypeLocator getTypeLocator() {
            return key.typeLocator;
        }

        @Override
        public TypeConverter getTypeConverter() {
            return TYPE_CONVERTER;
        }

        @Override
        public TypeComparator getTypeComparator() {
            return TYPE_COMPARATOR;
        }

        @Override
        public OperatorOverloader getOperatorOverloader() {
            return OPERATOR_OVERLOADER;
        }

        @Override
        public boolean isAssignmentEnabled() {
            return false;
        }

        @Override
        public void setVariable(String name, Object value) {
            throw new UnsupportedOperationException("a lock key cannot assign variables");
        }

        @Override
        public Object lookupVariable(String name) {
            Integer i = key.variables.get(name);
            if (i == null) {
                throw new UnknownVariable(name);
            }
            return args[i];
        }
    }
}
