/*
 * Copyright natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one {@code iptables-save} line into words the way {@code iptables-restore} does:
 * whitespace separates, a double-quoted string is one word (quotes removed) in which
 * {@code \"} and {@code \\} are escapes.
 */
final class RuleTokenizer
{
    private RuleTokenizer()
    {
    }

    static List<String> tokenize(final String line, final int lineNo)
    {
        final List<String> words = new ArrayList<>();
        final StringBuilder word = new StringBuilder();
        boolean inWord = false;
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++)
        {
            final char c = line.charAt(i);
            if (quoted)
            {
                if (c == '\\' && i + 1 < line.length() && (line.charAt(i + 1) == '"' || line.charAt(i + 1) == '\\'))
                {
                    word.append(line.charAt(++i));
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    word.append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
                inWord = true;
            }
            else if (c == ' ' || c == '\t' || c == '\r')
            {
                if (inWord)
                {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            }
            else
            {
                word.append(c);
                inWord = true;
            }
        }
        if (quoted)
        {
            throw new RuleParseException(lineNo, "unterminated quote");
        }
        if (inWord)
        {
            words.add(word.toString());
        }
        return words;
    }
}
