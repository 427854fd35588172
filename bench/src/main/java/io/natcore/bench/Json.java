package io.natcore.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The little JSON the suite needs: write maps, lists, strings and numbers; read them back (objects as ordered maps,
 * arrays as lists, numbers as doubles). Not a general library: no streaming, input held in memory.
 */
final class Json
{
    private final String s;
    private int at;

    private Json(final String s)
    {
        this.s = s;
    }

    /**
     * @param value Map, List, String, Number, Boolean or null.
     * @return the JSON text, indented by two spaces.
     */
    static String write(final Object value)
    {
        final StringBuilder sb = new StringBuilder();
        write(sb, value, "");
        return sb.append('\n').toString();
    }

    private static void write(final StringBuilder sb, final Object v, final String indent)
    {
        if (v == null)
        {
            sb.append("null");
        }
        else if (v instanceof String)
        {
            quote(sb, (String)v);
        }
        else if (v instanceof Double || v instanceof Float)
        {
            final double d = ((Number)v).doubleValue();
            sb.append(Double.isFinite(d) ? String.format(Locale.ROOT, "%.6g", d).trim() : "null");
        }
        else if (v instanceof Number || v instanceof Boolean)
        {
            sb.append(v);
        }
        else if (v instanceof Map)
        {
            final String inner = indent + "  ";
            sb.append('{');
            boolean first = true;
            for (final Map.Entry<?, ?> e : ((Map<?, ?>)v).entrySet())
            {
                sb.append(first ? "\n" : ",\n").append(inner);
                quote(sb, String.valueOf(e.getKey()));
                sb.append(": ");
                write(sb, e.getValue(), inner);
                first = false;
            }
            sb.append(first ? "}" : "\n" + indent + "}");
        }
        else if (v instanceof List)
        {
            final String inner = indent + "  ";
            sb.append('[');
            boolean first = true;
            for (final Object e : (List<?>)v)
            {
                sb.append(first ? "\n" : ",\n").append(inner);
                write(sb, e, inner);
                first = false;
            }
            sb.append(first ? "]" : "\n" + indent + "]");
        }
        else
        {
            throw new IllegalArgumentException("cannot write " + v.getClass());
        }
    }

    private static void quote(final StringBuilder sb, final String text)
    {
        sb.append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\t': sb.append("\\t"); break;
                case '\r': sb.append("\\r"); break;
                default:
                    if (c < 0x20)
                    {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int)c));
                    }
                    else
                    {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }

    /**
     * @param text JSON text.
     * @return its value.
     * @throws IllegalArgumentException with the offset on malformed input.
     */
    static Object read(final String text)
    {
        final Json p = new Json(text);
        final Object v = p.value();
        p.space();
        if (p.at != text.length())
        {
            throw p.error("trailing text");
        }
        return v;
    }

    private Object value()
    {
        space();
        if (at >= s.length())
        {
            throw error("unexpected end");
        }
        final char c = s.charAt(at);
        switch (c)
        {
            case '{': return object();
            case '[': return array();
            case '"': return string();
            case 't': return literal("true", Boolean.TRUE);
            case 'f': return literal("false", Boolean.FALSE);
            case 'n': return literal("null", null);
            default: return number();
        }
    }

    private Map<String, Object> object()
    {
        final Map<String, Object> m = new LinkedHashMap<>();
        at++;
        space();
        if (peek('}'))
        {
            at++;
            return m;
        }
        while (true)
        {
            space();
            final String key = string();
            space();
            expect(':');
            m.put(key, value());
            space();
            if (peek(','))
            {
                at++;
                continue;
            }
            expect('}');
            return m;
        }
    }

    private List<Object> array()
    {
        final List<Object> l = new ArrayList<>();
        at++;
        space();
        if (peek(']'))
        {
            at++;
            return l;
        }
        while (true)
        {
            l.add(value());
            space();
            if (peek(','))
            {
                at++;
                continue;
            }
            expect(']');
            return l;
        }
    }

    private String string()
    {
        expect('"');
        final StringBuilder sb = new StringBuilder();
        while (at < s.length())
        {
            final char c = s.charAt(at++);
            if (c == '"')
            {
                return sb.toString();
            }
            if (c != '\\')
            {
                sb.append(c);
                continue;
            }
            if (at >= s.length())
            {
                break;
            }
            final char e = s.charAt(at++);
            switch (e)
            {
                case 'n': sb.append('\n'); break;
                case 't': sb.append('\t'); break;
                case 'r': sb.append('\r'); break;
                case 'b': sb.append('\b'); break;
                case 'f': sb.append('\f'); break;
                case 'u':
                    if (at + 4 > s.length())
                    {
                        throw error("short \\u escape");
                    }
                    sb.append((char)Integer.parseInt(s.substring(at, at + 4), 16));
                    at += 4;
                    break;
                default: sb.append(e);
            }
        }
        throw error("unterminated string");
    }

    private Object literal(final String word, final Object v)
    {
        if (!s.startsWith(word, at))
        {
            throw error("expected " + word);
        }
        at += word.length();
        return v;
    }

    private Double number()
    {
        final int start = at;
        while (at < s.length() && "+-0123456789.eE".indexOf(s.charAt(at)) >= 0)
        {
            at++;
        }
        if (start == at)
        {
            throw error("unexpected '" + s.charAt(at) + "'");
        }
        try
        {
            return Double.valueOf(s.substring(start, at));
        }
        catch (final NumberFormatException ex)
        {
            throw error("bad number");
        }
    }

    private void space()
    {
        while (at < s.length() && Character.isWhitespace(s.charAt(at)))
        {
            at++;
        }
    }

    private boolean peek(final char c)
    {
        return at < s.length() && s.charAt(at) == c;
    }

    private void expect(final char c)
    {
        if (!peek(c))
        {
            throw error("expected '" + c + "'");
        }
        at++;
    }

    private IllegalArgumentException error(final String what)
    {
        return new IllegalArgumentException("JSON offset " + at + ": " + what);
    }
}
