import Testing
import Foundation
@testable import FlowCore

/// Adam's update split across threads: the groups cover every parameter once, and the result
/// is the serial update's, bit for bit.
struct AdamShardedUpdateTests {
    @Test(arguments: [([4096, 64, 64, 2, 4096, 64], 2), ([5], 3), ([1, 1, 1], 5), ([10, 0, 10], 2), ([100, 1, 1, 1], 2)])
    func groupsCoverEveryParameterOnceInOrder(_ sizes: [Int], _ count: Int) {
        let groups = Adam.groups(sizes: sizes, count: count)
        #expect(groups.count <= max(count, 1) && groups.allSatisfy { !$0.isEmpty })
        #expect(groups.flatMap { Array($0) } == Array(sizes.indices))
    }

    @Test func twoEqualHalvesForTwoEqualParameters() {
        #expect(Adam.groups(sizes: [64, 64], count: 2) == [0..<1, 1..<2])
    }

    @Test func threadedUpdateEqualsSerial() {
        func run(threaded: Bool) -> [Float] {
            var rng = Xoshiro256(seed: 11)
            let params = [(64, 64), (1, 64), (64, 2), (1, 2), (2, 64)].enumerated().map { i, shape in
                Variable(parameter: rng.normalMatrix(rows: shape.0, cols: shape.1), name: "p\(i)")
            }
            var adam = Adam(learningRate: 0.01, weightDecay: 1e-4)
            for _ in 0..<5 {
                for p in params { p.grad = rng.normalMatrix(rows: p.rows, cols: p.cols) }
                if threaded {
                    adam.update(params, rateScales: [1, 2, 1, 0.5, 1], runner: { n, body in
                        withoutActuallyEscaping(body) { body in
                            nonisolated(unsafe) let work = body
                            DispatchQueue.concurrentPerform(iterations: n) { work($0) }
                        }
                    }, shards: 2)
                } else {
                    adam.update(params, rateScales: [1, 2, 1, 0.5, 1])
                }
            }
            return params.flatMap(\.value.storage)
        }
        #expect(run(threaded: true) == run(threaded: false))
    }
}
