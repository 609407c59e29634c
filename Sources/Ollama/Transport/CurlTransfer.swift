import CCurl

/// Performs one HTTP exchange with libcurl's easy interface. Blocking: callers run it on
/// the client's thread pool, never on an event loop or the cooperative pool.
enum CurlTransfer {
    /// `curl_global_init` is not thread-safe and must run once, before any handle exists;
    /// a static's lazy initialisation runs exactly once.
    private static let globalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    /// Sends `request`, feeding the answer's bytes to `context`, and returns the HTTP status.
    /// A stop requested by `context` (cancellation, idle timeout, a stream error line)
    /// is thrown as its error.
    static func perform(_ request: TransportRequest, context: TransferContext) throws(OllamaError) -> Int {
        guard globalInit == CURLE_OK, let handle = curl_easy_init() else {
            throw .transport("libcurl could not be initialised")
        }
        defer { curl_easy_cleanup(handle) }
        let errorText = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorText.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        defer { errorText.deallocate() }
        var headers: UnsafeMutablePointer<curl_slist>?
        headers = curl_slist_append(headers, "Content-Type: application/json")
        // An empty Expect header stops curl from waiting for "100 Continue" before large bodies.
        headers = curl_slist_append(headers, "Expect:")
        defer { curl_slist_free_all(headers) }

        context.handle = handle
        defer { context.handle = nil }
        let opaque = Unmanaged.passUnretained(context).toOpaque()

        ccurl_setopt_string(handle, CURLOPT_URL, request.url)
        ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorText)
        ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headers)
        ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, request.connectTimeout.curlMilliseconds)
        if case .total(let limit) = request.deadline {
            ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, limit.curlMilliseconds)
        }
        ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, opaque)
        ccurl_setopt_write_function(handle) { data, size, count, userdata in
            guard let userdata else { return 0 }
            let context = Unmanaged<TransferContext>.fromOpaque(userdata).takeUnretainedValue()
            let bytes = UnsafeRawBufferPointer(start: data, count: size * count)
            // Returning fewer bytes than given makes curl abort with CURLE_WRITE_ERROR.
            return context.receive(bytes) ? size * count : 0
        }
        ccurl_setopt_long(handle, CURLOPT_NOPROGRESS, 0)
        ccurl_setopt_pointer(handle, CURLOPT_XFERINFODATA, opaque)
        ccurl_setopt_xferinfo_function(handle) { userdata, _, _, _, _ in
            guard let userdata else { return 0 }
            return Unmanaged<TransferContext>.fromOpaque(userdata).takeUnretainedValue().tick() ? 0 : 1
        }
        switch request.method {
        case .get:
            ccurl_setopt_long(handle, CURLOPT_HTTPGET, 1)
        case .post:
            let body = request.body ?? []
            ccurl_setopt_long(handle, CURLOPT_POST, 1)
            ccurl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, body.count)
            // COPYPOSTFIELDS copies now, so the body's lifetime does not have to span the transfer.
            _ = body.withUnsafeBytes { buffer in
                if let base = buffer.baseAddress {
                    ccurl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: base))
                } else {
                    ccurl_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, "")
                }
            }
        }

        let code = curl_easy_perform(handle)
        if code == CURLE_OK { context.finishLines() }
        if let reason = context.stopReason { throw reason }
        guard code == CURLE_OK else {
            throw failure(code, detail: String(cString: errorText), handle: handle, url: request.url)
        }
        var status = 0
        ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return status
    }

    /// Maps a curl failure to the error callers can act on: could not connect, too slow, or
    /// a connection that broke.
    private static func failure(
        _ code: CURLcode, detail: String, handle: UnsafeMutableRawPointer, url: String
    ) -> OllamaError {
        let reason = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        switch code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .unreachable(reason)
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .unreachable("invalid Ollama URL \(url): \(reason)")
        case CURLE_OPERATION_TIMEDOUT:
            // curl reports a connect timeout with the same code; zero connect time tells them apart.
            var connectMicros: curl_off_t = 0
            ccurl_getinfo_off_t(handle, CURLINFO_CONNECT_TIME_T, &connectMicros)
            return connectMicros == 0 ? .unreachable(reason) : .timeout
        default:
            return .transport(reason)
        }
    }
}
