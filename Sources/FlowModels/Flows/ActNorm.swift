import FlowCore

/// Glow's activation normalisation (Kingma & Dhariwal 2018, §3.1): a per-coordinate affine map
///
///     y = (x + b) ⊙ exp(log s),   log|det| = Σ_d log s_d
///
/// initialised from the first batch so that the outputs have zero mean and unit variance.
package final class ActNorm: Bijector {
    package let bias: Variable
    package let logScale: Variable
    private(set) var isInitialized = false

    package init(dimension: Int = 2, name: String) {
        bias = Variable(parameter: Matrix(rows: 1, cols: dimension), name: name + ".bias")
        logScale = Variable(parameter: Matrix(rows: 1, cols: dimension), name: name + ".logScale")
    }

    package var parameters: [Variable] { [bias, logScale] }

    /// Marks the layer initialised (after loading parameters from a checkpoint).
    func markInitialized() { isInitialized = true }

    package func initialize(with x: Matrix) {
        guard !isInitialized, x.rows > 1 else { return }
        for d in 0..<x.cols {
            var mean = 0.0, sq = 0.0
            for r in 0..<x.rows { mean += Double(x[r, d]) }
            mean /= Double(x.rows)
            for r in 0..<x.rows { sq += (Double(x[r, d]) - mean) * (Double(x[r, d]) - mean) }
            let std = max((sq / Double(x.rows)).squareRoot(), 1e-6)
            bias.value[0, d] = Float(-mean)
            logScale.value[0, d] = Float(-Double.logCompat(std))
        }
        isInitialized = true
    }

    private func logDet(rows: Int) -> Variable {
        // Σ_d log s_d, broadcast to every row.
        Variable(Matrix(rows: rows, cols: 1)) + logScale.sumCols()
    }

    package func forward(_ x: Variable) -> (y: Variable, logAbsDet: Variable) {
        ((x + bias) * logScale.exp(), logDet(rows: x.rows))
    }

    package func inverse(_ y: Variable) -> (x: Variable, logAbsDet: Variable) {
        (y * (-logScale).exp() - bias, -logDet(rows: y.rows))
    }
}
