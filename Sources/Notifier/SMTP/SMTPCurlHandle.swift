import CCurl

/// One libcurl easy handle set up for SMTP (DESIGN example 5: the `final class` owns the C handle and its
/// `deinit` frees it). It is reused message after message, so libcurl keeps the SMTP connection open between
/// them. Confined to the one worker thread that created it; never shared.
///
/// Everything libcurl points at during a transfer lives at least as long as the transfer: the error buffer as
/// long as the handle, the recipient list and the upload state for the duration of ``deliver(_:envelope:)``,
/// after which the handle's pointers to them are cleared again.
final class SMTPCurlHandle {
    private let easy: CurlEasyHandle
    private var handle: UnsafeMutableRawPointer { easy.pointer }

    init(configuration: SMTPConfiguration) throws(SMTPConfigurationError) {
        guard let easy = CurlEasyHandle() else {
            throw SMTPConfigurationError(.curlUnavailable, context: "curl_easy_init() failed")
        }
        self.easy = easy
        try configure(configuration)
    }

    private func configure(_ configuration: SMTPConfiguration) throws(SMTPConfigurationError) {
        func check(_ code: CURLcode, _ option: String) throws(SMTPConfigurationError) {
            guard code == CURLE_OK else {
                let text = String(cString: curl_easy_strerror(code))
                throw SMTPConfigurationError(.curlUnavailable, context: "libcurl refused \(option): \(text)")
            }
        }
        let secure = configuration.security != .plaintextOnLoopback
        let responseTimeout = max(1, CurlEasyHandle.milliseconds(configuration.totalTimeout) / 1000)

        try check(ccurl_setopt_string(handle, CURLOPT_URL, configuration.url), "CURLOPT_URL")
        try check(
            ccurl_setopt_string(
                handle, CURLOPT_PROTOCOLS_STR, configuration.security == .implicitTLS ? "smtps" : "smtp"),
            "CURLOPT_PROTOCOLS_STR")
        try check(
            ccurl_setopt_long(
                handle, CURLOPT_USE_SSL, Int(secure ? CURLUSESSL_ALL.rawValue : CURLUSESSL_NONE.rawValue)),
            "CURLOPT_USE_SSL")
        try check(ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1), "CURLOPT_SSL_VERIFYPEER")
        try check(ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2), "CURLOPT_SSL_VERIFYHOST")
        if secure {
            try check(
                ccurl_setopt_long(handle, CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2),
                "CURLOPT_SSLVERSION")
        }
        if let caFile = configuration.caFile {
            try check(ccurl_setopt_string(handle, CURLOPT_CAINFO, caFile), "CURLOPT_CAINFO")
        }
        if let username = configuration.username {
            try check(ccurl_setopt_string(handle, CURLOPT_USERNAME, username), "CURLOPT_USERNAME")
        }
        if let password = configuration.password {
            try check(ccurl_setopt_string(handle, CURLOPT_PASSWORD, password), "CURLOPT_PASSWORD")
        }
        try check(
            ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, CurlEasyHandle.milliseconds(configuration.connectTimeout)),
            "CURLOPT_CONNECTTIMEOUT_MS")
        try check(
            ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, CurlEasyHandle.milliseconds(configuration.totalTimeout)),
            "CURLOPT_TIMEOUT_MS")
        // Bounds each wait for a reply, including the QUIT that curl_easy_cleanup sends, to which the total
        // timeout does not apply.
        try check(
            ccurl_setopt_long(handle, CURLOPT_SERVER_RESPONSE_TIMEOUT, responseTimeout),
            "CURLOPT_SERVER_RESPONSE_TIMEOUT")
        try check(ccurl_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1), "CURLOPT_TCP_KEEPALIVE")
        // One cached connection per handle: the one this handle keeps reusing.
        try check(ccurl_setopt_long(handle, CURLOPT_MAXCONNECTS, 1), "CURLOPT_MAXCONNECTS")
        try check(ccurl_setopt_long(handle, CURLOPT_UPLOAD, 1), "CURLOPT_UPLOAD")
        try check(
            ccurl_setopt_read_callback(handle) { buffer, size, count, userdata in
                guard let buffer, let userdata else { return Int(CURL_READFUNC_ABORT) }
                let transfer = Unmanaged<SMTPTransferState>.fromOpaque(userdata).takeUnretainedValue()
                return transfer.read(into: buffer, capacity: size * count)
            },
            "CURLOPT_READFUNCTION")
        // With CURLOPT_HEADERDATA set and no CURLOPT_HEADERFUNCTION, libcurl hands every SMTP reply line
        // (pingpong "headers") to the write function with the header userdata; SMTP uploads have no body, so
        // everything this callback sees is server replies.
        try check(
            ccurl_setopt_write_callback(handle) { data, size, count, userdata in
                let length = size * count
                guard let data, let userdata else { return length }
                let transfer = Unmanaged<SMTPTransferState>.fromOpaque(userdata).takeUnretainedValue()
                transfer.replies.consume(UnsafeRawBufferPointer(start: data, count: length))
                return length
            },
            "CURLOPT_WRITEFUNCTION")
    }

    /// Sends one message over this handle's connection (opening one when there is none or it died) and
    /// reports what happened. Blocks for up to the total timeout: call it only from a dedicated thread.
    func deliver(_ message: [UInt8], envelope: SMTPEnvelope) -> SMTPAttemptResult {
        easy.clearError()
        var recipients: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(recipients) }
        for recipient in envelope.recipients {
            guard let appended = curl_slist_append(recipients, recipient) else {
                return SMTPAttemptResult(localFailure: CURLE_OUT_OF_MEMORY, text: "out of memory building RCPT list")
            }
            recipients = appended
        }

        let transfer = SMTPTransferState(message: message)
        let userdata = Unmanaged.passUnretained(transfer).toOpaque()
        var setup = ccurl_setopt_string(handle, CURLOPT_MAIL_FROM, envelope.from)
        for (option, value) in [
            (CURLOPT_READDATA, userdata), (CURLOPT_WRITEDATA, userdata), (CURLOPT_HEADERDATA, userdata),
        ] where setup == CURLE_OK {
            setup = ccurl_setopt_pointer(handle, option, value)
        }
        if setup == CURLE_OK { setup = ccurl_setopt_slist(handle, CURLOPT_MAIL_RCPT, recipients) }
        if setup == CURLE_OK { setup = ccurl_setopt_long(handle, CURLOPT_INFILESIZE, message.count) }

        let code: CURLcode
        if setup == CURLE_OK {
            code = withExtendedLifetime(transfer) { curl_easy_perform(handle) }
        } else {
            code = setup
        }

        // The list and the transfer state die with this call; leave the handle pointing at neither.
        _ = ccurl_setopt_slist(handle, CURLOPT_MAIL_RCPT, nil)
        for option in [CURLOPT_READDATA, CURLOPT_WRITEDATA, CURLOPT_HEADERDATA] {
            _ = ccurl_setopt_pointer(handle, option, nil)
        }

        var responseCode = 0
        var newConnections = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &responseCode)
        _ = ccurl_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &newConnections)
        let text = easy.errorText(for: code)
        return SMTPAttemptResult(
            code: code,
            responseCode: responseCode,
            replies: transfer.replies.replies,
            curlText: text,
            newConnections: newConnections
        )
    }
}

/// What one `curl_easy_perform` produced, before classification.
struct SMTPAttemptResult: Sendable {
    var code: CURLcode
    /// CURLINFO_RESPONSE_CODE: the code of the last reply in this transfer, 0 when the server said nothing.
    var responseCode: Int
    /// The complete replies seen in this transfer, in order (the last few dozen at most).
    var replies: [SMTPReply]
    /// libcurl's error text (CURLOPT_ERRORBUFFER, else curl_easy_strerror); names hosts, never addresses.
    var curlText: String
    /// CURLINFO_NUM_CONNECTS: how many connections this transfer opened (0 when it reused one).
    var newConnections: Int

    init(
        code: CURLcode, responseCode: Int, replies: [SMTPReply], curlText: String, newConnections: Int
    ) {
        self.code = code
        self.responseCode = responseCode
        self.replies = replies
        self.curlText = curlText
        self.newConnections = newConnections
    }

    init(localFailure code: CURLcode, text: String) {
        self.init(code: code, responseCode: 0, replies: [], curlText: text, newConnections: 0)
    }
}

/// The state of one transfer that libcurl's callbacks reach through their userdata pointer: the message being
/// uploaded and the replies read so far. Lives on the worker thread's stack for one `deliver` call.
final class SMTPTransferState {
    private let message: [UInt8]
    private var offset = 0
    var replies = SMTPReplyParser()

    init(message: [UInt8]) {
        self.message = message
    }

    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        let count = min(capacity, message.count - offset)
        guard count > 0 else { return 0 }
        message.withUnsafeBytes { bytes in
            guard let start = bytes.baseAddress else { return }
            UnsafeMutableRawPointer(buffer).copyMemory(from: start + offset, byteCount: count)
        }
        offset += count
        return count
    }
}
