package dev.maia.apply.store;

import dev.maia.schemas.avro.Operation;
import dev.maia.schemas.avro.ResourceType;
import dev.maia.schemas.avro.WALEntry;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.h2.mvstore.type.LongDataType;
import org.h2.mvstore.type.StringDataType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Which live namespaces a tenant has, which live memories each namespace name holds (sorted by id: ULIDs
 * sort by creation), and which live namespaces bear each name. Chronicle Map has no order, so listings,
 * lookups by name and counts ({@code /v1/stats}) come from this index.
 *
 * <p>It lives on disk beside the Chronicle files, in an H2 MVStore: B-trees whose pages carry the number
 * of keys below them, so the rank of a key and the key at a rank are O(log n). A page at offset 9,000,000,
 * a page after a cursor, and a namespace's count are each a few page reads, never a scan, and the heap
 * holds only MVStore's bounded page cache, whatever the number of memories.
 *
 * <p>Keys are {@code tenant \0 namespace-name \0 id} (and {@code tenant \0 id} for namespaces), each part
 * escaped so that it holds neither \0 nor \1 ({@link #esc}), so one tenant's, one name's entries are one
 * contiguous range; \0 sorts below every other character, so a prefix's range ends just before
 * {@code prefix-without-its-last-\0 + \1}.
 *
 * <p>The index follows the store after each Chronicle write, so a crash can leave it behind. It is
 * trusted only after a clean close: {@link #open} records "unclean" first (committed at once), and
 * {@link #close} records "clean" with the store's resource count. Anything else (a crash, a missing,
 * unreadable or foreign file, another count) gives a {@link #rebuildReason()}, and the store rebuilds
 * the index from its entries. The tenants' byte totals ({@link TenantBytes}) follow the same rule.
 */
final class ListingIndex {
    static final String FILE_NAME = "listing-index.mv.db";
    /** 2 added the tenants' byte totals: a format-1 file, even closed cleanly, has none, so it is rebuilt. */
    private static final String FORMAT = "2";
    private static final char SEP = '\0';
    private static final char END = '\1';

    private final MVStore mv;
    /** tenant \0 namespace id. */
    private final MVMap<String, String> namespaces;
    /** tenant \0 namespace name \0 namespace id. */
    private final MVMap<String, String> namespaceNames;
    /** tenant \0 namespace name \0 memory id. */
    private final MVMap<String, String> memories;
    private final MVMap<String, String> meta;
    /** Tenant to its stored bytes; in the file as of the last clean close (map "tenant-bytes"). */
    private final TenantBytes tenantBytes;
    private String rebuildReason;

    private ListingIndex(MVStore mv) {
        this.mv = mv;
        this.namespaces = map(mv, "namespaces");
        this.namespaceNames = map(mv, "namespace-names");
        this.memories = map(mv, "memories");
        this.meta = map(mv, "meta");
        this.tenantBytes = new TenantBytes(mv.openMap("tenant-bytes", new MVMap.Builder<String, Long>()
                .keyType(StringDataType.INSTANCE).valueType(LongDataType.INSTANCE)));
    }

    /**
     * Opens (or creates) the index file. {@code storedResources} is the store's resource count now: a
     * file closed cleanly at another count belongs to another state of the store.
     */
    static ListingIndex open(Path file, long storedResources, int cacheMegabytes) {
        String reason = null;
        MVStore mv;
        if (!Files.exists(file)) {
            reason = storedResources == 0 ? null : "no index file";
            mv = openStore(file, cacheMegabytes);
        } else {
            try {
                mv = openStore(file, cacheMegabytes);
            } catch (MVStoreException e) {
                if (e.getErrorCode() == DataUtils.ERROR_FILE_LOCKED) {
                    // Another process has this store open: rebuilding under it would corrupt both.
                    throw new IllegalStateException("the listing index " + file + " is in use by another process", e);
                }
                reason = "unreadable index file, kept as " + FILE_NAME + ".unreadable (" + e.getMessage() + ")";
                setAside(file);
                mv = openStore(file, cacheMegabytes);
            }
        }
        ListingIndex index = new ListingIndex(mv);
        index.rebuildReason = reason != null ? reason : index.trustIssue(storedResources);
        if (index.rebuildReason == null) {
            index.tenantBytes.load();
        }
        index.meta.put("format", FORMAT);
        index.meta.put("clean", "false");
        index.meta.remove("resources");
        mv.commit();
        return index;
    }

    /** Why a fresh (empty) file needs no rebuild, and why any other one does, or null when it is trusted. */
    private String trustIssue(long storedResources) {
        if (meta.isEmpty() && namespaces.isEmpty() && memories.isEmpty()) {
            // A file without metadata: new for an empty store, else one that never got its first commit.
            return storedResources == 0 ? "new index" : "empty index file";
        }
        if (!FORMAT.equals(meta.get("format"))) {
            return "foreign index file (format " + meta.get("format") + ")";
        }
        if (!"true".equals(meta.get("clean"))) {
            return "the index was not closed cleanly (crash)";
        }
        if (!String.valueOf(storedResources).equals(meta.get("resources"))) {
            return "the store holds " + storedResources + " resources, the index was closed at " + meta.get("resources");
        }
        return null;
    }

    private static MVStore openStore(Path file, int cacheMegabytes) {
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new MVStore.Builder().fileName(file.toString()).cacheSize(cacheMegabytes).open();
    }

    /** Moves an unreadable file out of the way, for a look at what damaged it, and starts a new one. */
    private static void setAside(Path file) {
        try {
            Files.move(file, file.resolveSibling(FILE_NAME + ".unreadable"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move the unreadable listing index " + file + " aside", e);
        }
    }

    private static MVMap<String, String> map(MVStore mv, String name) {
        return mv.openMap(name, new MVMap.Builder<String, String>()
                .keyType(StringDataType.INSTANCE).valueType(StringDataType.INSTANCE));
    }

    /**
     * Why this index cannot be trusted as opened ("new index" for a fresh file of an empty store is not
     * a reason), or empty. The store then calls {@link #clear()} and feeds it every entry.
     */
    Optional<String> rebuildReason() {
        return Optional.ofNullable(rebuildReason).filter(r -> !r.equals("new index"));
    }

    void clear() {
        namespaces.clear();
        namespaceNames.clear();
        memories.clear();
        tenantBytes.clear();
    }

    /**
     * Each tenant's stored bytes, which the store moves with every write (it knows the lengths), kept
     * and trusted with this index: rebuilt in the same rebuild, written at the same clean close.
     */
    TenantBytes tenantBytes() {
        return tenantBytes;
    }

    /** Moves a resource from what it was ({@code before}, may be null) to what it is now. */
    void changed(WALEntry before, WALEntry after) {
        if (before != null && before.getOperation() != Operation.DELETE) {
            remove(before);
        }
        if (after.getOperation() != Operation.DELETE) {
            add(after);
        }
    }

    private void add(WALEntry e) {
        String tenant = e.getTenantId();
        if (e.getResourceType() == ResourceType.namespace) {
            namespaces.put(key(tenant, e.getResourceId()), "");
            if (e.getNamespace() != null) {
                namespaceNames.put(key(tenant, e.getNamespace(), e.getResourceId()), "");
            }
        } else if (e.getNamespace() != null) {
            memories.put(key(tenant, e.getNamespace(), e.getResourceId()), "");
        }
    }

    private void remove(WALEntry e) {
        String tenant = e.getTenantId();
        if (e.getResourceType() == ResourceType.namespace) {
            namespaces.remove(key(tenant, e.getResourceId()));
            if (e.getNamespace() != null) {
                namespaceNames.remove(key(tenant, e.getNamespace(), e.getResourceId()));
            }
        } else if (e.getNamespace() != null) {
            memories.remove(key(tenant, e.getNamespace(), e.getResourceId()));
        }
    }

    /** The tenant's live namespaces' ids, sorted (namespaces are few: the whole list). */
    List<String> namespaceIds(String tenant) {
        return suffixes(namespaces, esc(tenant) + SEP, Integer.MAX_VALUE);
    }

    /** The ids of the live namespaces named {@code name}, sorted. */
    List<String> namespacesNamed(String tenant, String name) {
        return suffixes(namespaceNames, key(tenant, name) + SEP, Integer.MAX_VALUE);
    }

    /**
     * How many live memories each namespace name holds, by name; names holding none are absent. One
     * seek and two ranks per name: the cost does not grow with the number of memories.
     */
    SortedMap<String, Integer> memoryCounts(String tenant) {
        SortedMap<String, Integer> counts = new TreeMap<>();
        String tenantPrefix = esc(tenant) + SEP;
        String k = memories.ceilingKey(tenantPrefix);
        while (k != null && k.startsWith(tenantPrefix)) {
            int nameEnd = k.indexOf(SEP, tenantPrefix.length());
            String name = unesc(k.substring(tenantPrefix.length(), nameEnd));
            String namePrefix = k.substring(0, nameEnd + 1);
            String nameEndKey = k.substring(0, nameEnd) + END;
            counts.put(name, (int) (rank(nameEndKey) - rank(namePrefix)));
            k = memories.ceilingKey(nameEndKey);
        }
        return counts;
    }

    /** How many live memories the namespace name holds. */
    int memoryCount(String tenant, String namespace) {
        String prefix = key(tenant, namespace);
        return (int) (rank(prefix + END) - rank(prefix + SEP));
    }

    /** One page of a namespace's memory ids from {@code offset}, and how many there are in all. */
    Page memoryIds(String tenant, String namespace, int offset, int limit) {
        String prefix = key(tenant, namespace) + SEP;
        long first = rank(prefix);
        long end = rank(key(tenant, namespace) + END);
        List<String> ids = new ArrayList<>();
        if (first + offset < end) {
            Iterator<String> it = memories.keyIterator(memories.getKey(first + offset));
            collect(it, prefix, limit, ids);
        }
        return new Page(ids, (int) (end - first), offset);
    }

    /** One page of a namespace's memory ids after {@code afterId} (a cursor), with its offset and the total. */
    Page memoryIdsAfter(String tenant, String namespace, String afterId, int limit) {
        String prefix = key(tenant, namespace) + SEP;
        long first = rank(prefix);
        long end = rank(key(tenant, namespace) + END);
        String from = memories.higherKey(prefix + esc(afterId));
        List<String> ids = new ArrayList<>();
        long offset = end - first;
        if (from != null && from.startsWith(prefix)) {
            offset = rank(from) - first;
            collect(memories.keyIterator(from), prefix, limit, ids);
        }
        return new Page(ids, (int) (end - first), (int) offset);
    }

    private static void collect(Iterator<String> it, String prefix, int limit, List<String> into) {
        while (into.size() < limit && it.hasNext()) {
            String k = it.next();
            if (!k.startsWith(prefix)) {
                break;
            }
            into.add(unesc(k.substring(prefix.length())));
        }
    }

    /** How many keys sort below {@code key}: its index if present, else where it would go. */
    private long rank(String key) {
        long i = memories.getKeyIndex(key);
        return i >= 0 ? i : -i - 1;
    }

    private static List<String> suffixes(MVMap<String, String> map, String prefix, int limit) {
        List<String> out = new ArrayList<>();
        collect(map.keyIterator(prefix), prefix, limit, out);
        return out;
    }

    /** Drops every entry of the tenant (its store entries were purged). */
    void forget(String tenant) {
        String prefix = esc(tenant) + SEP;
        for (MVMap<String, String> map : List.of(namespaces, namespaceNames, memories)) {
            List<String> doomed = new ArrayList<>();
            for (Iterator<String> it = map.keyIterator(prefix); it.hasNext(); ) {
                String k = it.next();
                if (!k.startsWith(prefix)) {
                    break;
                }
                doomed.add(k);
            }
            doomed.forEach(map::remove);
        }
    }

    /** Every memory entry the index holds, of every tenant (what a count check compares). */
    long memoryEntries() {
        return memories.sizeAsLong();
    }

    /**
     * Marks the index clean at the store's resource count, then writes and closes it; the next open
     * trusts it only if the store still holds that many.
     */
    void close(long storedResources) {
        if (mv.isClosed()) {
            return; // closed twice, as Chronicle allows
        }
        tenantBytes.save();
        meta.put("resources", String.valueOf(storedResources));
        meta.put("clean", "true");
        mv.close();
    }

    /**
     * A key part with \0 and \1 escaped (\1\1, \1\2), so that a part never holds the separator and a
     * name's range holds that name alone, whatever characters names and ids carry; order within a part
     * is kept.
     */
    private static String esc(String part) {
        if (part.indexOf(SEP) < 0 && part.indexOf(END) < 0) {
            return part;
        }
        StringBuilder b = new StringBuilder(part.length() + 4);
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c == SEP || c == END) {
                b.append(END).append((char) (c + 1));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static String unesc(String part) {
        if (part.indexOf(END) < 0) {
            return part;
        }
        StringBuilder b = new StringBuilder(part.length());
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            b.append(c == END ? (char) (part.charAt(++i) - 1) : c);
        }
        return b.toString();
    }

    private static String key(String tenant, String id) {
        return esc(tenant) + SEP + esc(id);
    }

    private static String key(String tenant, String name, String id) {
        return esc(tenant) + SEP + esc(name) + SEP + esc(id);
    }

    /** Ids of one page, how many there are in all, and where the page starts among them. */
    record Page(List<String> ids, int total, int offset) {
    }
}
