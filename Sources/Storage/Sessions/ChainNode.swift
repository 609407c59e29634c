/// A node of a session's entry tree, as the main-chain walk needs it.
struct ChainNode {
    let uuid: String
    let parent: String?
    let timestamp: String?
    let isSidechain: Bool
    /// Lines without a Claude uuid (bookkeeping) are not part of the conversation tree.
    let inTree: Bool

    /// Which nodes are on the main chain, by position: from the newest non-sidechain leaf (by
    /// timestamp, ties by file order) back through parents to the root. Linear time; a cycle or
    /// a missing parent ends the walk instead of hanging it. Each uuid is hashed once: the links
    /// are then followed by position.
    static func mainChain(_ nodes: [ChainNode]) -> [Bool] {
        var byUUID: [String: Int] = [:]
        byUUID.reserveCapacity(nodes.count)
        for (index, node) in nodes.enumerated() where node.inTree { byUUID[node.uuid] = index }
        let parents = nodes.map { node in node.parent.flatMap { byUUID[$0] } }
        var hasChild = [Bool](repeating: false, count: nodes.count)
        for (index, parent) in parents.enumerated() where nodes[index].inTree {
            if let parent { hasChild[parent] = true }
        }
        var newest: Int?
        for (index, node) in nodes.enumerated() where node.inTree && !node.isSidechain && !hasChild[index] {
            // ISO-8601 UTC text compares in time order; `>=` lets a later line win a tie.
            if let current = newest, (node.timestamp ?? "") < (nodes[current].timestamp ?? "") { continue }
            newest = index
        }
        var onChain = [Bool](repeating: false, count: nodes.count)
        var cursor = newest
        while let index = cursor, !onChain[index] {
            onChain[index] = true
            cursor = parents[index]
        }
        return onChain
    }
}
