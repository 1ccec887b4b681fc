/// A contact detail as a scanner reports it: UTF-8 offsets, so scanners never touch `String.Index`.
struct ContactDetailMatch {
    var start: Int
    var end: Int
    var kind: ContactDetailKind
}
