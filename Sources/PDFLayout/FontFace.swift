import CPangoCairo

/// A pango font description ("DejaVu Sans Bold 9"), owned and freed here.
final class FontFace {
    let description: OpaquePointer

    init(_ name: String) throws(PDFRenderError) {
        guard let description = pango_font_description_from_string(name) else {
            throw PDFRenderError(.font, "no font description for \(name)")
        }
        self.description = description
    }

    deinit {
        pango_font_description_free(description)
    }
}

/// The faces a document uses. DejaVu covers Latin, Greek and Cyrillic; fontconfig finds another face for a
/// script it lacks, so a consumer's name is never dropped.
final class DocumentFaces {
    let title: FontFace
    let heading: FontFace
    let subheading: FontFace
    let body: FontFace
    let bodyBold: FontFace
    let fixed: FontFace
    let small: FontFace

    init() throws(PDFRenderError) {
        title = try FontFace("DejaVu Sans Bold 16")
        heading = try FontFace("DejaVu Sans Bold 12")
        subheading = try FontFace("DejaVu Sans Bold 9.5")
        body = try FontFace("DejaVu Sans 9")
        bodyBold = try FontFace("DejaVu Sans Bold 9")
        fixed = try FontFace("DejaVu Sans Mono 8")
        small = try FontFace("DejaVu Sans 7.5")
    }
}
