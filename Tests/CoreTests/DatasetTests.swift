import Testing
import Foundation
import FlowCore
import FlowData

/// Each generator against its recipe (Grathwohl et al. 2019, toy-data code): support, mixture weights, moments.
struct DatasetTests {
    static func draw(_ d: ToyDataset, _ n: Int = 20_000, seed: UInt64 = 11) -> [(Double, Double)] {
        var g = Xoshiro256(seed: seed)
        let m = d.sample(count: n, using: &g)
        #expect(m.rows == n && m.cols == 2 && m.isFinite)
        return (0..<n).map { (Double(m[$0, 0]), Double(m[$0, 1])) }
    }

    static func radius(_ p: (Double, Double)) -> Double { (p.0 * p.0 + p.1 * p.1).squareRoot() }

    @Test(arguments: ToyDataset.allCases)
    func deterministicForASeed(_ d: ToyDataset) {
        var a = Xoshiro256(seed: 9), b = Xoshiro256(seed: 9)
        #expect(d.sample(count: 257, using: &a) == d.sample(count: 257, using: &b))
    }

    @Test func eightGaussiansHasEqualModesAtRadius2p83() {
        let pts = Self.draw(.eightGaussians)
        var counts = [Int](repeating: 0, count: 8)
        var sq = 0.0
        for p in pts {
            let angle: Double = atan2(p.1, p.0) + 2 * Double.pi
            let sector: Double = (angle.truncatingRemainder(dividingBy: 2 * Double.pi) / (Double.pi / 4)).rounded()
            let k = Int(sector) % 8
            counts[k] += 1
            let theta = Double(k) * Double.pi / 4
            let cx: Double = 4 / 1.414 * cos(theta), cy: Double = 4 / 1.414 * sin(theta)
            let dx = p.0 - cx, dy = p.1 - cy
            sq += dx * dx + dy * dy
        }
        for c in counts { #expect(abs(Double(c) / Double(pts.count) - 0.125) < 0.012) }
        // Per-axis std 0.5/1.414 = 0.3536, so E‖x − c‖² = 2·0.125.
        #expect(abs(sq / Double(pts.count) - 0.25) < 0.01)
    }

    @Test func checkerboardIsUniformOnEightSquares() {
        let pts = Self.draw(.checkerboard)
        var counts = [String: Int]()
        for p in pts {
            #expect(p.0 >= -4 && p.0 < 4 && p.1 >= -4 && p.1 < 4)
            let i = Int(floor(p.0 / 2)), j = Int(floor(p.1 / 2))
            #expect((i + j) & 1 == 0, "point \(p) in an empty square")
            counts["\(i),\(j)", default: 0] += 1
        }
        #expect(counts.count == 8)
        for c in counts.values { #expect(abs(Double(c) / Double(pts.count) - 0.125) < 0.012) }
    }

    @Test func ringsHaveFourRadii() {
        let pts = Self.draw(.rings, 4000)
        var counts = [0, 0, 0, 0]
        for p in pts {
            let r = Self.radius(p)
            let k = [3.0, 2.25, 1.5, 0.75].enumerated().min { abs($0.1 - r) < abs($1.1 - r) }!.offset
            #expect(abs([3.0, 2.25, 1.5, 0.75][k] - r) < 0.4)
            counts[k] += 1
        }
        #expect(counts == [1000, 1000, 1000, 1000])
    }

    @Test func circlesHaveTwoRadiiWithHalfEach() {
        let pts = Self.draw(.circles, 2000)
        let outer = pts.filter { Self.radius($0) > 2.25 }
        #expect(abs(outer.count - 1000) <= 10)  // 1000 per circle; σ = 0.24 lets a few cross r = 2.25
        let meanOuter = outer.map(Self.radius).reduce(0, +) / Double(outer.count)
        #expect(abs(meanOuter - 3.0) < 0.03)
    }

    @Test func moonsHaveTwoHalvesAndNoise0p2() {
        let pts = Self.draw(.moons, 2000)
        // Distance to the closer noiseless moon, a unit half-circle scaled ×2.
        var sq = 0.0
        for p in pts {
            let outer = abs(((p.0 + 1) * (p.0 + 1) + (p.1 + 0.2) * (p.1 + 0.2)).squareRoot() - 2)
            let inner = abs(((p.0 - 1) * (p.0 - 1) + (p.1 - 0.8) * (p.1 - 0.8)).squareRoot() - 2)
            sq += min(outer, inner) * min(outer, inner)
        }
        // Radial component of isotropic σ=0.2 noise: E d² ≈ σ² (slightly less near the tips).
        #expect(abs(sq / 2000 - 0.04) < 0.01)
        let meanY = pts.map(\.1).reduce(0, +) / 2000
        #expect(abs(meanY - 0.3) < 0.06)  // outer mean 4/π−0.2 ≈ 1.07, inner 0.8−4/π ≈ −0.47
    }

    @Test func swissrollRadiusRange() {
        let pts = Self.draw(.swissroll, 5000)
        let r = pts.map(Self.radius)
        #expect(r.min()! > 0.3 && r.max()! < 3.8)
        #expect(abs(r.reduce(0, +) / 5000 - 1.885) < 0.05)  // mean of t/5 for t ~ U[1.5π, 4.5π]
    }

    @Test func pinwheelHasFiveEqualArms() {
        let pts = Self.draw(.pinwheel, 5000)
        let meanRadius = pts.map(Self.radius).reduce(0, +) / 5000
        #expect(abs(meanRadius - 2.0) < 0.1)
        #expect(abs(pts.map(\.0).reduce(0, +) / 5000) < 0.1)
    }

    @Test func twoSpiralsArePointSymmetric() {
        let pts = Self.draw(.twoSpirals, 10_000)
        #expect(abs(pts.map(\.0).reduce(0, +) / 10_000) < 0.05)
        #expect(abs(pts.map(\.1).reduce(0, +) / 10_000) < 0.05)
        #expect(pts.map(Self.radius).max()! < 4.2)
    }

    @Test func curvesStayOnTheirCurves() {
        for p in Self.draw(.line, 2000) { #expect(abs(p.0 - p.1) < 0.5 && abs(p.0) < 2.8) }
        var sq = 0.0
        for p in Self.draw(.cos, 2000) { sq += pow(p.1 - 2.5 * sin(p.0), 2) }
        #expect(sq / 2000 < 0.05)
    }

    @Test func gridHasTwentyFiveEqualModes() {
        var counts = [Int: Int]()
        let pts = Self.draw(.grid)
        for p in pts {
            let i = min(2, max(-2, Int((p.0 / 1.5).rounded()))), j = min(2, max(-2, Int((p.1 / 1.5).rounded())))
            counts[(i + 2) * 5 + (j + 2), default: 0] += 1
        }
        #expect(counts.count == 25)
        for c in counts.values { #expect(abs(Double(c) / Double(pts.count) - 0.04) < 0.008) }
    }

    @Test func entropyFloorsAreKnown() {
        #expect(ToyDataset.eightGaussians.entropyFloor == 2.836)
        #expect(abs(ToyDataset.checkerboard.entropyFloor! - log(32)) < 1e-12)
        #expect(ToyDataset.line.entropyFloor == nil)
        for e in EnergyTarget.allCases { #expect(Dataset.energy(e).entropyFloor != nil) }
    }

    @Test func namesParse() throws {
        #expect(try Dataset(name: "8gaussians") == .toy(.eightGaussians))
        #expect(try Dataset(name: "u3") == .energy(.u3))
        #expect(throws: DatasetError.self) { try Dataset(name: "nope") }
    }
}
