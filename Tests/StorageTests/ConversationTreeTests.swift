@testable import Storage
import Testing

@Suite("The main-chain walk over a compact entry tree")
struct ConversationTreeTests {
    /// One entry: its uuid, parent, minute of the timestamp, and flags.
    struct Line {
        let uuid: String
        let parent: String?
        var minute: Int? = nil
        var sidechain = false
        var inTree = true
    }

    /// The uuids on the main chain, in file order.
    private func mainChain(_ lines: [Line]) -> [String] {
        var tree = ConversationTree()
        for line in lines {
            tree.add(uuid: line.uuid, parent: line.parent, timestamp: line.minute.map { "2026-01-01T10:\($0 < 10 ? "0" : "")\($0):00.000Z" },
                     isSidechain: line.sidechain, inTree: line.inTree)
        }
        #expect(tree.count == lines.count)
        return zip(lines, tree.mainChain()).filter(\.1).map(\.0.uuid)
    }

    private static let uuids = (0..<8).map { "0000000\($0)-aaaa-4bbb-8ccc-dddddddddddd" }

    @Test("the newest leaf wins; a rewound branch, a newer sidechain and bookkeeping stay off")
    func newestLeaf() {
        #expect(mainChain([
            Line(uuid: "a", parent: nil, minute: 1),
            Line(uuid: "b1", parent: "a", minute: 2),
            Line(uuid: "b2", parent: "a", minute: 3),
            Line(uuid: "side", parent: "b2", minute: 9, sidechain: true),
            Line(uuid: "c", parent: "b2", minute: 4),
            Line(uuid: "sha256:1", parent: "c", minute: 8, inTree: false),
        ]) == ["a", "b2", "c"])
    }

    @Test("an entry written before its parent links to it, and the parent is no leaf")
    func childBeforeParent() {
        let u = Self.uuids
        #expect(mainChain([
            Line(uuid: u[2], parent: u[1], minute: 3),
            Line(uuid: u[0], parent: nil, minute: 1),
            // Newer than u[2], but u[2] names it as its parent.
            Line(uuid: u[1], parent: u[0], minute: 5),
            Line(uuid: u[3], parent: u[0], minute: 2),
        ]) == [u[2], u[0], u[1]])
    }

    @Test("of two leaves at the same time the later line wins; a leaf without a time is the oldest")
    func ties() {
        #expect(mainChain([
            Line(uuid: "a", parent: nil, minute: 1),
            Line(uuid: "b", parent: "a", minute: 2),
            Line(uuid: "c", parent: "a", minute: 2),
            Line(uuid: "d", parent: "a"),
        ]) == ["a", "c"])
    }

    @Test("a cycle or a missing parent ends the walk")
    func brokenLinks() {
        #expect(mainChain([
            Line(uuid: "a", parent: "b", minute: 1),
            Line(uuid: "b", parent: "a", minute: 2),
        ]) == [])
        #expect(mainChain([
            Line(uuid: "a", parent: "gone", minute: 1),
            Line(uuid: "b", parent: "a", minute: 2),
        ]) == ["a", "b"])
        #expect(mainChain([Line(uuid: "self", parent: "self", minute: 1)]) == [])
    }

    @Test("uuids link by their exact text: the same uuid in capitals is another entry")
    func uuidForms() {
        let lower = Self.uuids[4]
        let upper = lower.uppercased()
        #expect(mainChain([
            Line(uuid: lower, parent: nil, minute: 1),
            Line(uuid: upper, parent: nil, minute: 2),
            Line(uuid: "child", parent: upper, minute: 3),
        ]) == [upper, "child"])
        #expect(UUIDBits(lower) == UUIDBits("00000004-aaaa-4bbb-8ccc-dddddddddddd"))
        #expect(UUIDBits(lower) != UUIDBits(Self.uuids[5]))
        for text in [upper, "0000000-aaaa-4bbb-8ccc-dddddddddddd0", String(lower.dropLast()), lower + "0", "sha256:abc", ""] {
            #expect(UUIDBits(text) == nil, "\(text)")
        }
    }
}
