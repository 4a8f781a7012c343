import CPangoCairo

/// Turns each kind of block into text layouts placed on the page flow: the typography of the documents.
struct BlockLayout {
    let surface: PDFSurface
    let faces: DocumentFaces
    let geometry: PageGeometry

    private let labelWidth = 150.0
    private let columnGap = 10.0
    private let cellPadding = 3.0
    /// A heading needs this much room below it, or it moves to the next page with what it heads.
    private let keepWithNext = 48.0

    func lay(_ block: DocumentBlock, into flow: inout PageFlow) throws(PDFRenderError) {
        let left = geometry.marginLeft
        let width = geometry.textWidth
        switch block {
        case .title(let text):
            let layout = try TextLayout(text, face: faces.title, widthPoints: width, on: surface)
            flow.makeRoom(layout.height)
            flow.flow(layout, x: left, colour: .text)
            flow.advance(8)
        case .heading(let text):
            try layHeading(text, face: faces.heading, spaceBefore: 12, keepWithNext: keepWithNext, into: &flow)
            flow.advance(2)
            flow.place(.rule(x: left, y: flow.y, width: width))
            flow.advance(6)
        case .subheading(let text):
            try layHeading(text, face: faces.subheading, spaceBefore: 6, keepWithNext: keepWithNext / 2, into: &flow)
            flow.advance(3)
        case .paragraph(let text):
            flow.flow(try TextLayout(text, face: faces.body, widthPoints: width, on: surface), x: left, colour: .text)
            flow.advance(4)
        case .warning(let text):
            let layout = try TextLayout(text, face: faces.bodyBold, widthPoints: width, on: surface)
            flow.flow(layout, x: left, colour: .warning)
            flow.advance(4)
        case .verbatim(let text):
            flow.flow(try TextLayout(text, face: faces.fixed, widthPoints: width, on: surface), x: left, colour: .text)
            flow.advance(4)
        case .fields(let fields):
            for field in fields {
                try lay(field, into: &flow)
            }
            flow.advance(2)
        case .table(let table):
            try lay(table, into: &flow)
            flow.advance(4)
        }
    }

    private func layHeading(
        _ text: String, face: FontFace, spaceBefore: Double, keepWithNext: Double, into flow: inout PageFlow
    ) throws(PDFRenderError) {
        if !flow.atPageTop { flow.advance(spaceBefore) }
        let layout = try TextLayout(text, face: face, widthPoints: geometry.textWidth, on: surface)
        flow.makeRoom(layout.height + keepWithNext)
        flow.flow(layout, x: geometry.marginLeft, colour: .text)
    }

    private func lay(_ field: DocumentField, into flow: inout PageFlow) throws(PDFRenderError) {
        let valueWidth = geometry.textWidth - labelWidth - columnGap
        let label = try TextLayout(field.label, face: faces.body, widthPoints: labelWidth, on: surface)
        let value = try TextLayout(
            field.value, face: field.fixedWidth ? faces.fixed : faces.body, widthPoints: valueWidth, on: surface)
        let valueX = geometry.marginLeft + labelWidth + columnGap
        let height = max(label.height, value.height)
        if height <= geometry.bodyHeight {
            flow.makeRoom(height)
            flow.place(.text(label, lines: 0..<label.lines.count, x: geometry.marginLeft, y: flow.y, colour: .label))
            flow.place(.text(value, lines: 0..<value.lines.count, x: valueX, y: flow.y, colour: .text))
            flow.advance(height + 2)
        } else {
            flow.makeRoom(label.height)
            flow.place(.text(label, lines: 0..<label.lines.count, x: geometry.marginLeft, y: flow.y, colour: .label))
            flow.flow(value, x: valueX, colour: .text)
            flow.advance(2)
        }
    }

    private func lay(_ table: DocumentTable, into flow: inout PageFlow) throws(PDFRenderError) {
        let totalShare = table.columns.reduce(0) { $0 + $1.share }
        guard totalShare > 0 else { return }
        let widths = table.columns.map { geometry.textWidth * $0.share / totalShare }
        var xs: [Double] = []
        var x = geometry.marginLeft
        for width in widths {
            xs.append(x)
            x += width
        }
        let header = try cells(table.columns.map(\.title), face: faces.subheading, widths: widths)
        let headerHeight = rowHeight(header)
        func placeHeader(_ flow: inout PageFlow) {
            flow.place(.shade(x: geometry.marginLeft, y: flow.y, width: geometry.textWidth, height: headerHeight))
            place(header, xs: xs, colour: .text, into: &flow)
            flow.advance(headerHeight)
        }
        flow.makeRoom(headerHeight * 2)
        placeHeader(&flow)
        for row in table.rows {
            let cells = try cells(row, face: faces.small, widths: widths)
            let height = rowHeight(cells)
            if height > flow.roomLeft {
                flow.newPage()
                placeHeader(&flow)
            }
            place(cells, xs: xs, colour: .text, into: &flow)
            flow.advance(height)
            flow.place(.rule(x: geometry.marginLeft, y: flow.y, width: geometry.textWidth))
        }
    }

    private func cells(_ texts: [String], face: FontFace, widths: [Double]) throws(PDFRenderError) -> [TextLayout] {
        var layouts: [TextLayout] = []
        for (index, width) in widths.enumerated() {
            let text = index < texts.count ? texts[index] : ""
            layouts.append(try TextLayout(text, face: face, widthPoints: width - 2 * cellPadding, on: surface))
        }
        return layouts
    }

    private func rowHeight(_ cells: [TextLayout]) -> Double {
        (cells.map(\.height).max() ?? 0) + 2 * cellPadding
    }

    private func place(_ cells: [TextLayout], xs: [Double], colour: InkColour, into flow: inout PageFlow) {
        for (cell, x) in zip(cells, xs) {
            flow.place(.text(cell, lines: 0..<cell.lines.count, x: x + cellPadding, y: flow.y + cellPadding, colour: colour))
        }
    }
}
