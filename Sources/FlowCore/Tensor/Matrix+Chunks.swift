extension Matrix {
    /// `f` applied to consecutive blocks of at most `size` rows, results concatenated: how
    /// every model evaluates a large grid without building one huge graph.
    package func mapRowChunks<T>(size: Int = 4096, _ f: (Matrix) -> [T]) -> [T] {
        var out: [T] = []
        out.reserveCapacity(rows)
        var start = 0
        while start < rows {
            let end = Swift.min(rows, start + size)
            out += f(self.rows(start..<end))
            start = end
        }
        return out
    }
}
