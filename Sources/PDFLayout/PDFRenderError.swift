/// Why a document could not be made. Its description names the library call, never the document's text.
public struct PDFRenderError: Error, CustomStringConvertible {
    public struct Code: Equatable, Sendable {
        let name: String
        /// cairo or pango refused a call (out of memory, a broken surface).
        public static let cairo = Code(name: "cairo")
        /// No font could be loaded for the faces the documents use.
        public static let font = Code(name: "font")
    }

    public let code: Code
    let detail: String

    init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "PDF rendering failed (\(code.name)): \(detail)" }
}
