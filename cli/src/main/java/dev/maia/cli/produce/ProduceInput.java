package dev.maia.cli.produce;

import java.io.Closeable;
import java.util.Iterator;

/** Where {@code maia produce} takes its memories from: generated, or JSON lines. Read lazily, one at a time. */
public interface ProduceInput extends Iterator<ProduceRecord>, Closeable {

    /** How many records there will be, for the progress bar; -1 when not known ahead (a stream). */
    long total();
}
