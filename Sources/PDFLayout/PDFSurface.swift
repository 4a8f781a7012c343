import CPangoCairo

/// A cairo PDF surface and its drawing context, writing the document into memory. Owns both handles.
final class PDFSurface {
    /// Collects what cairo writes; the stream callback reaches it through an unretained pointer, which is
    /// safe because the surface that calls back is owned by the same `PDFSurface` and finished before it.
    private final class ByteSink {
        var bytes: [UInt8] = []
    }

    let surface: OpaquePointer
    let context: OpaquePointer
    private let sink: ByteSink
    private var finished = false

    init(widthPoints: Double, heightPoints: Double) throws(PDFRenderError) {
        let sink = ByteSink()
        let write: cairo_write_func_t = { closure, data, length in
            guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
            let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
            sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
            return CAIRO_STATUS_SUCCESS
        }
        guard
            let surface = cairo_pdf_surface_create_for_stream(
                write, Unmanaged.passUnretained(sink).toOpaque(), widthPoints, heightPoints)
        else { throw PDFRenderError(.cairo, "cairo_pdf_surface_create_for_stream returned no surface") }
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS, let context = cairo_create(surface) else {
            let status = cairo_surface_status(surface)
            cairo_surface_destroy(surface)
            throw PDFRenderError(.cairo, "surface: \(Self.describe(status))")
        }
        self.surface = surface
        self.context = context
        self.sink = sink
    }

    deinit {
        cairo_destroy(context)
        if !finished { cairo_surface_finish(surface) }
        cairo_surface_destroy(surface)
    }

    func setMetadata(title: String, creationDate: String) {
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, creationDate)
    }

    func showPage() {
        cairo_show_page(context)
    }

    /// Ends the document and returns its bytes.
    func finish() throws(PDFRenderError) -> [UInt8] {
        cairo_surface_finish(surface)
        finished = true
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else { throw PDFRenderError(.cairo, "finish: \(Self.describe(status))") }
        return sink.bytes
    }

    static func describe(_ status: cairo_status_t) -> String {
        guard let text = cairo_status_to_string(status) else { return "status \(status.rawValue)" }
        return String(cString: text)
    }
}
