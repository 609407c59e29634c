import CCurl

/// What libcurl's callbacks see during one transfer: where the bytes go, and whether to stop.
/// Touched only by the thread running `curl_easy_perform`, except for `cancellation`.
final class TransferContext {
    /// What a line consumer wants after a line.
    enum LineVerdict {
        case proceed
        /// Stop the transfer with this error as its outcome.
        case stop(OllamaError)
    }

    /// Ollama's biggest answers (`/api/show` with verbose metadata) are a few MB.
    static let maxBodyBytes = 64 << 20

    let cancellation: CancellationFlag
    /// Receives each line of a 2xx answer; `nil` collects the body instead.
    private let lineConsumer: ((ArraySlice<UInt8>) -> LineVerdict)?
    private let idleLimit: Duration?
    var handle: UnsafeMutableRawPointer?

    private(set) var status = 0
    /// The whole body, or for streamed transfers the body of a non-2xx answer.
    private(set) var body: [UInt8] = []
    /// Why a callback stopped the transfer.
    private(set) var stopReason: OllamaError?
    private var lines = NDJSONLineBuffer()
    private var lastActivity = ContinuousClock.now

    init(cancellation: CancellationFlag, idleLimit: Duration?, lineConsumer: ((ArraySlice<UInt8>) -> LineVerdict)?) {
        self.cancellation = cancellation
        self.idleLimit = idleLimit
        self.lineConsumer = lineConsumer
    }

    private var streamsLines: Bool { lineConsumer != nil && (200..<300).contains(status) }

    /// Takes bytes from the write callback; `false` aborts the transfer.
    func receive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        lastActivity = .now
        if status == 0, let handle {
            var code = 0
            ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
            status = code
        }
        guard streamsLines, let lineConsumer else {
            guard body.count + bytes.count <= Self.maxBodyBytes else {
                return stop(.invalidResponse("answer larger than \(Self.maxBodyBytes) bytes"))
            }
            body.append(contentsOf: bytes)
            return true
        }
        do {
            return try lines.append(bytes) { line in
                if case .stop(let reason) = lineConsumer(line) {
                    stopReason = reason
                    return false
                }
                return true
            }
        } catch {
            return stop(.invalidResponse("a streamed line exceeded \(lines.maxLineBytes) bytes"))
        }
    }

    /// Called by the progress callback, several times a second and at least once a second
    /// while the connection is silent; `false` aborts the transfer.
    func tick() -> Bool {
        if cancellation.isCancelled { return stop(.cancelled) }
        if let idleLimit, ContinuousClock.now - lastActivity > idleLimit { return stop(.timeout) }
        return true
    }

    /// Delivers a final line that had no newline; a stop it causes becomes `stopReason`.
    func finishLines() {
        guard streamsLines, let lineConsumer else { return }
        _ = lines.finish { line in
            if case .stop(let reason) = lineConsumer(line) {
                stopReason = reason
                return false
            }
            return true
        }
    }

    private func stop(_ reason: OllamaError) -> Bool {
        stopReason = reason
        return false
    }
}
