#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FlowCore

/// A RAD coupling layer for 2-D points (Dinh et al. 2019, §4):
///
///     z_p = x_p,   z_a = f(x_a; θ(x_p)),   k = piece of x_a,
///     log-density term:  log|f'(x_a)| + log p(k | z_a, x_p)
///
/// f is a zig-zag (piecewise invertible, surjective); the gate's logits for pieces whose image
/// does not contain z_a are masked out before the softmax, so the density stays normalised.
package final class RADCoupling: Module {
    package let activeIndex: Int
    package let pieces: Int
    package let conditioner: MLP
    package let gate: MLP

    /// A large negative logit for impossible pieces (finite, so gradients stay finite).
    static let maskedLogit: Float = -1e9

    package init<G: RandomNumberGenerator>(activeIndex: Int, pieces: Int, hidden: [Int], gateHidden: [Int],
                                          activation: Activation, gateSine: Float = 0, foldWidth: Float = 0.975, name: String, using rng: inout G) {
        self.activeIndex = activeIndex
        self.pieces = pieces
        conditioner = MLP(sizes: [1] + hidden + [2 * pieces], activation: activation, name: name + ".conditioner",
                          zeroOutput: true, using: &rng)
        gate = MLP(sizes: [2] + gateHidden + [pieces], activation: activation, name: name + ".gate", zeroOutput: true,
                   sineFrequency: gateSine > 0 ? gateSine : nil, using: &rng)
        // Start with an open fold (inner pieces spanning `foldWidth` in total, so the gate has
        // something to choose; `RADOptions.foldWidth`) that is centred: τ = w/2 makes the tails
        // shift symmetrically.
        let last = conditioner.layers[conditioner.layers.count - 1]
        let width = Double(foldWidth) / Double(pieces - 2)
        for j in 2..<pieces { last.bias.value.storage[j] = Float(log(expm1(width))) }
        last.bias.value.storage[1] = Float(width / 2)
    }

    package var parameters: [Variable] { conditioner.parameters + gate.parameters }

    var passiveIndex: Int { 1 - activeIndex }

    func assemble(active: Variable, passive: Variable) -> Variable {
        activeIndex == 0 ? Variable.concatColumns([active, passive]) : Variable.concatColumns([passive, active])
    }

    /// Gate log-probabilities (n × K) with invalid pieces masked.
    func gateLogProbs(z: Variable, passive: Variable, zigzag: ZigZag) -> (logp: Variable, mask: [[Bool]]) {
        let logits = gate(Variable.concatColumns([z, passive]))
        let mask = zigzag.validMask(z.value)
        var m = Matrix(rows: z.rows, cols: pieces)
        for r in 0..<z.rows { for k in 0..<pieces where !mask[r][k] { m[r, k] = RADCoupling.maskedLogit } }
        let masked = logits + Variable(m)
        return (masked - masked.logSumExpCols(), mask)
    }

    /// x → z with the layer's log-density contribution (n × 1) and the pieces used. With a
    /// `boundaryBandwidth` (training), the contribution also carries the gradient of the
    /// density's jumps with respect to their positions (`boundaryTerm`); its value is zero.
    package func forward(_ x: Variable, boundaryBandwidth: Float? = nil)
        -> (z: Variable, logDensity: Variable, pieces: [Int], gateEntropy: Double) {
        let xa = x.column(activeIndex), xp = x.column(passiveIndex)
        let zigzag = ZigZag(raw: conditioner(xp), pieces: pieces)
        let (za, logSlope, which) = zigzag.forward(xa)
        let (logp, _) = gateLogProbs(z: za, passive: xp, zigzag: zigzag)
        var onehot = Matrix(rows: x.rows, cols: pieces)
        for r in 0..<x.rows { onehot[r, which[r]] = 1 }
        var chosen = (logp * Variable(onehot)).sumCols()
        if let h = boundaryBandwidth, h > 0 {
            chosen = chosen + boundaryTerm(active: xa, passive: xp, zigzag: zigzag, bandwidth: h)
        }
        // Entropy of the masked gate, a collapse diagnostic (values only).
        var entropy = 0.0
        for r in 0..<x.rows {
            for k in 0..<pieces {
                let lp = Double(logp.value[r, k])
                if lp > -50 { entropy -= exp(lp) * lp }
            }
        }
        return (assemble(active: za, passive: xp), logSlope + chosen, which, entropy / Double(max(x.rows, 1)))
    }

    /// The part of ∂E[log p]/∂θ that per-sample gradients miss. log p jumps where x_a crosses
    /// a breakpoint b_j (slope and piece change) and where f(x_a) crosses a knot value c_i
    /// inside another piece (the set of valid pieces, hence the gate's normalisation, changes).
    /// Moving such a jump x* by dx* moves the data mass p(x*) dx* from one side to the other, so
    ///
    ///     ∂E[log p]/∂θ ∋ p_data(x* | x_p) · (log p(x*⁻) − log p(x*⁺)) · ∂(x* − x_a)/∂θ,
    ///
    /// the boundary term of differentiating an integral over a moving domain. p_data at the
    /// jump is estimated per row with a triangular kernel of width `bandwidth` around x_a (the
    /// batch is a sample of the data), and only this layer's term jumps (z is continuous). The
    /// returned n × 1 column is zero in value; its gradient is the term above, through x*
    /// (this layer's conditioner) and x_a (earlier layers).
    func boundaryTerm(active xa: Variable, passive xp: Variable, zigzag zz: ZigZag, bandwidth h: Float) -> Variable {
        let n = xa.rows, K = pieces
        // Gate log-probabilities at each knot value, masked as seen from just below / above it.
        let passiveValues = Variable(xp.value)
        let knotLogits = zz.knots.map { gate(Variable.concatColumns([Variable($0.value), passiveValues])).value }
        func logGate(_ i: Int, row r: Int, above: Bool) -> [Float] {
            let c = zz.knots[i].value.storage[r]
            var masked = [Float](repeating: 0, count: K)
            for k in 0..<K {
                let (lo, hi) = zz.image(k, row: r)
                let valid = above ? (lo <= c && c < hi) : (lo < c && c <= hi)
                masked[k] = valid ? knotLogits[i][r, k] : -Float.infinity
            }
            let top = masked.max()!
            let lse = top + logf(masked.reduce(0) { $0 + expf($1 - top) })
            return masked.map { $0 - lse }
        }
        func kernel(_ u: Float) -> Float { max(0, 1 - abs(u) / h) / h }
        func clampJump(_ d: Float) -> Float { d.isFinite ? min(max(d, -10), 10) : 0 }
        var total: Variable? = nil
        func add(_ weights: Matrix, _ position: Variable) {
            guard weights.storage.contains(where: { $0 != 0 }) else { return }
            let moved = position - xa
            let term = Variable(weights) * (moved - Variable(moved.value))
            total = total.map { $0 + term } ?? term
        }
        // Breakpoints: piece j on the left, j + 1 on the right, both at z = c_j (a fold, so z
        // approaches c_j from the same side on both).
        for j in 0..<(K - 1) {
            var w = Matrix(rows: n, cols: 1)
            for r in 0..<n {
                let u = xa.value.storage[r] - zz.breaks[j].value.storage[r]
                guard abs(u) < h else { continue }
                let g = logGate(j, row: r, above: ZigZag.sign(j) < 0)
                let left = zz.logSlopes[j].value.storage[r] + g[j]
                let right = zz.logSlopes[j + 1].value.storage[r] + g[j + 1]
                w.storage[r] = kernel(u) * clampJump(left - right)
            }
            add(w, zz.breaks[j])
        }
        // Knot crossings: inside piece k, x* = f_k⁻¹(c_i) where the valid set changes.
        for i in 0..<(K - 1) {
            for k in 0..<K where k != i && k != i + 1 {
                let a = ZigZag.anchor(k)
                let position = zz.breaks[a] + ((zz.knots[i] - zz.knots[a]) / zz.slopes[k]).scaled(by: ZigZag.sign(k))
                var w = Matrix(rows: n, cols: 1)
                for r in 0..<n {
                    let u = xa.value.storage[r] - position.value.storage[r]
                    guard abs(u) < h else { continue }
                    let c = zz.knots[i].value.storage[r], (lo, hi) = zz.image(k, row: r)
                    guard lo < c && c < hi else { continue }
                    let below = logGate(i, row: r, above: false)[k], above = logGate(i, row: r, above: true)[k]
                    // Increasing pieces meet z < c_i on the left of x*, decreasing ones on the right.
                    let jump = ZigZag.sign(k) > 0 ? below - above : above - below
                    w.storage[r] = kernel(u) * clampJump(jump)
                }
                add(w, position)
            }
        }
        return total ?? Variable(Matrix(rows: n, cols: 1))
    }

    /// Ancestral inverse: k ~ p(k | z_a, x_p) among valid pieces, then x_a = f_k⁻¹(z_a).
    package func inverse<G: RandomNumberGenerator>(_ z: Matrix, using rng: inout G) -> Matrix {
        let za = Variable(z.column(activeIndex)), xp = Variable(z.column(passiveIndex))
        let zigzag = ZigZag(raw: conditioner(xp), pieces: pieces)
        let (logp, _) = gateLogProbs(z: za, passive: xp, zigzag: zigzag)
        let chosen = (0..<z.rows).map { r in
            rng.categorical((0..<pieces).map { exp(Double(logp.value[r, $0])) })
        }
        let xa = zigzag.inverse(za.value, pieces: chosen)
        return assemble(active: Variable(xa), passive: xp).value
    }

    /// The piece of each row (the layer's discrete latent), values only.
    package func regions(_ x: Matrix) -> (z: Matrix, pieces: [Int]) {
        let r = forward(Variable(x))
        return (r.z.value, r.pieces)
    }
}
