import Foundation

/// Writes an Office Open XML workbook (.xlsx) with one worksheet, row by row.
///
/// An .xlsx file is a ZIP archive. The worksheet's size and checksum are unknown until its last
/// row, so its entry is written with a trailing data descriptor (ZIP general purpose flag bit 3)
/// and left uncompressed; the small fixed parts go first with known sizes, and the central
/// directory closes the file. Text is written as inline strings, so no shared-string table has to
/// be held in memory; dates are real date cells (serial numbers with a date format), in UTC.
/// Archives are limited to 4 GiB, far beyond any export here.
struct XLSXStreamWriter: Sendable {
    private struct Entry {
        let name: String
        let offset: UInt32
        var crc: UInt32
        var size: UInt32
        let usesDescriptor: Bool
    }

    let sheetName: String
    let columns: [String]
    private var entries: [Entry] = []
    private var written: UInt32 = 0
    private var sheetCRC = CRC32()
    private var sheetSize: UInt32 = 0
    private var rowNumber = 0

    init(sheetName: String, columns: [String]) {
        self.sheetName = sheetName
        self.columns = columns
    }

    /// The fixed parts, then the start of the worksheet with its header row.
    mutating func begin() -> [UInt8] {
        var bytes: [UInt8] = []
        for (name, content) in fixedParts() { bytes += storedEntry(name: name, data: Array(content.utf8)) }
        let sheetOffset = written
        bytes += localHeader(name: "xl/worksheets/sheet1.xml", crc: 0, size: 0, usesDescriptor: true)
        entries.append(
            Entry(name: "xl/worksheets/sheet1.xml", offset: sheetOffset, crc: 0, size: 0, usesDescriptor: true))
        let start = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
            """
        bytes += sheetBytes(start)
        bytes += sheetBytes(rowXML(columns.map(SpreadsheetCell.text), style: 2))
        return bytes
    }

    mutating func row(_ cells: [SpreadsheetCell]) -> [UInt8] {
        sheetBytes(rowXML(cells, style: nil))
    }

    /// The end of the worksheet and the archive's directory.
    mutating func finish() -> [UInt8] {
        var bytes = sheetBytes("</sheetData></worksheet>")
        let crc = sheetCRC.value
        bytes += le32(0x0807_4B50) + le32(crc) + le32(sheetSize) + le32(sheetSize)
        written += 16
        if let index = entries.firstIndex(where: { $0.usesDescriptor }) {
            entries[index].crc = crc
            entries[index].size = sheetSize
        }
        let directoryOffset = written
        var directory: [UInt8] = []
        for entry in entries {
            let name = Array(entry.name.utf8)
            directory += le32(0x0201_4B50) + le16(20) + le16(20) + le16(flags(entry.usesDescriptor)) + le16(0)
            directory += le16(Self.dosTime) + le16(Self.dosDate) + le32(entry.crc) + le32(entry.size) + le32(entry.size)
            directory += le16(UInt16(name.count)) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0)
            directory += le32(entry.offset) + name
        }
        bytes += directory
        bytes += le32(0x0605_4B50) + le16(0) + le16(0) + le16(UInt16(entries.count)) + le16(UInt16(entries.count))
        bytes += le32(UInt32(directory.count)) + le32(directoryOffset) + le16(0)
        written += UInt32(directory.count) + 22
        return bytes
    }

    // MARK: Worksheet XML

    private mutating func rowXML(_ cells: [SpreadsheetCell], style: Int?) -> String {
        rowNumber += 1
        var xml = "<row r=\"\(rowNumber)\">"
        for (index, cell) in cells.enumerated() {
            let reference = Self.columnName(index) + String(rowNumber)
            let styleAttribute = style.map { " s=\"\($0)\"" } ?? ""
            switch cell {
            case .text(let text):
                let safe = Self.escape(SpreadsheetSafety.neutralised(text))
                xml += "<c r=\"\(reference)\" t=\"inlineStr\"\(styleAttribute)>"
                xml += "<is><t xml:space=\"preserve\">\(safe)</t></is></c>"
            case .integer(let value):
                xml += "<c r=\"\(reference)\"\(styleAttribute)><v>\(value)</v></c>"
            case .date(let date?):
                // Days since 1899-12-30, the spreadsheet epoch; style 1 shows it as a date and time.
                let serial = date.timeIntervalSince1970 / 86_400 + 25_569
                xml += "<c r=\"\(reference)\" s=\"1\"><v>\(serial)</v></c>"
            case .date(nil):
                continue
            }
        }
        return xml + "</row>"
    }

    static func columnName(_ index: Int) -> String {
        var index = index
        var name = ""
        repeat {
            name = String(UnicodeScalar(UInt8(65 + index % 26))) + name
            index = index / 26 - 1
        } while index >= 0
        return name
    }

    /// XML text: escaped, and without the control characters XML 1.0 forbids.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private mutating func sheetBytes(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        sheetCRC.update(bytes)
        sheetSize += UInt32(bytes.count)
        written += UInt32(bytes.count)
        return bytes
    }

    // MARK: ZIP

    private static let dosTime: UInt16 = 0
    private static let dosDate: UInt16 = (46 << 9) | (1 << 5) | 1  // 2026-01-01

    private func flags(_ usesDescriptor: Bool) -> UInt16 {
        // Bit 11: names are UTF-8. Bit 3: sizes follow the data.
        usesDescriptor ? 0x0808 : 0x0800
    }

    private mutating func localHeader(name: String, crc: UInt32, size: UInt32, usesDescriptor: Bool) -> [UInt8] {
        let nameBytes = Array(name.utf8)
        var bytes = le32(0x0403_4B50) + le16(20) + le16(flags(usesDescriptor)) + le16(0)
        bytes += le16(Self.dosTime) + le16(Self.dosDate) + le32(crc) + le32(size) + le32(size)
        bytes += le16(UInt16(nameBytes.count)) + le16(0) + nameBytes
        written += UInt32(bytes.count)
        return bytes
    }

    private mutating func storedEntry(name: String, data: [UInt8]) -> [UInt8] {
        var crc = CRC32()
        crc.update(data)
        let offset = written
        let header = localHeader(name: name, crc: crc.value, size: UInt32(data.count), usesDescriptor: false)
        written += UInt32(data.count)
        entries.append(
            Entry(name: name, offset: offset, crc: crc.value, size: UInt32(data.count), usesDescriptor: false))
        return header + data
    }

    private func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }

    private func le32(_ value: UInt32) -> [UInt8] {
        [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF), UInt8((value >> 16) & 0xFF), UInt8(value >> 24)]
    }

    private func fixedParts() -> [(String, String)] {
        let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        let relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        let package = "http://schemas.openxmlformats.org/package/2006/relationships"
        let header = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        let type = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        return [
            (
                "[Content_Types].xml",
                header + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                    + "<Default Extension=\"rels\" "
                    + "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
                    + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
                    + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"\(type).sheet.main+xml\"/>"
                    + "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"\(type).worksheet+xml\"/>"
                    + "<Override PartName=\"/xl/styles.xml\" ContentType=\"\(type).styles+xml\"/></Types>"
            ),
            (
                "_rels/.rels",
                header + "<Relationships xmlns=\"\(package)\"><Relationship Id=\"rId1\" "
                    + "Type=\"\(relationships)/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"
            ),
            (
                "xl/workbook.xml",
                header + "<workbook xmlns=\"\(main)\" xmlns:r=\"\(relationships)\"><sheets>"
                    + "<sheet name=\"\(Self.escape(String(sheetName.prefix(31))))\" sheetId=\"1\" r:id=\"rId1\"/>"
                    + "</sheets></workbook>"
            ),
            (
                "xl/_rels/workbook.xml.rels",
                header + "<Relationships xmlns=\"\(package)\">"
                    + "<Relationship Id=\"rId1\" Type=\"\(relationships)/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
                    + "<Relationship Id=\"rId2\" Type=\"\(relationships)/styles\" Target=\"styles.xml\"/>"
                    + "</Relationships>"
            ),
            (
                "xl/styles.xml",
                header + "<styleSheet xmlns=\"\(main)\">"
                    + "<numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"yyyy-mm-dd hh:mm:ss\"/></numFmts>"
                    + "<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font>"
                    + "<font><b/><sz val=\"11\"/><name val=\"Calibri\"/></font></fonts>"
                    + "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill>"
                    + "<fill><patternFill patternType=\"gray125\"/></fill></fills>"
                    + "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
                    + "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/>"
                    + "</cellStyleXfs>"
                    + "<cellXfs count=\"3\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
                    + "<xf numFmtId=\"164\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" "
                    + "applyNumberFormat=\"1\"/>"
                    + "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>"
                    + "</cellXfs>"
                    + "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
                    + "</styleSheet>"
            ),
        ]
    }
}

/// CRC-32 (IEEE 802.3, as ZIP uses it), fed in pieces.
struct CRC32: Sendable {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    private var state: UInt32 = 0xFFFF_FFFF

    var value: UInt32 { state ^ 0xFFFF_FFFF }

    mutating func update(_ bytes: [UInt8]) {
        var crc = state
        for byte in bytes { crc = Self.table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        state = crc
    }
}
