/// A node of the reverse-mode tape: a matrix value, its gradient, and how to pull a gradient
/// back to its parents.
///
/// Parameters are long-lived leaves (`Variable(parameter:name:)`) whose `value` the optimiser
/// updates in place and whose `grad` accumulates over `backward()` calls until cleared.
/// Every other node is built by an op in `Variable+Ops.swift`, where forward and backward sit
/// side by side. The graph is freed when the last reference to its root goes away.
package final class Variable {
    package var value: Matrix
    package var grad: Matrix?
    package let name: String
    package let op: OpKind
    let requiresGrad: Bool
    let parents: [Variable]
    let pullback: ((Matrix) -> [Matrix?])?
    /// Set while `topologicalOrder` runs (interior nodes only, which belong to one graph and so
    /// to one thread); cheaper than hashing every node into a set.
    private var visited = false

    /// A constant (no gradient).
    package init(_ value: Matrix) {
        self.value = value
        self.name = ""
        self.op = .constant
        self.requiresGrad = false
        self.parents = []
        self.pullback = nil
    }

    /// A trainable leaf.
    package init(parameter value: Matrix, name: String) {
        self.value = value
        self.name = name
        self.op = .parameter
        self.requiresGrad = true
        self.parents = []
        self.pullback = nil
    }

    /// An interior node. `pullback(g)` returns one gradient per parent (nil where the parent
    /// needs none). Public so that other modules can add ops (energies, ODE steps); every such
    /// op must be listed in `OpKind` and gradient-checked.
    package init(op: OpKind, value: Matrix, parents: [Variable], pullback: @escaping (Matrix) -> [Matrix?]) {
        self.value = value
        self.name = ""
        self.op = op
        self.parents = parents
        let needs = parents.contains { $0.requiresGrad }
        self.requiresGrad = needs
        self.pullback = needs ? pullback : nil
    }

    package var rows: Int { value.rows }
    package var cols: Int { value.cols }

    /// The scalar value of a 1×1 node.
    package var scalar: Float {
        precondition(value.count == 1, "scalar of a \(value.rows)x\(value.cols) variable")
        return value.storage[0]
    }

    /// Back-propagates from this node. The seed defaults to ones (so a 1×1 loss gets dL/dL = 1).
    package func backward(seed: Matrix? = nil) {
        guard requiresGrad else { return }
        let order = topologicalOrder()
        grad = seed ?? Matrix(rows: rows, cols: cols, repeating: 1)
        for node in order.reversed() {
            guard let g = node.grad, let pullback = node.pullback else { continue }
            let parentGrads = pullback(g)
            for (parent, pg) in zip(node.parents, parentGrads) {
                guard parent.requiresGrad, let pg else { continue }
                if parent.grad == nil { parent.grad = pg } else { parent.grad!.addInPlace(pg) }
            }
            // Interior gradients are not needed after their pullback ran; free them early.
            if node.op != .parameter && node !== self { node.grad = nil }
        }
    }

    /// Nodes that need gradients, parents before children (iterative DFS; graphs can be deep).
    /// Leaves are not marked (parameters are shared between the graphs that data-parallel
    /// shards build at the same time); one reached twice appears twice, which is harmless
    /// because leaves have no pullback.
    func topologicalOrder() -> [Variable] {
        var order: [Variable] = []
        var stack: [(Variable, Bool)] = [(self, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded { order.append(node); continue }
            if node.parents.isEmpty { order.append(node); continue }
            if node.visited { continue }
            node.visited = true
            stack.append((node, true))
            for p in node.parents where p.requiresGrad && !p.visited { stack.append((p, false)) }
        }
        for node in order { node.visited = false }
        return order
    }
}

/// Every kind of tape node. The gradient-check test iterates `OpKind.allCases`, so a new op
/// without a check fails the suite.
package enum OpKind: String, CaseIterable, Sendable {
    case constant, parameter
    case matmul, linear, linearTanh, tanhMLP
    case add, sub, mul, div, sumOf
    case neg, scale, shift
    case tanh, sigmoid, relu, softplus, exp, log, sqrt, square, sin
    case sumCols, sumAll, mean
    case column, columnSlice, concatColumns, rowSlice, concatRows
    case streamAffineGate, streamTanh, timeGate, negatedExactTrace
    case logSumExpCols
    case clampedSoftScale
    case affineCoupling, boundedLogScale
    case custom
}
