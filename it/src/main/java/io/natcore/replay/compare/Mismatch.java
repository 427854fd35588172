/*
 * Copyright 2026 the natcore authors. Licensed under the Apache License, Version 2.0.
 */
package io.natcore.replay.compare;

/**
 * One disagreement between the engine and the kernel.
 *
 * @param kernelRecord pcap record number of the kernel's packet, or -1 if the kernel sent none.
 * @param engineInput  pcap record number of the received packet the engine's packet came from, or -1.
 * @param text         what differs.
 */
public record Mismatch(long kernelRecord, long engineInput, String text)
{
    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder();
        if (kernelRecord >= 0)
        {
            sb.append("packet #").append(kernelRecord);
        }
        else
        {
            sb.append("engine output for input #").append(engineInput);
        }
        if (kernelRecord >= 0 && engineInput >= 0)
        {
            sb.append(" (engine output for input #").append(engineInput).append(')');
        }
        return sb.append(": ").append(text).toString();
    }
}
