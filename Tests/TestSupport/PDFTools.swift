import Foundation

/// A PDF read back by the tools a person's machine has: qpdf's structural check and poppler's text, page count
/// and page pictures.
public struct PDFReadBack: Sendable {
    /// qpdf --check passed (exit 0, no warnings).
    public let structureOK: Bool
    public let qpdfReport: String
    /// pdftotext's reading of every page, in reading order.
    public let text: String
    public let pageCount: Int?

    /// The text with every run of white space as one space, so that a fact wrapped across lines is found.
    public var flatText: String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    public static func read(_ bytes: [UInt8]) async throws -> PDFReadBack {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("document.pdf").path
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        let check = try await ExternalCommand.run("qpdf", ["--check", file])
        let text = try await ExternalCommand.run("pdftotext", ["-enc", "UTF-8", file, "-"])
        let info = try await ExternalCommand.run("pdfinfo", [file])
        let pages = info.output.split(separator: "\n").first { $0.hasPrefix("Pages:") }.flatMap {
            Int($0.dropFirst("Pages:".count).trimmingCharacters(in: .whitespaces))
        }
        return PDFReadBack(
            structureOK: check.status == 0, qpdfReport: check.output, text: text.output, pageCount: pages)
    }

    /// Writes page `page` as a PNG picture (pdftoppm) to `path`, for a person to look at.
    public static func picture(of bytes: [UInt8], page: Int, to path: String, dpi: Int = 80) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("document.pdf").path
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        _ = try await ExternalCommand.run(
            "pdftoppm", ["-png", "-r", String(dpi), "-f", String(page), "-l", String(page), "-singlefile", file,
                         String(path.dropLast(".png".count))])
    }
}
