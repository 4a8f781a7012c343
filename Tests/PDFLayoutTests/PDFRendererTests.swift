import PDFLayout
import TestSupport
import Testing

/// Documents rendered by pango and cairo, read back by qpdf and poppler: the structure is sound, every word
/// is there in any script, and long content runs onto further pages with the frame on each.
@Suite struct PDFRendererTests {
    static func document(_ blocks: [DocumentBlock]) -> PrintedDocument {
        PrintedDocument(
            title: "Test record", runningHeader: "Consent 0193-test · generated 2026-12-06",
            pageLabel: { "Page \($0) of \($1)" }, blocks: blocks)
    }

    @Test func textInLatinGreekAndCyrillicComesBackExactly() async throws {
        let names = ["Žemaitė Šarūnė Čiurlionytė", "Αλέξανδρος Παπαδόπουλος", "Пётр Ильич Чайковский", "Jürgen Weiß"]
        let rendered = try PDFRenderer.render(
            Self.document([
                .title("Evidence"), .heading("Consumer"),
                .fields(names.map { DocumentField("Name", $0) }),
                .fields([DocumentField("SHA-256", String(repeating: "ab12", count: 16), fixedWidth: true)]),
            ]),
            creationDate: "2026-12-06T10:00:00Z")
        #expect(rendered.pageCount == 1)
        let read = try await PDFReadBack.read(rendered.bytes)
        #expect(read.structureOK, "\(read.qpdfReport)")
        #expect(read.pageCount == 1)
        for name in names {
            #expect(read.flatText.contains(name), "\(name) missing from: \(read.flatText)")
        }
        #expect(read.flatText.contains(String(repeating: "ab12", count: 16)))
        #expect(read.flatText.contains("Page 1 of 1"))
        #expect(read.flatText.contains("Consent 0193-test · generated 2026-12-06"))
    }

    @Test func longContentRunsOntoNumberedPagesWithTheFrameOnEach() async throws {
        let sentence = "Each debit is announced fourteen days ahead. "
        let rows = (1...120).map { ["2027-\($0)", "10.\($0) EUR", $0.isMultiple(of: 2) ? "yes" : "no"] }
        let rendered = try PDFRenderer.render(
            Self.document([
                .heading("Disclosure"), .verbatim(String(repeating: sentence, count: 200)),
                .heading("Debits"),
                .table(DocumentTable(
                    columns: [.init("Date", share: 2), .init("Amount", share: 2), .init("Notice", share: 1)],
                    rows: rows)),
                .paragraph("THE-LAST-WORDS"),
            ]),
            creationDate: "2026-12-06T10:00:00Z")
        #expect(rendered.pageCount > 3)
        let read = try await PDFReadBack.read(rendered.bytes)
        #expect(read.structureOK, "\(read.qpdfReport)")
        #expect(read.pageCount == rendered.pageCount)
        let pages = read.text.split(separator: "\u{0C}", omittingEmptySubsequences: false).map(String.init)
        for (index, page) in pages.prefix(rendered.pageCount).enumerated() {
            #expect(page.contains("Page \(index + 1) of \(rendered.pageCount)"))
            #expect(page.contains("Consent 0193-test"))
        }
        // The table's column titles are repeated on every page it runs onto.
        let tablePages = pages.filter { page in rows.contains { page.contains($0[1]) } }
        #expect(tablePages.count >= 2, "the table runs onto more than one page")
        #expect(tablePages.allSatisfy { $0.contains("Amount") })
        // With each page's running header and footer taken out, the text reads on across the page breaks.
        let body = pages.map { page in
            page.split(separator: "\n").filter { !$0.contains("Consent 0193-test") && !$0.contains(" of \(rendered.pageCount)") }
                .joined(separator: " ")
        }.joined(separator: " ").split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        #expect(body.components(separatedBy: "announced fourteen days ahead.").count == 201)
        for row in rows {
            #expect(read.flatText.contains(row[1]))
        }
        try #require(pages.count >= rendered.pageCount)
        #expect(pages[rendered.pageCount - 1].contains("THE-LAST-WORDS"), "the last block is on the last page")
    }

    @Test func controlCharactersAreShownNotDropped() async throws {
        let rendered = try PDFRenderer.render(
            Self.document([.paragraph("before\u{0}after-the-nul\u{7}bell\nnext line\r\nwindows line")]),
            creationDate: "2026-12-06T10:00:00Z")
        let read = try await PDFReadBack.read(rendered.bytes)
        #expect(read.flatText.contains("before[U+0000]after-the-nul[U+0007]bell next line windows line"), "\(read.flatText)")
        #expect(!read.text.contains("U+000D"), "a carriage return breaks the line like a line feed")
    }
}
