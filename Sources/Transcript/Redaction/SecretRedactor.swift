import Foundation

/// Masks secrets in text before it is stored: cloud and API keys, tokens, JWTs, private
/// key blocks, passwords in URLs, bearer tokens, and `PASSWORD=`/`SECRET:`/`TOKEN=`-style
/// assignments (the value only).
///
/// Safe on a raw JSON line: a mask is `[REDACTED:kind]`, with no quote or backslash, and
/// it never replaces part of an escape, so the line stays valid JSON. Ordinary code
/// (`let token = parseToken(input)`, `password: String`, `TOKEN_LIMIT = 100`) is left
/// alone. Patterns are compiled once per process; a cheap byte scan finds the spots worth
/// a closer look, and the expressions run only around those.
public struct SecretRedactor: Sendable {
    public init() {}

    /// The text with secrets masked as `[REDACTED:kind]`, and how many were masked.
    public func redact(_ text: String) -> (text: String, count: Int) {
        let hits = SecretCandidates.hits(in: text)
        guard !hits.isEmpty else { return (text, 0) }

        let utf16 = text.utf16
        let windows = Self.windows(for: hits, in: text)
        var masks: [(range: NSRange, name: String)] = []
        for pattern in SecretPattern.all {
            guard let ranges = windows[pattern.candidate.rawValue] else { continue }
            for window in ranges {
                // Matching a window's own copy keeps the expression from converting the
                // whole line to UTF-16 on every call. A little context before the window
                // lets the start-of-token lookbehinds see what precedes it.
                let lower = Self.scalarAligned(utf16.index(utf16.startIndex, offsetBy: max(0, window.location - 2)), in: text)
                let upper = Self.scalarAligned(utf16.index(utf16.startIndex, offsetBy: NSMaxRange(window)), in: text)
                let pieceStart = utf16.distance(from: utf16.startIndex, to: lower)
                let piece = String(text[lower..<upper])
                let searchStart = max(0, window.location - pieceStart)
                let searched = NSRange(location: searchStart, length: max(0, piece.utf16.count - searchStart))
                for match in pattern.regex.matches(in: piece, options: [.withTransparentBounds], range: searched) {
                    let local = match.range(at: pattern.group)
                    guard local.location != NSNotFound, local.length > 0,
                          let swiftRange = Range(local, in: piece), pattern.accepts(piece[swiftRange])
                    else { continue }
                    let range = NSRange(location: pieceStart + local.location, length: local.length)
                    guard !masks.contains(where: { NSIntersectionRange($0.range, range).length > 0 }) else { continue }
                    masks.append((range, pattern.name))
                }
            }
        }
        guard !masks.isEmpty else { return (text, 0) }

        let result = NSMutableString(string: text)
        for mask in masks.sorted(by: { $0.range.location > $1.range.location }) {
            result.replaceCharacters(in: mask.range, with: "[REDACTED:\(mask.name)]")
        }
        return (result as String, masks.count)
    }

    /// Whether the text holds anything the patterns would mask.
    public func containsSecret(_ text: String) -> Bool {
        redact(text).count > 0
    }

    /// The index itself, or the start of the character it falls inside (the middle of a
    /// surrogate pair).
    private static func scalarAligned(_ index: String.Index, in text: String) -> String.Index {
        var index = index
        while index > text.startIndex, index.samePosition(in: text.unicodeScalars) == nil {
            index = text.utf16.index(before: index)
        }
        return index
    }

    /// The UTF-16 ranges to search per kind: a window around each hit, overlaps merged.
    private static func windows(for hits: [SecretCandidates.Hit], in text: String) -> [UInt32: [NSRange]] {
        let length = text.utf16.count
        var byKind: [UInt32: [NSRange]] = [:]
        for hit in hits {
            let index = text.utf8.index(text.utf8.startIndex, offsetBy: hit.offset)
            let position = text.utf16.distance(from: text.utf16.startIndex, to: index)
            let (before, after) = hit.window
            let start = max(0, position - before)
            let end = min(length, position + after)
            var ranges = byKind[hit.kind.rawValue, default: []]
            // Hits arrive in text order, so only the last window can overlap the new one.
            if let last = ranges.last, NSMaxRange(last) >= start {
                ranges[ranges.count - 1] = NSRange(location: last.location, length: max(NSMaxRange(last), end) - last.location)
            } else {
                ranges.append(NSRange(location: start, length: end - start))
            }
            byKind[hit.kind.rawValue] = ranges
        }
        return byKind
    }
}
