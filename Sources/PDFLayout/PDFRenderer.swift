import CPangoCairo

/// A rendered document and how many pages it has (a chargeback pack must stay within a page limit).
public struct RenderedPDF: Sendable {
    public let bytes: [UInt8]
    public let pageCount: Int
}

/// Lays a `PrintedDocument` out on A4 pages with pango and draws it with cairo into a PDF in memory. Blocking
/// and CPU-bound: callers run it on a thread pool, never on an event loop. Each call uses its own surface and
/// layouts, so calls on different threads share nothing.
public enum PDFRenderer {
    /// `creationDate` is the document's own time in the PDF's metadata (ISO 8601).
    public static func render(_ document: PrintedDocument, creationDate: String) throws(PDFRenderError) -> RenderedPDF {
        let geometry = PageGeometry()
        let surface = try PDFSurface(widthPoints: geometry.width, heightPoints: geometry.height)
        surface.setMetadata(title: document.title, creationDate: creationDate)
        let faces = try DocumentFaces()
        var flow = PageFlow(geometry: geometry)
        let blocks = BlockLayout(surface: surface, faces: faces, geometry: geometry)
        for block in document.blocks {
            try blocks.lay(block, into: &flow)
        }
        let pages = flow.pages
        for (index, items) in pages.enumerated() {
            try drawFrame(
                header: document.runningHeader, footer: document.pageLabel(index + 1, pages.count),
                geometry: geometry, faces: faces, on: surface)
            for item in items {
                draw(item, on: surface)
            }
            surface.showPage()
        }
        return RenderedPDF(bytes: try surface.finish(), pageCount: pages.count)
    }

    private static func drawFrame(
        header: String, footer: String, geometry: PageGeometry, faces: DocumentFaces, on surface: PDFSurface
    ) throws(PDFRenderError) {
        let headerText = try TextLayout(header, face: faces.small, widthPoints: geometry.textWidth, on: surface)
        draw(.text(headerText, lines: 0..<headerText.lines.count, x: geometry.marginLeft,
                   y: geometry.headerRule - 4 - headerText.height, colour: .label), on: surface)
        draw(.rule(x: geometry.marginLeft, y: geometry.headerRule, width: geometry.textWidth), on: surface)
        draw(.rule(x: geometry.marginLeft, y: geometry.footerRule, width: geometry.textWidth), on: surface)
        let footerText = try TextLayout(
            footer, face: faces.small, widthPoints: geometry.textWidth, alignment: PANGO_ALIGN_RIGHT, on: surface)
        draw(.text(footerText, lines: 0..<footerText.lines.count, x: geometry.marginLeft, y: geometry.footerTop,
                   colour: .label), on: surface)
    }

    private static func draw(_ item: PlacedItem, on surface: PDFSurface) {
        let context = surface.context
        switch item {
        case .text(let text, let lines, let x, let y, let colour):
            cairo_set_source_rgb(context, colour.red, colour.green, colour.blue)
            text.draw(lines: lines, x: x, y: y, on: surface)
        case .rule(let x, let y, let width):
            let colour = InkColour.rule
            cairo_set_source_rgb(context, colour.red, colour.green, colour.blue)
            cairo_set_line_width(context, 0.5)
            cairo_move_to(context, x, y)
            cairo_line_to(context, x + width, y)
            cairo_stroke(context)
        case .shade(let x, let y, let width, let height):
            let colour = InkColour.shade
            cairo_set_source_rgb(context, colour.red, colour.green, colour.blue)
            cairo_rectangle(context, x, y, width, height)
            cairo_fill(context)
        }
    }
}
