import Foundation
import Synchronization

/// Persistent worker threads for data-parallel shards (`TrainingSession.useShards`), the
/// faster alternative to `concurrentShards` when a step is short.
///
/// Dispatch wakes a sleeping worker for every step; on this kind of machine that costs
/// 50–100 µs per step, about 5 % of a Real NVP step at batch 512 on two threads. Here the
/// workers spin on a generation counter between steps and sleep only after `spinWindow` of
/// idleness (so an idle pool costs nothing). The caller runs shard 0 itself and then spins
/// until the others are done. The shards, and so the results, are exactly those of
/// `concurrentShards`.
@available(macOS 15, *)
package final class ShardPool: @unchecked Sendable {
    private let core: Core

    /// A pool for `threads`-way shards: `threads − 1` worker threads.
    package init(threads: Int, spinWindow: Duration = .milliseconds(2)) {
        core = Core(workers: max(threads - 1, 0), spinWindow: spinWindow)
    }

    deinit { core.stop() }

    /// Runs `body(0..<count)`: shard 0 on the calling thread, the rest on the workers. A count
    /// other than the pool's size falls back to `concurrentShards`. Not reentrant: one caller
    /// at a time (a training session's own thread).
    package func run(_ count: Int, _ body: (Int) -> Void) {
        guard count == core.slots.count + 1, count > 1 else {
            concurrentShards(count, body)
            return
        }
        core.run(body)
    }

    /// The threads' shared state. Kept apart from `ShardPool` so that the workers, which
    /// reference it, do not keep the pool alive: dropping the pool stops them.
    private final class Core: @unchecked Sendable {
        /// One per worker: set while the worker sleeps, so a new step knows to wake it.
        final class Slot: @unchecked Sendable {
            let sleeping = Atomic<Bool>(false)
            let wake = DispatchSemaphore(value: 0)
        }

        let slots: [Slot]
        let spinWindow: Duration
        let generation = Atomic<Int>(0)
        let pending = Atomic<Int>(0)
        let stopping = Atomic<Bool>(false)
        /// The current step's work; written before `generation` is bumped, read after.
        nonisolated(unsafe) var body: ((Int) -> Void)?

        init(workers: Int, spinWindow: Duration) {
            slots = (0..<workers).map { _ in Slot() }
            self.spinWindow = spinWindow
            for (i, slot) in slots.enumerated() {
                let thread = Thread { [self] in self.workerLoop(shard: i + 1, slot: slot) }
                thread.name = "flowlab.shard\(i + 1)"
                thread.start()
            }
        }

        func run(_ body: (Int) -> Void) {
            withoutActuallyEscaping(body) { work in
                self.body = work
                pending.store(slots.count, ordering: .sequentiallyConsistent)
                generation.add(1, ordering: .sequentiallyConsistent)
                wakeSleepers()
                work(0)
                // Yielding lets a worker that shares this core (an oversubscribed machine) run.
                while pending.load(ordering: .acquiring) != 0 { sched_yield() }
                self.body = nil
            }
        }

        func stop() {
            stopping.store(true, ordering: .sequentiallyConsistent)
            generation.add(1, ordering: .sequentiallyConsistent)
            wakeSleepers()
        }

        /// Signals every worker that announced it sleeps; taking its flag first means each
        /// sleep gets exactly one signal.
        private func wakeSleepers() {
            for slot in slots where slot.sleeping.exchange(false, ordering: .sequentiallyConsistent) {
                slot.wake.signal()
            }
        }

        private func workerLoop(shard: Int, slot: Slot) {
            let clock = ContinuousClock()
            var seen = 0
            while true {
                var idleSince = clock.now
                var spins = 0
                while generation.load(ordering: .acquiring) == seen {
                    spins += 1
                    if spins & 63 == 0 { sched_yield() }
                    guard spins & 1023 == 0, clock.now - idleSince > spinWindow else { continue }
                    slot.sleeping.store(true, ordering: .sequentiallyConsistent)
                    if generation.load(ordering: .sequentiallyConsistent) != seen,
                       slot.sleeping.exchange(false, ordering: .sequentiallyConsistent) {
                        break  // a step arrived before anyone saw the flag: no signal is coming
                    }
                    slot.wake.wait()
                    idleSince = clock.now
                }
                seen = generation.load(ordering: .acquiring)
                if stopping.load(ordering: .acquiring) { return }
                body?(shard)
                pending.subtract(1, ordering: .releasing)
            }
        }
    }
}
