/*
 * Copyright natcore authors. Licensed under the Apache License, Version 2.0.
 */
/**
 * What the NAT box is told to do: the box itself ({@link io.natcore.rules.BoxConfig}: interfaces,
 * addresses, {@link io.natcore.rules.RouteTable routes}) and the user's {@code iptables-save}
 * rules ({@link io.natcore.rules.IptablesSaveParser} into a {@link io.natcore.rules.NatRuleSet}).
 * <p>
 * Loading happens once and may allocate; it refuses anything it does not understand with a
 * {@link io.natcore.rules.RuleParseException} ("line N: reason"). The queries the packet path
 * makes (route lookup, local address test, nat chain evaluation into a reused
 * {@link io.natcore.rules.NatDecision}) allocate nothing and never throw.
 */
package io.natcore.rules;
