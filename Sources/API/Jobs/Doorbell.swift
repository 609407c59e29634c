/// Wakes an idle job worker when this replica queues a job, so the job starts at once
/// rather than at the next poll. A ring while nobody waits is kept for the next wait.
actor Doorbell {
    private var waiter: (id: Int, continuation: CheckedContinuation<Void, Never>)?
    private var rung = false
    private var nextID = 0

    func ring() {
        if let waiter {
            self.waiter = nil
            waiter.continuation.resume()
        } else {
            rung = true
        }
    }

    /// Returns at the next ring, or after `timeout`, or when the task is cancelled.
    func wait(upTo timeout: Duration) async {
        if rung {
            rung = false
            return
        }
        nextID += 1
        let id = nextID
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            await self?.wake(id)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiter = (id, continuation)
            }
        } onCancel: {
            Task { await self.wake(id) }
        }
        timer.cancel()
    }

    private func wake(_ id: Int) {
        guard let waiter, waiter.id == id else { return }
        self.waiter = nil
        waiter.continuation.resume()
    }
}
