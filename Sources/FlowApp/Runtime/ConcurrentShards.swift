import Foundation
#if canImport(Synchronization)
import Synchronization
#endif

/// Runs data-parallel shards (`TrainingSession.useShards`): shard 0 on the calling thread, the
/// others on a process-wide `ShardPool`. Each shard touches only its own replica and result
/// slot (`DataParallel`), which is what makes the unchecked hand-over sound. When the pool is
/// busy (two sessions training data-parallel at once) or unavailable (macOS before 15), Dispatch's
/// `concurrentPerform` runs them instead.
package func concurrentShards(_ count: Int, _ body: (Int) -> Void) {
    if count <= 1 { body(0); return }
    #if canImport(Synchronization)
    if #available(macOS 15, *), ShardPool.shared.tryRun(count, body) { return }
    #endif
    withoutActuallyEscaping(body) { body in
        nonisolated(unsafe) let work = body
        DispatchQueue.concurrentPerform(iterations: count) { work($0) }
    }
}

#if canImport(Synchronization)
/// Persistent worker threads that spin briefly before they sleep. A training iteration hands
/// out shards every millisecond or so; waking a parked Dispatch worker costs tens of
/// microseconds each time (more when the core is busy), and a shard that starts late stretches
/// the whole iteration. A worker that has just finished keeps polling for about 100 µs, so the
/// next iteration's shard starts at once; after that it sleeps on a condition variable.
@available(macOS 15, *)
final class ShardPool: @unchecked Sendable {
    static let shared = ShardPool()

    /// Polls of the job counter before a worker sleeps (≈100 µs).
    private static let spinLimit = 40_000

    private let condition = NSCondition()
    private let busy = Atomic<Bool>(false)
    private let generation = Atomic<Int>(0)
    private let remaining = Atomic<Int>(0)
    /// The current job and its shard count, published by `generation` (release/acquire).
    nonisolated(unsafe) private var job: ((Int) -> Void)?
    nonisolated(unsafe) private var jobCount = 0
    /// Workers started so far (touched only by the thread that holds `busy`).
    private var workers = 0

    /// Runs shards `0..<count` (0 on this thread); false, without running anything, when another
    /// caller holds the pool.
    func tryRun(_ count: Int, _ body: (Int) -> Void) -> Bool {
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
        defer { busy.store(false, ordering: .releasing) }
        while workers < count - 1 { startWorker(workers + 1); workers += 1 }
        withoutActuallyEscaping(body) { body in
            job = body
            jobCount = count
            remaining.store(workers, ordering: .relaxed)
            generation.add(1, ordering: .releasing)
            condition.lock(); condition.broadcast(); condition.unlock()
            body(0)
            // Spin for the last shards; yield the core if they take long (an oversubscribed
            // machine may have descheduled a worker).
            var spins = 0
            while remaining.load(ordering: .acquiring) > 0 {
                spins += 1
                if spins > Self.spinLimit { sched_yield() }
            }
            job = nil
        }
        return true
    }

    /// Worker `index` runs shard `index` of every job that has that many shards.
    private func startWorker(_ index: Int) {
        let seen = generation.load(ordering: .acquiring)
        let thread = Thread { [self] in
            var last = seen
            while true {
                var spins = 0
                var current = generation.load(ordering: .acquiring)
                while current == last && spins < Self.spinLimit {
                    spins += 1
                    current = generation.load(ordering: .acquiring)
                }
                if current == last {
                    condition.lock()
                    while generation.load(ordering: .acquiring) == last { condition.wait() }
                    condition.unlock()
                    current = generation.load(ordering: .acquiring)
                }
                last = current
                if index < jobCount, let work = job { work(index) }
                remaining.subtract(1, ordering: .releasing)
            }
        }
        thread.name = "flowlab-shard-\(index)"
        // Like the main thread's: releasing a deep graph (FFJORD through its solver) recurses.
        thread.stackSize = 8 << 20
        thread.start()
    }
}
#endif
