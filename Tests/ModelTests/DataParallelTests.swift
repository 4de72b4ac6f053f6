import Testing
import Foundation
import FlowCore
import FlowData
import FlowModels

/// Data-parallel training: the sharded gradient is the full batch's, and a seed reproduces a
/// run exactly for a given shard count whether the shards run in turn or at the same time.
struct DataParallelTests {
    static func session(_ kind: ModelKind, dataset: Dataset = .toy(.moons), shards: Int,
                        runner: @escaping ShardRunner = serial) throws -> TrainingSession {
        var c = ModelConfig.defaults(for: kind, dataset: dataset)
        c.layers = min(c.layers, 4)
        c.batchSize = 96
        c.seed = 5
        let s = TrainingSession(model: try ModelFactory.make(c), dataset: dataset)
        try s.useShards(shards, runner: runner)
        return s
    }

    static func serial(_ n: Int, _ body: (Int) -> Void) { for i in 0..<n { body(i) } }

    static func concurrent(_ n: Int, _ body: (Int) -> Void) {
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let work = body
            DispatchQueue.concurrentPerform(iterations: n) { work($0) }
        }
    }

    /// One Adam step from identical parameters: the updates (hence the gradients) agree.
    @Test(arguments: [ModelKind.realnvp, .glow, .nsf, .rad])
    func shardedStepMatchesTheWholeBatch(_ kind: ModelKind) throws {
        let one = try Self.session(kind, shards: 1), three = try Self.session(kind, shards: 3)
        #expect(three.shardCount == 3)
        let m1 = one.step(), m3 = three.step()
        #expect(abs(m1.loss - m3.loss) < 1e-4 * max(1, abs(m1.loss)), "loss \(m1.loss) vs \(m3.loss)")
        for (a, b) in zip(one.model.parameters, three.model.parameters) {
            for (x, y) in zip(a.value.storage, b.value.storage) {
                #expect(abs(x - y) < 1e-5 * max(1, abs(x)), "\(a.name): \(x) vs \(y)")
            }
        }
    }

    @Test func sameSeedSameRunForAGivenShardCount() throws {
        func run(_ runner: @escaping ShardRunner) throws -> [Float] {
            let s = try Self.session(.realnvp, shards: 2, runner: runner)
            for _ in 0..<15 { s.step() }
            return s.model.parameters.flatMap(\.value.storage)
        }
        let serial = try run(Self.serial)
        #expect(try run(Self.concurrent) == serial)
        #expect(try run(Self.concurrent) == serial)
    }

    @Test func energyTargetsTrainSharded() throws {
        let s = try Self.session(.realnvp, dataset: .energy(.u1), shards: 2, runner: Self.concurrent)
        let first = s.step().loss
        var last = first
        for _ in 0..<60 { last = s.step().loss }
        #expect(last.isFinite && last < first)
    }
}
