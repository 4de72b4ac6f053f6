import Testing
import Foundation
import FlowCore
import FlowData
import FlowModels
@testable import FlowApp

/// The persistent shard pool runs every shard exactly once per call, and training through it
/// reproduces the shards-in-turn run bit for bit.
/// (`ShardPool` needs macOS 15's `Synchronization`; elsewhere the tests have nothing to check.)
struct ShardPoolTests {
    @Test(arguments: [2, 3])
    func everyShardRunsOncePerCall(_ threads: Int) {
        guard #available(macOS 15, *) else { return }
        let pool = ShardPool(threads: threads, spinWindow: .microseconds(200))
        // One slot per shard, each written only by its own shard.
        var counts = [Int](repeating: 0, count: threads)
        counts.withUnsafeMutableBufferPointer { c in
            nonisolated(unsafe) let slots = c
            for call in 1...3000 {
                pool.run(threads) { slots[$0] += 1 }
                // Now and then let the workers fall asleep, so waking them is exercised too.
                if call % 500 == 0 { Thread.sleep(forTimeInterval: 0.002) }
            }
        }
        #expect(counts == [Int](repeating: 3000, count: threads))
    }

    @Test func aDifferentShardCountFallsBackToDispatch() {
        guard #available(macOS 15, *) else { return }
        let pool = ShardPool(threads: 2)
        var hits = [0, 0, 0, 0]
        hits.withUnsafeMutableBufferPointer { h in
            nonisolated(unsafe) let p = h
            pool.run(4) { p[$0] += 1 }
        }
        #expect(hits == [1, 1, 1, 1])
    }

    @Test func poolsComeAndGo() {
        guard #available(macOS 15, *) else { return }
        for _ in 0..<20 {
            let pool = ShardPool(threads: 2)
            var hits = [0, 0]
            hits.withUnsafeMutableBufferPointer { h in
                nonisolated(unsafe) let p = h
                pool.run(2) { p[$0] += 1 }
            }
            #expect(hits == [1, 1])
        }
    }

    @Test func trainingThroughThePoolMatchesShardsInTurn() throws {
        func run(_ runner: @escaping ShardRunner) throws -> [Float] {
            var c = ModelConfig.defaults(for: .realnvp, dataset: .toy(.moons))
            c.layers = 4
            c.batchSize = 96
            c.seed = 5
            let s = TrainingSession(model: try ModelFactory.make(c), dataset: .toy(.moons))
            try s.useShards(2, runner: runner)
            for _ in 0..<15 { s.step() }
            return s.model.parameters.flatMap(\.value.storage)
        }
        guard #available(macOS 15, *) else { return }
        let inTurn = try run { n, body in for i in 0..<n { body(i) } }
        let pool = ShardPool(threads: 2)
        #expect(try run { pool.run($0, $1) } == inTurn)
    }
}
