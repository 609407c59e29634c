import Foundation
import Hummingbird

/// A JSON object request body with field accessors whose errors name the field.
struct JSONBody {
    let fields: [String: JSONValue]

    /// Reads the whole body (bounded by the body limit) as a JSON object: 415 for another
    /// content type, 400 for an empty body or anything but an object.
    static func read(_ request: Request, context: AppRequestContext) async throws -> JSONBody {
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/json") else {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type", "send the body as application/json")
        }
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { throw APIError.badRequest("the request body is empty") }
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView)),
              case .object(let fields) = value else {
            throw APIError.badRequest("the request body is not a JSON object")
        }
        return JSONBody(fields: fields)
    }

    func string(_ name: String, required: Bool = false, maxLength: Int = 10_000) throws -> String? {
        guard let value = fields[name], value != .null else {
            if required { throw APIError.badRequest("\(name) is required") }
            return nil
        }
        guard case .string(let text) = value else { throw APIError.badRequest("\(name) must be a string") }
        if required && text.trimmingCharacters(in: .whitespaces).isEmpty { throw APIError.badRequest("\(name) must not be empty") }
        guard text.count <= maxLength else { throw APIError.badRequest("\(name) must be at most \(maxLength) characters") }
        return text
    }

    func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let value = fields[name], value != .null else { return nil }
        guard case .number(let number) = value, let integer = Int(exactly: number) else {
            throw APIError.badRequest("\(name) must be an integer")
        }
        guard range.contains(integer) else {
            throw APIError.badRequest("\(name) must be from \(range.lowerBound) to \(range.upperBound)")
        }
        return integer
    }

    func bool(_ name: String) throws -> Bool? {
        guard let value = fields[name], value != .null else { return nil }
        guard case .bool(let flag) = value else { throw APIError.badRequest("\(name) must be true or false") }
        return flag
    }

    func strings(_ name: String) throws -> [String]? {
        guard let value = fields[name], value != .null else { return nil }
        guard case .array(let items) = value else { throw APIError.badRequest("\(name) must be an array of strings") }
        return try items.map { item in
            guard case .string(let text) = item else { throw APIError.badRequest("\(name) must be an array of strings") }
            return text
        }
    }
}
