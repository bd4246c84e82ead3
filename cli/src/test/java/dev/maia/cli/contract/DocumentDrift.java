package dev.maia.cli.contract;

/** Drifted copies of the document, to show that the contract fails an answer the document no longer describes. */
public final class DocumentDrift {
    private DocumentDrift() {
    }

    /** The document with the memory's {@code content} renamed {@code body} (in {@code Memory}, the first schema that lists it). */
    public static String renameMemoryContent(String document) {
        String drifted = document.replaceFirst("\n        namespace: \\{type: string}\n        content: \\{type: string}\n",
                "\n        namespace: {type: string}\n        body: {type: string}\n");
        if (drifted.equals(document)) {
            throw new IllegalStateException("the Memory schema's content field was not found; update the drift");
        }
        return drifted;
    }
}
