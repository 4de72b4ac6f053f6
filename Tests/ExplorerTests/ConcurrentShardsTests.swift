import Testing
import Foundation
import FlowApp

/// The data-parallel runner: every shard runs exactly once per call, across many calls with
/// changing shard counts, and two callers at the same time both finish (one falls back to
/// Dispatch while the other holds the pool).
struct ConcurrentShardsTests {
    final class Counts: @unchecked Sendable {
        var slots: [Int]
        init(_ n: Int) { slots = [Int](repeating: 0, count: n) }
    }

    @Test func everyShardRunsOncePerCall() {
        let counts = Counts(4)
        var expected = [0, 0, 0, 0]
        for call in 0..<3000 {
            let n = [2, 3, 2, 4, 1][call % 5]
            counts.slots.withUnsafeMutableBufferPointer { slots in
                nonisolated(unsafe) let p = slots
                concurrentShards(n) { i in p[i] += 1 }
            }
            for i in 0..<n { expected[i] += 1 }
        }
        #expect(counts.slots == expected)
    }

    @Test func twoCallersAtOnceBothFinish() {
        let a = Counts(2), b = Counts(2)
        DispatchQueue.concurrentPerform(iterations: 2) { caller in
            let c = caller == 0 ? a : b
            for _ in 0..<500 {
                c.slots.withUnsafeMutableBufferPointer { slots in
                    nonisolated(unsafe) let p = slots
                    concurrentShards(2) { i in p[i] += 1 }
                }
            }
        }
        #expect(a.slots == [500, 500] && b.slots == [500, 500])
    }
}
