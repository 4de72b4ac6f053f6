import FlowCore

/// GLF's scrubber: the code → decoder path of sampling (Xiao, Yan & Amit 2019): ε ~ N(0, I),
/// the codes after each latent-flow layer, then the decoder's output reached in four blends.
extension GLFModel {
    package func scrubTrack(data: Matrix, box: Double, using rng: inout Xoshiro256) -> ScrubTrack? {
        let d = options.latent
        var h = rng.normalMatrix(rows: 600, cols: d)
        func pts(_ m: Matrix) -> [Point2] { (0..<m.rows).map { Point2(Double(m[$0, 0]), d == 2 ? Double(m[$0, 1]) : 0) } }
        var stages = [ScrubStage(label: "latent base ε ~ N(0, I)", points: pts(h))]
        let steps = flow.transform.steps
        for (k, s) in steps.reversed().enumerated() {
            h = s.inverse(Variable(h)).x.value
            stages.append(ScrubStage(label: "code after flow layer \(k + 1): \(StepNames.name(s))", points: pts(h)))
        }
        let code = pts(h)
        let decoded = decoder(Variable(h)).value.points
        for q in 1...4 {
            let t = Double(q) / 4
            let blend = zip(code, decoded).map { Point2((1 - t) * $0.x + t * $1.x, (1 - t) * $0.y + t * $1.y) }
            let lines = q == 4 ? [] : zip(code, decoded).prefix(60).map { [$0, $1] }
            stages.append(ScrubStage(label: q == 4 ? "decoded G(z)" : "code → decoder \(q * 25)%", points: blend,
                                     lines: lines, colorIndex: lines.map { _ in 1 }))
        }
        return ScrubTrack(axis: "code → decoder", stages: stages)
    }
}
