import Testing
import Foundation
import FlowCore
import FlowData
import FlowModels
import FlowODE

/// Data-parallel training: the sharded gradient is the full batch's, and a seed reproduces a
/// run exactly for a given shard count whether the shards run in turn or at the same time.
struct DataParallelTests {
    static func session(_ kind: ModelKind, dataset: Dataset = .toy(.moons), shards: Int,
                        runner: @escaping ShardRunner = serial, lockstep: Bool = false) throws -> TrainingSession {
        var c = ModelConfig.defaults(for: kind, dataset: dataset)
        c.layers = min(c.layers, 4)
        c.batchSize = 96
        c.seed = 5
        let s = TrainingSession(model: try ModelFactory.make(c), dataset: dataset)
        try s.useShards(shards, runner: runner, lockstep: lockstep)
        return s
    }

    static func serial(_ n: Int, _ body: (Int) -> Void) { for i in 0..<n { body(i) } }

    /// Every shard on a thread of its own, all at the same time (what lockstep solves need).
    static func threads(_ n: Int, _ body: (Int) -> Void) {
        /// Holds the body only while the shards run: a `Thread` keeps its block until it exits.
        final class Work: @unchecked Sendable { var body: ((Int) -> Void)? }
        withoutActuallyEscaping(body) { body in
            let work = Work()
            work.body = body
            let done = DispatchSemaphore(value: 0)
            for i in 1..<n { Thread { work.body?(i); done.signal() }.start() }
            body(0)
            for _ in 1..<n { done.wait() }
            work.body = nil
        }
    }

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

    /// FFJORD trained on two threads in lockstep: the same evaluations as one shard (early
    /// steps, where shards alone often agree too: `lockstepShardsTakeTheWholeSolvesSteps` is
    /// the sharp test) and the same loss and gradient norm to float tolerance.
    @Test func ffjordShardsInLockstepTakeTheWholeBatchsSteps() throws {
        let one = try Self.session(.ffjord, shards: 1)
        let two = try Self.session(.ffjord, shards: 2, runner: Self.threads, lockstep: true)
        for step in 0..<3 {
            let m1 = one.step(), m2 = two.step()
            for key in [Figure.nfeForward, .nfeBackward] {
                #expect(m1.figures[key] != nil && m1.figures[key] == m2.figures[key], "step \(step), \(key.id)")
            }
            // From the same parameters (Adam's first steps are ±lr wherever a gradient is
            // near zero, so later steps start from parameters that differ in the last bits).
            if step == 0 {
                #expect(abs(m1.loss - m2.loss) < 1e-5 * max(1, abs(m1.loss)), "loss \(m1.loss) vs \(m2.loss)")
                #expect(abs(m1.gradNorm - m2.gradNorm) < 1e-4 * m1.gradNorm, "gradient norm \(m1.gradNorm) vs \(m2.gradNorm)")
            }
        }
    }

    /// y' = −λy row by row, gentle rows in one shard and stiff ones in the other: solved alone
    /// the shards take different steps; in lockstep each takes exactly the steps of one solve
    /// of all rows, and its rows end where that solve's rows do.
    @Test func lockstepShardsTakeTheWholeSolvesSteps() throws {
        guard #available(macOS 15, *) else { return }
        let rates: [Float] = [0.5, 1, 1.5, 2, 40, 60, 80, 100]
        func solve(_ rows: Range<Int>, _ reduction: (any ErrorSumReduction)?) -> Solution<MatrixState> {
            var controller = AdaptiveStepSize(atol: 1e-6, rtol: 1e-6)
            controller.reduction = reduction
            let rate = Matrix(rows: rows.count, cols: 1, storage: Array(rates[rows]))
            let start = MatrixState([Matrix(rows: rows.count, cols: 1, repeating: 1)])
            return ODESolver(tableau: .dopri5, controller: controller).solve({ _, y in
                MatrixState([y.parts[0].zipMap(rate) { -$1 * $0 }])
            }, y0: start, from: 0, to: 1)
        }
        let whole = solve(0..<8, nil)
        let gentle = solve(0..<4, nil), stiff = solve(4..<8, nil)
        #expect(gentle.nfe < stiff.nfe)
        let group = LockstepSums(shards: 2)
        nonisolated(unsafe) var shards: [Solution<MatrixState>?] = [nil, nil]
        shards.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let slots = out
            Self.threads(2) { i in slots[i] = solve(i == 0 ? 0..<4 : 4..<8, group.member(i)) }
        }
        for (i, shard) in shards.enumerated() {
            let s = try #require(shard)
            #expect(s.result == .success)
            #expect((s.nfe, s.accepted, s.rejected) == (whole.nfe, whole.accepted, whole.rejected), "shard \(i)")
            #expect(s.y.parts[0].storage == Array(whole.y.parts[0].storage[(4 * i)..<(4 * i + 4)]), "shard \(i)")
        }
    }

    /// FFJORD's training solves, forward and adjoint, hand every error norm to the reduction
    /// `solveInLockstep` sets; a reduction that returns its input changes nothing.
    @Test func ffjordTrainingSolvesUseTheReduction() throws {
        final class Counting: ErrorSumReduction, @unchecked Sendable {
            var calls = 0
            func total(_ partial: [Double]) -> [Double] { calls += 1; return partial }
        }
        var c = ModelConfig.defaults(for: .ffjord, dataset: .toy(.moons))
        c.batchSize = 64
        let model = try ModelFactory.make(c)
        var rng = Xoshiro256(seed: 3)
        let batch = ToyDataset.moons.sample(count: 64, using: &rng)
        func lossAndGradients() -> [Matrix] {
            var r = Xoshiro256(seed: 4)
            let loss = model.loss(batch: batch, dataset: .toy(.moons), iteration: 0, using: &r)
            _ = loss.backward()
            defer { Gradients.zero(model.parameters) }
            return [loss.loss.value] + model.parameters.map { $0.grad! }
        }
        let plain = lossAndGradients()
        let counter = Counting()
        model.solveInLockstep(counter)
        var r = Xoshiro256(seed: 4)
        let loss = model.loss(batch: batch, dataset: .toy(.moons), iteration: 0, using: &r)
        let forwardCalls = counter.calls
        _ = loss.backward()
        Gradients.zero(model.parameters)
        #expect(forwardCalls > 0 && counter.calls > forwardCalls, "forward \(forwardCalls), in all \(counter.calls)")
        #expect(lossAndGradients() == plain)
        model.solveInLockstep(nil)
    }

    /// Shards meeting at `LockstepSums` all get the same totals, summed in shard order, round
    /// after round.
    @Test func lockstepSumsAgreeAcrossShards() throws {
        guard #available(macOS 15, *) else { return }
        let shards = 3, rounds = 300
        let group = LockstepSums(shards: shards)
        nonisolated(unsafe) var seen = [[[Double]]](repeating: [], count: shards)
        seen.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let slots = out
            Self.threads(shards) { i in
                let member = group.member(i)
                for r in 0..<rounds {
                    let width = 2 + r % 5
                    slots[i].append(member.total((0..<width).map { Double(i * 1000 + r) + Double($0) / 8 }))
                }
            }
        }
        for r in 0..<rounds {
            let width = 2 + r % 5
            let expected = (0..<width).map { k in
                (0..<shards).reduce(0.0) { $0 + (Double($1 * 1000 + r) + Double(k) / 8) }
            }
            for i in 0..<shards { #expect(seen[i][r] == expected, "round \(r), shard \(i)") }
        }
    }

    /// More threads than batch rows: one shard per row, and every model still steps (an empty
    /// shard crashed FFJORD's stacked streams).
    @Test(arguments: [ModelKind.ffjord, .realnvp])
    func moreThreadsThanRowsCapsTheShards(_ kind: ModelKind) throws {
        let s = try Self.session(kind, shards: 200)
        #expect(s.shardCount == 96)
        #expect(s.step().loss.isFinite)
    }

    @Test func energyTargetsTrainSharded() throws {
        let s = try Self.session(.realnvp, dataset: .energy(.u1), shards: 2, runner: Self.concurrent)
        let first = s.step().loss
        var last = first
        for _ in 0..<60 { last = s.step().loss }
        #expect(last.isFinite && last < first)
    }
}
