#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FlowODE
import Synchronization

/// The meeting point of data-parallel shards whose adaptive solves run in lockstep: at every
/// error norm each shard adds its partial sums, waits for the others, and reads the totals,
/// summed in shard order so every shard gets the same numbers. Every shard therefore accepts,
/// rejects and sizes the same steps as one solve of the whole batch, and none waits at the end
/// of a step for another's extra evaluations.
///
/// The shards must run at the same time on their own threads (a `ShardPool`): a shard waits
/// here for the others, so shards run in turn would never return. Waiting spins (a function
/// evaluation between two norms takes tens of microseconds; waking a sleeping thread takes
/// longer), yielding now and then for an oversubscribed machine.
@available(macOS 15, *)
package final class LockstepSums: @unchecked Sendable {
    package let shards: Int
    /// The widest partial vector a norm hands in: two numbers per state part. An adjoint state
    /// whose norm counts every parameter (no seminorm) of a 16-layer net has about 90 parts.
    private let capacity: Int
    /// Two generations of one slot per shard, so a shard that starts the next round early
    /// does not overwrite sums another shard is still reading.
    private let slots: UnsafeMutablePointer<Double>
    private let arrived = Atomic<Int>(0)
    private let generation = Atomic<Int>(0)

    package init(shards: Int, capacity: Int = 1024) {
        precondition(shards >= 1 && capacity >= 1)
        self.shards = shards
        self.capacity = capacity
        slots = .allocate(capacity: 2 * shards * capacity)
        slots.initialize(repeating: 0, count: 2 * shards * capacity)
    }

    deinit { slots.deallocate() }

    /// Shard `shard`'s view: what its solver's `AdaptiveStepSize.reduction` calls.
    package func member(_ shard: Int) -> ErrorSumReduction { Member(group: self, shard: shard) }

    private struct Member: ErrorSumReduction {
        let group: LockstepSums
        let shard: Int
        func total(_ partial: [Double]) -> [Double] { group.total(partial, shard: shard) }
    }

    func total(_ partial: [Double], shard: Int) -> [Double] {
        precondition(partial.count <= capacity, "LockstepSums: \(partial.count) sums exceed \(capacity)")
        let round = generation.load(ordering: .acquiring)
        let base = slots + ((round & 1) * shards) * capacity
        (base + shard * capacity).update(from: partial, count: partial.count)
        if arrived.add(1, ordering: .acquiringAndReleasing).newValue == shards {
            arrived.store(0, ordering: .relaxed)
            generation.store(round + 1, ordering: .releasing)
        } else {
            var spins = 0
            while generation.load(ordering: .acquiring) == round {
                spins += 1
                if spins & 63 == 0 { sched_yield() }
            }
        }
        var sums = [Double](repeating: 0, count: partial.count)
        for s in 0..<shards {
            let p = base + s * capacity
            for k in 0..<partial.count { sums[k] += p[k] }
        }
        return sums
    }
}
