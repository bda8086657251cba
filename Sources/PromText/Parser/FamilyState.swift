/// What the parser knows about a family while reading. Plain values only, so reading it copies no references.
struct FamilyState {
    /// The name as declared (the TYPE/HELP name, or the first sample's name), as a range of the input.
    var nameStart: Int
    var nameLength: Int
    var declared = DeclaredType.untyped
    var typed = false
    var helpStart = 0
    var helpLength = -1
    var helpEscaped = false
    var unitSeen = false
    /// OpenMetrics: whether a non-empty `# UNIT` was given (info and stateset may not have one).
    var hasUnit = false
    var hasSamples = false
    var wanted: Bool
    /// Set when a family exists under one of this family's suffixed names: the exact name then wins, so
    /// the shortcut that matches suffixes against the current family must not be taken.
    var shadowed = false
}
