/// Finding the family a name belongs to: exact names first, then a declared family plus one of its suffixes.
extension Parser {
    /// The family declared under exactly this name, created if new.
    mutating func family(named start: Int, _ length: Int) -> Int {
        if current >= 0 && families[current].nameLength == length
            && bytesEqual(base + families[current].nameStart, base + start, length)
        {
            return current
        }
        let hash = NameTable.hash(base + start, length)
        if let found = familyTable.find(base + start, length, hash: hash) {
            current = found
            return found
        }
        return createFamily(start, length, hash: hash)
    }

    mutating func createFamily(_ start: Int, _ length: Int, hash: UInt64) -> Int {
        let index = familyTable.insert(base + start, length, hash: hash)
        families.append(FamilyState(nameStart: start, nameLength: length, wanted: true))
        samples.append([])
        names.append(nil)
        if wantedTable != nil { families[index].wanted = isWanted(index) }
        // A family named like another family's suffixed sample takes those samples from it.
        if anySuffixes, let owner = suffixOwner(start, length)?.owner { families[owner].shadowed = true }
        current = index
        return index
    }

    /// The family that claims the name at `start` as its own name plus one of its declared suffixes, if any.
    func suffixOwner(_ start: Int, _ length: Int) -> (owner: Int, suffix: SampleSuffix)? {
        var match: (Int, SampleSuffix)?
        SampleSuffix.forEach(endingOf: base + start, length) { suffix in
            if match == nil, let owner = familyTable.find(base + start, length - suffix.text.utf8CodeUnitCount),
                families[owner].declared.suffixes & suffix.bit != 0
            {
                match = (owner, suffix)
            }
        }
        return match
    }

    /// The family named like `index`'s name plus `suffix`, if any.
    mutating func findFamily(_ index: Int, _ suffix: SampleSuffix) -> Int? {
        fillScratch(index, suffix)
        return scratch.withUnsafeBufferPointer { familyTable.find($0.baseAddress!, $0.count) }
    }

    mutating func fillScratch(_ index: Int, _ suffix: SampleSuffix) {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(
            contentsOf: UnsafeBufferPointer(start: base + families[index].nameStart, count: families[index].nameLength))
        let text = suffix.text
        scratch.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func isWanted(_ index: Int) -> Bool {
        guard let wantedTable else { return true }
        if families[index].declared.nameSuffix == .none {
            return wantedTable.find(base + families[index].nameStart, families[index].nameLength) != nil
        }
        fillScratch(index, families[index].declared.nameSuffix)
        return scratch.withUnsafeBufferPointer { wantedTable.find($0.baseAddress!, $0.count) != nil }
    }

    /// The family a sample name belongs to, and which of the family's suffixes it carries.
    mutating func sampleFamily(_ start: Int, _ length: Int) -> (Int, SampleSuffix) {
        if current >= 0, let suffix = currentFamilySuffix(start, length) { return (current, suffix) }
        let hash = NameTable.hash(base + start, length)
        if let found = familyTable.find(base + start, length, hash: hash) {
            current = found
            return (found, .none)
        }
        if anySuffixes, let match = suffixOwner(start, length) {
            current = match.owner
            return match
        }
        return (createFamily(start, length, hash: hash), .none)
    }

    /// The suffix with which the name at `start` belongs to the current family, if it does.
    func currentFamilySuffix(_ start: Int, _ length: Int) -> SampleSuffix? {
        let family = families[current]
        let name = base + start
        if family.nameLength == length && bytesEqual(base + family.nameStart, name, length) { return SampleSuffix.none }
        guard
            family.declared.suffixes != 0 && !family.shadowed && length > family.nameLength
                && bytesEqual(base + family.nameStart, name, family.nameLength)
        else { return nil }
        var match: SampleSuffix?
        SampleSuffix.forEach(endingOf: name, length) { suffix in
            if family.declared.suffixes & suffix.bit != 0 && length - family.nameLength == suffix.text.utf8CodeUnitCount
            {
                match = suffix
            }
        }
        return match
    }

    /// The name of a sample of family `index` with `suffix`, shared with the previous sample when they match.
    mutating func sampleName(_ index: Int, _ suffix: SampleSuffix) -> String {
        if index == lastNameFamily && suffix == lastNameSuffix { return lastName }
        let name: String
        let isFamilyName = suffix == families[index].declared.nameSuffix
        if isFamilyName, let known = names[index] {
            name = known
        } else if suffix == .none {
            name = String(
                decoding: UnsafeBufferPointer(
                    start: base + families[index].nameStart, count: families[index].nameLength), as: UTF8.self)
            if isFamilyName { names[index] = name }
        } else {
            fillScratch(index, suffix)
            name = String(decoding: scratch, as: UTF8.self)
            // Most families are named like their samples; the result then shares this string.
            if isFamilyName { names[index] = name }
        }
        lastNameFamily = index
        lastNameSuffix = suffix
        lastName = name
        return name
    }
}
