import Foundation
import Hummingbird
import NIOCore

/// Ollama's response shapes: JSON objects, `{"error": ...}` bodies, and NDJSON streams.
enum StandInWire {
    static func data(_ object: [String: Any]) -> Data {
        // Sorted keys keep recorded answers stable from run to run.
        let options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
        return (try? JSONSerialization.data(withJSONObject: object, options: options)) ?? Data("{}".utf8)
    }

    static func json(_ object: [String: Any], status: Int = 200) -> Response {
        Response(
            status: HTTPResponse.Status(code: status),
            headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data(object))))
    }

    /// Ollama's error body: `{"error": "..."}` with the status.
    static func error(_ message: String, status: Int) -> Response {
        json(["error": message], status: status)
    }

    /// An NDJSON stream of `lines`, one JSON object per line, `delay` apart. With
    /// `errorAfter`, only that many lines go out before an `{"error": ...}` line, as Ollama
    /// does when the model fails after the HTTP 200 status has been sent.
    static func ndjson(
        _ lines: [[String: Any]], delay: Duration, errorAfter: (count: Int, message: String)? = nil
    ) -> Response {
        var payloads = lines.map { data($0) }
        if let errorAfter {
            payloads = Array(payloads.prefix(errorAfter.count)) + [data(["error": errorAfter.message])]
        }
        let chunks = payloads
        return Response(
            status: .ok,
            headers: [.contentType: "application/x-ndjson"],
            body: ResponseBody { writer in
                for (index, payload) in chunks.enumerated() {
                    if index > 0, delay > .zero { try await Task.sleep(for: delay) }
                    var buffer = ByteBuffer(bytes: payload)
                    buffer.writeString("\n")
                    try await writer.write(buffer)
                }
                try await writer.finish(nil)
            })
    }

    /// Ollama's timestamp format: RFC 3339 in UTC with fractional seconds.
    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }

    /// Reads an integer sent as a JSON number (JSONSerialization gives NSNumber).
    static func int(_ value: Any?) -> Int? {
        guard let number = value as? NSNumber, !isBool(number) else { return nil }
        return number.intValue
    }

    static func double(_ value: Any?) -> Double? {
        guard let number = value as? NSNumber, !isBool(number) else { return nil }
        return number.doubleValue
    }

    static func bool(_ value: Any?) -> Bool? {
        guard let number = value as? NSNumber, isBool(number) else { return nil }
        return number.boolValue
    }

    /// JSON booleans arrive as NSNumbers of C type `char`; JSON numbers never do.
    private static func isBool(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }
}
