/// A node of a session's entry tree, as the main-chain walk needs it.
struct ChainNode {
    let uuid: String
    let parent: String?
    let timestamp: String?
    let isSidechain: Bool
    /// Lines without a Claude uuid (bookkeeping) are not part of the conversation tree.
    let inTree: Bool

    /// The uuids on the main chain: from the newest non-sidechain leaf (by timestamp, ties
    /// by file order) back through parents to the root. Linear time; a cycle or a missing
    /// parent ends the walk instead of hanging it.
    static func mainChain(_ nodes: [ChainNode]) -> Set<String> {
        var byUUID: [String: Int] = [:]
        var hasChild = Set<String>()
        for (index, node) in nodes.enumerated() where node.inTree {
            byUUID[node.uuid] = index
            if let parent = node.parent { hasChild.insert(parent) }
        }
        var newest: Int?
        for (index, node) in nodes.enumerated() where node.inTree && !node.isSidechain && !hasChild.contains(node.uuid) {
            // ISO-8601 UTC text compares in time order; `>=` lets a later line win a tie.
            if let current = newest, (node.timestamp ?? "") < (nodes[current].timestamp ?? "") { continue }
            newest = index
        }
        var chain = Set<String>()
        var cursor = newest
        while let index = cursor, chain.insert(nodes[index].uuid).inserted {
            cursor = nodes[index].parent.flatMap { byUUID[$0] }
        }
        return chain
    }
}
