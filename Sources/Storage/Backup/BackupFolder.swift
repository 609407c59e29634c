import Crypto
import Foundation

/// The folder that holds backups (`database.backup_path`): each backup file with its JSON
/// manifest beside it. Files being written carry a leading `.` and a `.partial` suffix
/// until they are complete, so a listing never shows half a backup.
struct BackupFolder: Sendable {
    let url: URL

    init(path: String) {
        url = URL(fileURLWithPath: path, isDirectory: true)
    }

    func create() throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    func manifestFile(_ name: String) -> URL { url.appendingPathComponent(name + ".json") }

    /// Where a backup named `name` is written before it is complete.
    func partialFile(_ name: String) -> URL { url.appendingPathComponent("." + name + ".partial") }

    /// Moves a finished file into place and writes its manifest (atomically) after it.
    func publish(_ partial: URL, as manifest: BackupManifest) throws {
        try FileManager.default.moveItem(at: partial, to: file(manifest.fileName))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(manifest).write(to: manifestFile(manifest.fileName), options: .atomic)
    }

    /// The manifest of the backup named `name` (validated first), or `notFound` when the
    /// backup or its manifest is missing.
    func manifest(named name: String) throws -> BackupManifest {
        try BackupName.validate(name)
        guard FileManager.default.fileExists(atPath: file(name).path),
              let data = try? Data(contentsOf: manifestFile(name)),
              let manifest = try? JSONDecoder().decode(BackupManifest.self, from: data),
              manifest.fileName == name
        else { throw BackupError.notFound(name) }
        return manifest
    }

    /// Every complete backup, newest first. Manifests that do not decode, or whose file is
    /// gone, are left out.
    func list() -> [BackupManifest] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: url.path) else { return [] }
        return names.filter { $0.hasSuffix(".json") }
            .compactMap { try? manifest(named: String($0.dropLast(5))) }
            .sorted { ($0.createdAt, $0.fileName) > ($1.createdAt, $1.fileName) }
    }

    /// Deletes a backup and its manifest (the manifest first, so it is never listed without
    /// its file).
    func remove(_ name: String) throws {
        try BackupName.validate(name)
        try? FileManager.default.removeItem(at: manifestFile(name))
        try? FileManager.default.removeItem(at: file(name))
    }

    /// SHA-256 of a file, read in 1 MiB pieces, lowercase hex; and its size.
    static func checksum(of file: URL) throws -> (sha256: String, size: Int64) {
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            size += Int64(chunk.count)
        }
        return (hasher.finalize().hexString, size)
    }
}
