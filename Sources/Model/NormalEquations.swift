/// Weighted sums of a linear least-squares problem `y ≈ β₀x₀ + β₁x₁ + β₂x₂`, enough to solve it and to
/// compute its residual without keeping the observations.
///
/// Sums add up, so a rolling window can keep one value per time slice and merge the slices it still covers.
public struct NormalEquations: Sendable, Equatable {
    public static let unknowns = 3

    /// Σ w·xᵢ·xⱼ, row-major.
    public var xx = [Double](repeating: 0, count: unknowns * unknowns)
    /// Σ w·xᵢ·y.
    public var xy = [Double](repeating: 0, count: unknowns)
    /// Σ w·y².
    public var yy = 0.0
    /// Σ w.
    public var weight = 0.0

    public init() {}

    /// One observation's three features, as a tuple: an array would be allocated for every observation.
    public typealias Features = (Double, Double, Double)

    public mutating func add(_ features: Features, _ y: Double, weight w: Double) {
        func x(_ i: Int) -> Double { i == 0 ? features.0 : i == 1 ? features.1 : features.2 }
        for i in 0..<Self.unknowns {
            for j in 0..<Self.unknowns { xx[i * Self.unknowns + j] += w * x(i) * x(j) }
            xy[i] += w * x(i) * y
        }
        yy += w * y * y
        weight += w
    }

    public mutating func merge(_ other: NormalEquations) {
        for i in xx.indices { xx[i] += other.xx[i] }
        for i in xy.indices { xy[i] += other.xy[i] }
        yy += other.yy
        weight += other.weight
    }

    /// The least-squares coefficients with the unknowns in `fixed` held at the given values; nil when the free
    /// unknowns are not determined by the data (a pivot vanishes relative to the matrix's scale).
    public func solve(fixed: [Int: Double] = [:]) -> [Double]? {
        let n = Self.unknowns
        let free = (0..<n).filter { fixed[$0] == nil }
        var matrix = free.map { i in free.map { j in xx[i * n + j] } }
        var rhs = free.map { i in
            xy[i] - fixed.reduce(0) { $0 + xx[i * n + $1.key] * $1.value }
        }
        let scale = matrix.flatMap { $0 }.map(abs).max() ?? 0
        guard scale > 0 else { return nil }
        // Gaussian elimination with partial pivoting; at most three unknowns.
        for column in free.indices {
            guard
                let pivot = (column..<free.count).max(by: { abs(matrix[$0][column]) < abs(matrix[$1][column]) }),
                abs(matrix[pivot][column]) > scale * 1e-9
            else { return nil }
            matrix.swapAt(column, pivot)
            rhs.swapAt(column, pivot)
            for row in (column + 1)..<free.count {
                let factor = matrix[row][column] / matrix[column][column]
                for k in column..<free.count { matrix[row][k] -= factor * matrix[column][k] }
                rhs[row] -= factor * rhs[column]
            }
        }
        var solution = [Double](repeating: 0, count: free.count)
        for row in free.indices.reversed() {
            var sum = rhs[row]
            for k in (row + 1)..<free.count { sum -= matrix[row][k] * solution[k] }
            solution[row] = sum / matrix[row][row]
        }
        var beta = [Double](repeating: 0, count: n)
        for (index, unknown) in free.enumerated() { beta[unknown] = solution[index] }
        for (unknown, value) in fixed { beta[unknown] = value }
        return beta
    }

    /// Σ w·(y − x·β)², from the sums alone (never negative, despite rounding).
    public func residualSquares(_ beta: [Double]) -> Double {
        let n = Self.unknowns
        var quadratic = 0.0
        var linear = 0.0
        for i in 0..<n {
            linear += beta[i] * xy[i]
            for j in 0..<n { quadratic += beta[i] * xx[i * n + j] * beta[j] }
        }
        return max(yy - 2 * linear + quadratic, 0)
    }
}
