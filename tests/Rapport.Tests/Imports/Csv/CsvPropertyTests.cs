using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Rapport.Imports.Csv;

namespace Rapport.Tests.Imports.Csv;

/// <summary>Invariants of the reader over generated input: writer round trips, and garbage that never breaks it.</summary>
public sealed class CsvPropertyTests
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(300);

    private static readonly string[] Pieces = ["a", "Zoë", "😀", ",", ";", "|", "\t", "\"", "\"\"", "\r", "\n", "\r\n", " ", "=1+2", "-", "'", "x y"];

    private static Gen<string> Cell() =>
        Gen.Frequency(
            (1, Gen.Constant("")),
            (6, Gen.ListOf(Gen.Elements(Pieces)).Select(parts => string.Concat(parts))));

    /// <summary>A table: columns × rows of generated cells, the delimiter, the line break and the encoding it is written with.</summary>
    public sealed record Table(string[][] Rows, char Delimiter, string NewLine, int Encoding)
    {
        public override string ToString() =>
            $"delimiter {CsvText.DelimiterName(Delimiter)}, newline {(NewLine == "\n" ? "LF" : "CRLF")}, encoding {Encoding}, rows: "
            + string.Join(" / ", Rows.Select(r => string.Join(" | ", r.Select(c => c.Replace("\r", "\\r").Replace("\n", "\\n")))));
    }

    private static Arbitrary<Table> Tables() =>
        (from columns in Gen.Choose(1, 5)
         from rows in Gen.Choose(0, 12)
         from cells in Gen.ArrayOf(Gen.ArrayOf(Cell(), columns), rows)
         from delimiter in Gen.Elements(',', ';', '\t', '|')
         from newLine in Gen.Elements("\r\n", "\n")
         from encoding in Gen.Choose(0, 3)
         select new Table(cells, delimiter, newLine, encoding)).ToArbitrary();

    private static Encoding EncodingOf(int choice) => choice switch
    {
        0 => new UTF8Encoding(false),
        1 => new UTF8Encoding(true),
        2 => new UnicodeEncoding(false, true),
        _ => new UnicodeEncoding(true, true),
    };

    private static int LineBreaks(string text)
    {
        var count = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.Length || text[i + 1] != '\n')))
            {
                count++;
            }
        }

        return count;
    }

    [Fact]
    public void Any_table_written_by_the_writer_reads_back_with_the_same_cells_lines_and_offsets()
    {
        Prop.ForAll(Tables(), table =>
        {
            var encoding = EncodingOf(table.Encoding);
            var columns = table.Rows.FirstOrDefault()?.Length ?? 1;
            string[] header = [.. Enumerable.Range(1, columns).Select(i => $"c{i}")];
            var options = new CsvWriteOptions { Delimiter = table.Delimiter, NewLine = table.NewLine };

            // Write row by row to know where each row ends in bytes and on which line it starts.
            using var bytes = new MemoryStream();
            bytes.Write(encoding.GetPreamble());
            var expected = new List<(long Line, long EndOffset)>();
            long line = 1;
            foreach (var row in table.Rows.Prepend(header))
            {
                using var text = new StringWriter();
                new CsvWriter(text, options).WriteRow(row);
                var written = text.ToString();
                bytes.Write(encoding.GetBytes(written));
                expected.Add((line, bytes.Length));
                line += LineBreaks(written);
            }

            var file = bytes.ToArray();
            var (reader, records) = CsvTestFiles.Read(file, new CsvReadOptions { Delimiter = table.Delimiter });

            reader.HeaderProblem.Should().BeNull();
            reader.Header!.Names.Should().Equal(header);
            records.Select(r => r.Cells).Should().BeEquivalentTo(table.Rows, o => o.WithStrictOrdering());
            records.Where(r => r.Error != null).Should().BeEmpty();
            records.Select(r => (r.Line, r.EndOffset)).Should().Equal(expected.Skip(1));

            // Resuming after any record gives the records after it.
            if (records.Count > 1)
            {
                var k = records.Count / 2;
                var (_, rest) = CsvTestFiles.Read(file, new CsvReadOptions { Delimiter = table.Delimiter, StartOffset = records[k].EndOffset, StartLine = records[k].NextLine });
                rest.Should().BeEquivalentTo(records.Skip(k + 1), o => o.WithStrictOrdering());
            }

            return true;
        }).Check(Runs);
    }

    private static Arbitrary<byte[]> Garbage() =>
        (from prefix in Gen.Elements<byte[]>([], [0xEF, 0xBB, 0xBF], [0xFF, 0xFE], [0xFE, 0xFF], "sep=;\n"u8.ToArray())
         from body in Gen.ArrayOf(Gen.Frequency(
             (4, Gen.Elements((byte)',', (byte)'"', (byte)'\r', (byte)'\n', (byte)';', (byte)'\t', (byte)' ', (byte)'|')),
             (5, Gen.Choose('a', 'e').Select(c => (byte)c)),
             (2, Gen.Choose(0, 255).Select(b => (byte)b))))
         select (byte[])[.. prefix, .. body]).ToArbitrary();

    [Fact]
    public void Random_bytes_never_throw_and_every_line_is_a_record_a_blank_line_or_part_of_a_malformed_record()
    {
        Prop.ForAll(Garbage(), bytes =>
        {
            var (reader, records) = CsvTestFiles.Read(bytes);
            var (strict, strictRecords) = CsvTestFiles.Read(bytes, new CsvReadOptions { MaxLinesPerRecord = 2 });
            AccountForEveryLine(bytes, strict, strictRecords);

            // With the header given (as when resuming), every line of the file is data.
            var (headed, headedRecords) = CsvTestFiles.Read(bytes, new CsvReadOptions { Header = ["a", "b", "c"] });
            AccountForEveryLine(bytes, headed, headedRecords, headerInFile: false);

            return true;
        }).Check(Runs.WithMaxTest(500).WithEndSize(400));
    }

    private static void AccountForEveryLine(byte[] bytes, CsvReader reader, List<CsvRecord> records, bool headerInFile = true)
    {
        var encoding = reader.Encoding;
        // A lone last byte of a UTF-16 file decodes to U+FFFD here as in the reader.
        var body = bytes.AsSpan(encoding.BomLength);
        var text = encoding.Encoding.GetString(body);
        var lines = SplitLines(text);
        if (reader.HeaderProblem is not null)
        {
            records.Should().BeEmpty();
            return;
        }

        var covered = new bool[lines.Count + 1];
        if (reader.HasSepLine)
        {
            lines[0].Should().StartWithEquivalentOf("sep=");
            covered[1] = true;
        }

        var spans = new List<(long First, long Last)>();
        if (headerInFile)
        {
            spans.Add((reader.Header!.Line, reader.Header.Line + reader.Header.LineCount - 1));
        }

        spans.AddRange(records.Select(r => (r.Line, r.Line + r.LineCount - 1)));
        long previous = 0;
        foreach (var (first, last) in spans)
        {
            first.Should().BeGreaterThan(previous, "records follow each other without overlapping");
            last.Should().BeLessThanOrEqualTo(lines.Count);
            for (var i = first; i <= last; i++)
            {
                covered[i] = true;
            }

            previous = last;
        }

        for (var i = 1; i <= lines.Count; i++)
        {
            if (!covered[i])
            {
                lines[i - 1].Trim(Blank(reader)).Should().BeEmpty($"line {i} is not in any record, so it must be blank");
            }
        }

        foreach (var record in records)
        {
            record.EndOffset.Should().BeLessThanOrEqualTo(bytes.Length);
            if (record.LineCount == 1)
            {
                record.Raw.Should().Be(lines[(int)record.Line - 1]);
            }
        }

        // What follows the last record is only blank lines.
        var lastEnd = records.Count == 0 ? reader.Header!.EndOffset : records[^1].EndOffset;
        var rest = bytes.AsSpan((int)lastEnd);
        encoding.Encoding.GetString(rest).Trim(Blank(reader)).Should().BeEmpty("only blank lines follow the last record");
    }

    private static char[] Blank(CsvReader reader) => reader.Delimiter == '\t' ? BlankWithoutTab : BlankWithTab;

    private static readonly char[] BlankWithTab = [' ', '\t', '\r', '\n'];
    private static readonly char[] BlankWithoutTab = [' ', '\r', '\n'];

    private static List<string> SplitLines(string text)
    {
        var lines = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is '\r' or '\n')
            {
                lines.Add(text[start..i]);
                if (text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                start = i + 1;
            }
        }

        if (start < text.Length)
        {
            lines.Add(text[start..]);
        }

        return lines;
    }
}
