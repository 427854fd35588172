package io.natcore.bench;

import io.natcore.engine.ChecksumVerification;
import io.natcore.engine.NatEngineConfig;
import io.natcore.rules.BoxConfig;
import io.natcore.rules.IptablesSaveParser;
import io.natcore.rules.RuleParseException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The reference setup of trace 05 (DNAT + MASQUERADE on a one-armed box), loaded from the copies of
 * {@code it/src/test/resources/traces/05-reverse-dnat-to-onprem/{rules,box}.txt} in bench resources.
 */
public final class Trace05
{
    private Trace05()
    {
    }

    /**
     * Whether the engine and the peers verify L4 checksums: system property {@code natcore.bench.verifyL4Checksums}
     * (default true, as Linux; false = the NIC validated them).
     */
    public static final boolean VERIFY_L4 =
        Boolean.parseBoolean(System.getProperty("natcore.bench.verifyL4Checksums", "true"));

    /**
     * System property naming the engine's expiry work per packet (unset: the engine default; 0 = no expiry on the
     * packet path, as with a separate housekeeping thread). Read at each {@link #config} call.
     */
    static final String EXPIRY_WORK_PROPERTY = "natcore.bench.expiryWork";

    /**
     * An engine configuration for the reference rule set, events off (nothing would drain them).
     *
     * @param capacity connections the table holds.
     * @return a builder to adjust further.
     */
    public static NatEngineConfig.Builder config(final int capacity)
    {
        try
        {
            final NatEngineConfig.Builder b = NatEngineConfig.builder()
                .rules(IptablesSaveParser.parse(resource("rules.txt")))
                .box(BoxConfig.parse(resource("box.txt")))
                .capacity(capacity)
                .checksumVerification(VERIFY_L4 ? ChecksumVerification.ALL : ChecksumVerification.IP_HEADER_ONLY)
                .events(false);
            final int expiryWork = Integer.getInteger(EXPIRY_WORK_PROPERTY, -1);
            if (expiryWork >= 0)
            {
                b.expiryWorkPerPacket(expiryWork);
            }
            return b;
        }
        catch (final RuleParseException ex)
        {
            throw new IllegalStateException("bench resource trace05 does not parse", ex);
        }
    }

    private static String resource(final String name)
    {
        try (InputStream in = Trace05.class.getResourceAsStream("/trace05/" + name))
        {
            if (in == null)
            {
                throw new IllegalStateException("missing resource /trace05/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
