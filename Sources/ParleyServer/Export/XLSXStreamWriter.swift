import Foundation
import NIOCore

/// Writes an Office Open XML workbook (.xlsx) with one worksheet, row by row.
///
/// An .xlsx file is a ZIP archive whose parts are compressed with deflate, as spreadsheet programs
/// write them. The worksheet is compressed while its rows arrive and its checksum and sizes are
/// counted on the way, so its entry is followed by a data descriptor (ZIP general purpose flag
/// bit 3) and memory stays flat however many rows go out. Text is written as inline strings: no
/// shared-string table has to be held, and an inline string is never taken for a formula. Dates
/// are real date cells (serial numbers with a date format), in UTC. Archives are limited to 4 GiB
/// (no ZIP64), far beyond any export here.
final class XLSXStreamWriter {
    struct TooLarge: Error {}

    private struct Entry {
        let name: String
        let offset: UInt64
        var crc: UInt32
        var compressedSize: UInt64
        var size: UInt64
        let usesDescriptor: Bool
    }

    static let sheetPath = "xl/worksheets/sheet1.xml"

    let sheetName: String
    let columns: [SpreadsheetColumn]
    private let deflate: DeflateStream
    private var entries: [Entry] = []
    /// Bytes handed out before the buffer being written.
    private var written: UInt64 = 0
    /// Worksheet XML not yet compressed.
    private var xml = ByteBuffer()
    private var sheetCRC = CRC32()
    private var sheetSize: UInt64 = 0
    private var sheetDataStart: UInt64 = 0
    private var rowNumber = 0

    init(sheetName: String, columns: [SpreadsheetColumn]) throws {
        self.sheetName = sheetName
        self.columns = columns
        deflate = try DeflateStream()
    }

    /// The fixed parts, then the start of the worksheet: its column widths and header row.
    func begin() throws -> ByteBuffer {
        var output = ByteBuffer()
        for (name, content) in fixedParts() { try writeEntry(name: name, content: content, to: &output) }
        let sheet = Entry(
            name: Self.sheetPath, offset: position(output), crc: 0, compressedSize: 0, size: 0, usesDescriptor: true)
        entries.append(sheet)
        writeLocalHeader(sheet, to: &output)
        sheetDataStart = position(output)
        xml.writeString(Self.xmlDeclaration + "<worksheet xmlns=\"\(Self.mainNamespace)\"><cols>")
        for (index, column) in columns.enumerated() {
            xml.writeString(
                "<col min=\"\(index + 1)\" max=\"\(index + 1)\" width=\"\(column.width)\" customWidth=\"1\"/>")
        }
        xml.writeString("</cols><sheetData>")
        appendRow(columns.map { .text($0.title) }, style: 2)
        written += UInt64(output.readableBytes)
        return output
    }

    /// Adds a row; it goes out with a later ``flush()`` or ``finish()``.
    func append(_ cells: [SpreadsheetCell]) {
        appendRow(cells, style: nil)
    }

    /// The rows added since the last call, compressed: often less than they hold, or nothing,
    /// while zlib fills a block.
    func flush() throws -> ByteBuffer {
        var output = ByteBuffer()
        try compressSheet(into: &output)
        written += UInt64(output.readableBytes)
        return output
    }

    /// The rest of the worksheet, its data descriptor, and the archive's directory.
    func finish() throws -> ByteBuffer {
        xml.writeString("</sheetData></worksheet>")
        var output = ByteBuffer()
        try compressSheet(into: &output)
        try deflate.finish(into: &output)
        guard let index = entries.firstIndex(where: \.usesDescriptor) else {
            preconditionFailure("finish before begin")
        }
        entries[index].crc = sheetCRC.value
        entries[index].size = sheetSize
        entries[index].compressedSize = position(output) - sheetDataStart
        // The descriptor and the directory still follow: a few hundred bytes, well inside the margin.
        guard position(output) < UInt32.max - 65_536, sheetSize <= UInt32.max else { throw TooLarge() }
        let sheet = entries[index]
        output.writeInteger(UInt32(0x0807_4B50), endianness: .little)
        output.writeInteger(sheet.crc, endianness: .little)
        output.writeInteger(UInt32(sheet.compressedSize), endianness: .little)
        output.writeInteger(UInt32(sheet.size), endianness: .little)
        writeDirectory(to: &output)
        written += UInt64(output.readableBytes)
        return output
    }

    // MARK: Worksheet XML

    private func appendRow(_ cells: [SpreadsheetCell], style: Int?) {
        rowNumber += 1
        let row = String(rowNumber)
        let styleAttribute = style.map { " s=\"\($0)\"" } ?? ""
        xml.writeStaticString("<row r=\"")
        xml.writeString(row)
        xml.writeStaticString("\">")
        for (index, cell) in cells.enumerated() {
            if case .date(nil) = cell { continue }
            xml.writeStaticString("<c r=\"")
            xml.writeString(Self.columnName(index))
            xml.writeString(row)
            xml.writeStaticString("\"")
            switch cell {
            case .text(let text):
                xml.writeStaticString(" t=\"inlineStr\"")
                xml.writeString(styleAttribute)
                xml.writeStaticString("><is><t xml:space=\"preserve\">")
                xml.writeString(Self.escape(text))
                xml.writeStaticString("</t></is></c>")
            case .integer(let value):
                xml.writeString(styleAttribute)
                xml.writeStaticString("><v>")
                xml.writeString(String(value))
                xml.writeStaticString("</v></c>")
            case .date(let date?):
                // Days since 1899-12-30, the spreadsheet epoch; style 1 shows it as a date and time.
                let serial = date.timeIntervalSince1970 / 86_400 + 25_569
                xml.writeStaticString(" s=\"1\"><v>")
                xml.writeString(String(serial))
                xml.writeStaticString("</v></c>")
            case .date(nil):
                break
            }
        }
        xml.writeStaticString("</row>")
    }

    private func compressSheet(into output: inout ByteBuffer) throws {
        xml.withUnsafeReadableBytes { sheetCRC.update($0) }
        sheetSize += UInt64(xml.readableBytes)
        try deflate.compress(&xml, into: &output)
        xml.clear()
    }

    private static let columnNames = (0..<26).map { String(UnicodeScalar(UInt8(65 + $0))) }

    static func columnName(_ index: Int) -> String {
        if index < 26 { return columnNames[index] }
        var index = index
        var name = ""
        repeat {
            name = columnNames[index % 26] + name
            index = index / 26 - 1
        } while index >= 0
        return name
    }

    /// Most names need no escaping; 0xEF leads U+FFFE and U+FFFF, which ``escape(_:)`` drops.
    private static func mayNeedEscaping(_ byte: UInt8) -> Bool {
        switch byte {
        case 0..<0x20, 0xEF, UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""),
            UInt8(ascii: "'"):
            true
        default: false
        }
    }

    /// XML text: escaped, and without the control characters XML 1.0 forbids.
    static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: mayNeedEscaping) else { return text }
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

    // MARK: ZIP

    private static let dosTime: UInt16 = 0
    private static let dosDate: UInt16 = (46 << 9) | (1 << 5) | 1  // 2026-01-01
    private static let version: UInt16 = 20  // 2.0: deflate
    private static let deflated: UInt16 = 8

    private func position(_ output: ByteBuffer) -> UInt64 {
        written + UInt64(output.writerIndex)
    }

    private static func flags(_ entry: Entry) -> UInt16 {
        // Bit 11: names are UTF-8. Bit 3: the checksum and sizes follow the data.
        entry.usesDescriptor ? 0x0808 : 0x0800
    }

    /// A small part, compressed whole, with its checksum and sizes in its header.
    private func writeEntry(name: String, content: String, to output: inout ByteBuffer) throws {
        var data = ByteBuffer(string: content)
        var crc = CRC32()
        data.withUnsafeReadableBytes { crc.update($0) }
        let size = UInt64(data.readableBytes)
        var compressed = ByteBuffer()
        try deflate.compress(&data, into: &compressed)
        try deflate.finish(into: &compressed)
        let entry = Entry(
            name: name, offset: position(output), crc: crc.value, compressedSize: UInt64(compressed.readableBytes),
            size: size, usesDescriptor: false)
        entries.append(entry)
        writeLocalHeader(entry, to: &output)
        output.writeBuffer(&compressed)
    }

    private func writeLocalHeader(_ entry: Entry, to output: inout ByteBuffer) {
        let name = Array(entry.name.utf8)
        output.writeInteger(UInt32(0x0403_4B50), endianness: .little)
        for value in [Self.version, Self.flags(entry), Self.deflated, Self.dosTime, Self.dosDate] {
            output.writeInteger(value, endianness: .little)
        }
        for value in [entry.crc, UInt32(entry.compressedSize), UInt32(entry.size)] {
            output.writeInteger(value, endianness: .little)
        }
        output.writeInteger(UInt16(name.count), endianness: .little)
        output.writeInteger(UInt16(0), endianness: .little)
        output.writeBytes(name)
    }

    private func writeDirectory(to output: inout ByteBuffer) {
        let start = position(output)
        for entry in entries {
            let name = Array(entry.name.utf8)
            output.writeInteger(UInt32(0x0201_4B50), endianness: .little)
            for value in [Self.version, Self.version, Self.flags(entry), Self.deflated, Self.dosTime, Self.dosDate] {
                output.writeInteger(value, endianness: .little)
            }
            for value in [entry.crc, UInt32(entry.compressedSize), UInt32(entry.size)] {
                output.writeInteger(value, endianness: .little)
            }
            // Name length; extra field, comment, disk, internal attributes: none; external attributes.
            for value in [UInt16(name.count), 0, 0, 0, 0] { output.writeInteger(value, endianness: .little) }
            output.writeInteger(UInt32(0), endianness: .little)
            output.writeInteger(UInt32(entry.offset), endianness: .little)
            output.writeBytes(name)
        }
        let size = position(output) - start
        output.writeInteger(UInt32(0x0605_4B50), endianness: .little)
        for value in [0, 0, UInt16(entries.count), UInt16(entries.count)] {
            output.writeInteger(value, endianness: .little)
        }
        output.writeInteger(UInt32(size), endianness: .little)
        output.writeInteger(UInt32(start), endianness: .little)
        output.writeInteger(UInt16(0), endianness: .little)
    }

    // MARK: Fixed parts

    private static let xmlDeclaration = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    private static let mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

    private func fixedParts() -> [(String, String)] {
        let main = Self.mainNamespace
        let relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        let package = "http://schemas.openxmlformats.org/package/2006/relationships"
        let header = Self.xmlDeclaration
        let type = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        return [
            (
                "[Content_Types].xml",
                header + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                    + "<Default Extension=\"rels\" "
                    + "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
                    + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
                    + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"\(type).sheet.main+xml\"/>"
                    + "<Override PartName=\"/\(Self.sheetPath)\" ContentType=\"\(type).worksheet+xml\"/>"
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
