import CCurl

/// Owns one `CURLU` and frees it when released.
final class CurlURLHandle {
    let pointer: OpaquePointer

    init?() {
        guard let pointer = curl_url() else { return nil }
        self.pointer = pointer
    }

    deinit {
        curl_url_cleanup(pointer)
    }

    func part(_ what: CURLUPart, flags: UInt32 = 0) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard curl_url_get(pointer, what, &value, flags) == CURLUE_OK, let value else { return nil }
        defer { curl_free(value) }
        return String(cString: value)
    }
}
