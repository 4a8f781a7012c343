/// A document to print: what it says, in reading order, and what every page repeats. Layout (fonts, page
/// breaks, columns) is the renderer's; the caller says only what each part is.
public struct PrintedDocument: Sendable {
    /// The PDF's title in its metadata.
    public var title: String
    /// Printed at the top of every page (the consent id and the generation time, for evidence).
    public var runningHeader: String
    /// The words around page numbers: `pageLabel(3, 7)` is "Page 3 of 7" in the document's language.
    public var pageLabel: @Sendable (_ page: Int, _ of: Int) -> String
    public var blocks: [DocumentBlock]

    public init(
        title: String, runningHeader: String, pageLabel: @escaping @Sendable (Int, Int) -> String,
        blocks: [DocumentBlock]
    ) {
        self.title = title
        self.runningHeader = runningHeader
        self.pageLabel = pageLabel
        self.blocks = blocks
    }
}

/// One part of a document. Text is shown exactly as given, in any script the font covers.
public enum DocumentBlock: Sendable {
    /// The document's own title, once at the start.
    case title(String)
    /// A section's heading; never left alone at the foot of a page.
    case heading(String)
    /// A subsection's heading, smaller than a section's.
    case subheading(String)
    /// Running text, broken across pages where needed.
    case paragraph(String)
    /// Running text that must stand out (a breach the record shows).
    case warning(String)
    /// Text whose characters matter one by one (a disclosure shown verbatim), in a fixed-width face.
    case verbatim(String)
    /// Labelled values, a label column beside a value column; each pair stays on one page.
    case fields([DocumentField])
    /// Rows under column titles that are repeated on every page the table runs onto.
    case table(DocumentTable)
}

public struct DocumentField: Sendable, Equatable {
    public let label: String
    public let value: String
    /// Hashes and identifiers: fixed-width, so that a reader can compare them character by character.
    public let fixedWidth: Bool

    public init(_ label: String, _ value: String, fixedWidth: Bool = false) {
        self.label = label
        self.value = value
        self.fixedWidth = fixedWidth
    }
}

public struct DocumentTable: Sendable {
    public struct Column: Sendable {
        public let title: String
        /// The column's part of the text width; the parts are scaled to add up to the whole.
        public let share: Double

        public init(_ title: String, share: Double) {
            self.title = title
            self.share = share
        }
    }

    public let columns: [Column]
    public let rows: [[String]]

    public init(columns: [Column], rows: [[String]]) {
        self.columns = columns
        self.rows = rows
    }
}
