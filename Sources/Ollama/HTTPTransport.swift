import CCurl
import Foundation

/// Blocking HTTP over libcurl, for the Ollama client. Callers run it on their own thread
/// pool, never on an event loop.
struct HTTPTransport: Sendable {
    struct Response: Sendable {
        let status: Int
        let body: [UInt8]
    }

    enum Failure: Error, Equatable {
        case unreachable(String)
        case timeout
        case other(String)
    }

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    /// Performs one request; `timeout` bounds the whole exchange.
    static func perform(method: String, url: String, body: [UInt8]?, timeout: Duration, connectTimeout: Duration) throws(Failure) -> Response {
        _ = globalInit
        guard let handle = curl_easy_init() else { throw .other("curl_easy_init failed") }
        defer { curl_easy_cleanup(handle) }
        let sink = ResponseSink()
        let unmanaged = Unmanaged.passRetained(sink)
        defer { unmanaged.release() }
        var headers: UnsafeMutablePointer<curl_slist>?
        headers = curl_slist_append(headers, "Content-Type: application/json")
        defer { curl_slist_free_all(headers) }

        ccurl_setopt_string(handle, CURLOPT_URL, url)
        ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method)
        ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, milliseconds(timeout))
        ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(connectTimeout))
        ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headers)
        ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, unmanaged.toOpaque())
        ccurl_setopt_write_function(handle) { data, size, count, context in
            guard let data, let context else { return 0 }
            let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
            sink.bytes.append(contentsOf: UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        }
        var payload = body ?? []
        let code: CURLcode = payload.withUnsafeMutableBytes { buffer in
            if body != nil {
                ccurl_setopt_pointer(handle, CURLOPT_POSTFIELDS, buffer.baseAddress)
                ccurl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, buffer.count)
            }
            return curl_easy_perform(handle)
        }
        switch code {
        case CURLE_OK: break
        case CURLE_OPERATION_TIMEDOUT: throw .timeout
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            throw .unreachable(String(cString: curl_easy_strerror(code)))
        default: throw .other(String(cString: curl_easy_strerror(code)))
        }
        var status = 0
        ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return Response(status: status, body: sink.bytes)
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}

/// Collects a response body; touched only by the thread running the transfer.
private final class ResponseSink: @unchecked Sendable {
    var bytes: [UInt8] = []
}
