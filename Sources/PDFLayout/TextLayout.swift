import CPangoCairo

/// One piece of text laid out by pango at a given width: its lines and their heights, drawable a range of
/// lines at a time so that a long text can run onto the next page. Owns the `PangoLayout`.
final class TextLayout {
    struct Line {
        /// From the layout's top, in points.
        let top: Double
        let height: Double
        /// From the layout's top to this line's baseline, in points.
        let baseline: Double
        /// How far a right- or centre-aligned line starts from the layout's left edge.
        let indent: Double
    }

    private let layout: OpaquePointer
    let lines: [Line]

    init(
        _ text: String, face: FontFace, widthPoints: Double, alignment: PangoAlignment = PANGO_ALIGN_LEFT,
        on surface: PDFSurface
    ) throws(PDFRenderError) {
        guard let layout = pango_cairo_create_layout(surface.context) else {
            throw PDFRenderError(.cairo, "pango_cairo_create_layout returned no layout")
        }
        self.layout = layout
        // Pango assumes a 96 dpi screen; a PDF's unit is the point, 72 to the inch, so sizes stay true.
        pango_cairo_context_set_resolution(pango_layout_get_context(layout), 72)
        pango_layout_context_changed(layout)
        pango_layout_set_font_description(layout, face.description)
        pango_layout_set_width(layout, Int32((widthPoints * Double(PANGO_SCALE)).rounded(.down)))
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        pango_layout_set_alignment(layout, alignment)
        var utf8 = Array(Self.visibleControls(text).utf8)
        utf8.withUnsafeMutableBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                pango_layout_set_text(layout, chars.baseAddress, Int32(chars.count))
            }
        }
        lines = Self.measureLines(layout)
    }

    /// Pango stops at a NUL and draws nothing for other control characters, and the fonts have no control
    /// pictures; evidence must show every character it holds, so each C0 control but the line breaks pango
    /// keeps (line feed, carriage return) and tab, and DEL, is written as its code point, "[U+0007]".
    static func visibleControls(_ text: String) -> String {
        func hidden(_ scalar: Unicode.Scalar) -> Bool {
            (scalar.value < 0x20 && scalar != "\n" && scalar != "\r" && scalar != "\t") || scalar.value == 0x7F
        }
        guard text.unicodeScalars.contains(where: hidden) else { return text }
        var shown = ""
        for scalar in text.unicodeScalars {
            if hidden(scalar) {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                shown += "[U+" + String(repeating: "0", count: 4 - hex.count) + hex + "]"
            } else {
                shown.unicodeScalars.append(scalar)
            }
        }
        return shown
    }

    deinit {
        g_object_unref(UnsafeMutableRawPointer(layout))
    }

    var height: Double {
        guard let last = lines.last else { return 0 }
        return last.top + last.height
    }

    /// Draws lines `range` so that the first of them has its top at `y`.
    func draw(lines range: Range<Int>, x: Double, y: Double, on surface: PDFSurface) {
        guard let first = range.first, first < lines.count else { return }
        let offset = y - lines[first].top
        for index in range where index < lines.count {
            guard let line = pango_layout_get_line_readonly(layout, Int32(index)) else { continue }
            cairo_move_to(surface.context, x + lines[index].indent, offset + lines[index].baseline)
            pango_cairo_show_layout_line(surface.context, line)
        }
    }

    private static func measureLines(_ layout: OpaquePointer) -> [Line] {
        guard let iter = pango_layout_get_iter(layout) else { return [] }
        defer { pango_layout_iter_free(iter) }
        let scale = Double(PANGO_SCALE)
        var lines: [Line] = []
        repeat {
            var logical = PangoRectangle()
            pango_layout_iter_get_line_extents(iter, nil, &logical)
            lines.append(
                Line(
                    top: Double(logical.y) / scale, height: Double(logical.height) / scale,
                    baseline: Double(pango_layout_iter_get_baseline(iter)) / scale,
                    indent: Double(logical.x) / scale))
        } while pango_layout_iter_next_line(iter) != 0
        return lines
    }
}
