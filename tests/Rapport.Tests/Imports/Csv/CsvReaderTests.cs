using System.Text;
using Rapport.Imports.Csv;
using static Rapport.Tests.Imports.Csv.CsvTestFiles;

namespace Rapport.Tests.Imports.Csv;

/// <summary>The bad inputs of issue 3 at the reader level: exact line numbers, raw text, offsets and reasons.</summary>
public sealed class CsvReaderTests
{
    [Fact]
    public void Reads_header_and_rows_with_line_numbers_raw_text_and_end_offsets()
    {
        var text = "id,email,total\n1,ada@example.com,12.50\n2,bob@example.com,7\n";
        var (reader, records) = Read(text);

        reader.HeaderProblem.Should().BeNull();
        reader.Header!.Names.Should().Equal("id", "email", "total");
        reader.Header.Line.Should().Be(1);
        reader.Encoding.Name.Should().Be("utf-8");
        reader.Delimiter.Should().Be(',');
        records.Select(r => (r.Line, r.LineCount, r.Raw, r.Error)).Should().Equal(
            (2, 1, "1,ada@example.com,12.50", (string?)null),
            (3, 1, "2,bob@example.com,7", null));
        records[0].Cells.Should().Equal("1", "ada@example.com", "12.50");
        records[0].EndOffset.Should().Be(text.IndexOf("\n2,", StringComparison.Ordinal) + 1);
        records[1].EndOffset.Should().Be(text.Length);
    }

    [Fact]
    public void Utf8_bom_is_skipped_and_counted_in_offsets()
    {
        var (reader, records) = Read(Utf8WithBom("email;name\nzoë@example.com;Zoë\n"));

        reader.Encoding.Name.Should().Be("utf-8");
        reader.Encoding.BomLength.Should().Be(3);
        reader.Encoding.Detected.Should().BeTrue();
        reader.Delimiter.Should().Be(';');
        reader.Header!.Names.Should().Equal("email", "name");
        records.Single().Cells.Should().Equal("zoë@example.com", "Zoë");
        records.Single().EndOffset.Should().Be(3 + Encoding.UTF8.GetByteCount("email;name\nzoë@example.com;Zoë\n"));
    }

    [Fact]
    public void Mixed_line_endings_each_end_one_line()
    {
        var text = "a,b\r\n1,2\n3,4\r5,6\r\n7,8";
        var (_, records) = Read(text);

        records.Select(r => r.Line).Should().Equal(2, 3, 4, 5);
        records.Select(r => r.Raw).Should().Equal("1,2", "3,4", "5,6", "7,8");
        records.Select(r => r.EndOffset).Should().Equal(9, 13, 18, 21);
    }

    [Fact]
    public void Quoted_newlines_stay_in_the_cell_and_the_raw_text_and_count_as_lines()
    {
        var text = "name,notes,city\nAda,\"first line\r\nsecond \"\"quoted\"\" line\nthird\",London\nBob,short,Paris\n";
        var (_, records) = Read(text);

        records[0].Line.Should().Be(2);
        records[0].LineCount.Should().Be(3);
        records[0].Cells.Should().Equal("Ada", "first line\r\nsecond \"quoted\" line\nthird", "London");
        records[0].Raw.Should().Be("Ada,\"first line\r\nsecond \"\"quoted\"\" line\nthird\",London");
        records[1].Line.Should().Be(5);
        records[1].NextLine.Should().Be(6);
    }

    [Fact]
    public void Blank_lines_are_skipped_but_counted()
    {
        var (_, records) = Read("\n\na,b\n\n1,2\n   \n\r\n3,4\n\n");

        records.Select(r => (r.Line, r.Raw)).Should().Equal((5, "1,2"), (8, "3,4"));
    }

    [Fact]
    public void A_row_with_too_few_or_too_many_cells_is_malformed_with_its_counts_and_trailing_empty_cells_are_ignored()
    {
        var (_, records) = Read("a,b,c,d,e\n1,2,3\n1,2,3,4,5,6\n1,2,3,4,5,,,\n1,2,3,4,5\n");

        records.Select(r => (r.Line, r.Error)).Should().Equal(
            (2, "row has 3 cells, the header has 5"),
            (3, "row has 6 cells, the header has 5"),
            (4, (string?)null),
            (5, null));
        records[0].Cells.Should().Equal("1", "2", "3");
        records[2].Cells.Should().Equal("1", "2", "3", "4", "5");
        records[2].Raw.Should().Be("1,2,3,4,5,,,");
    }

    [Fact]
    public void Broken_quote_at_the_end_of_the_file_rejects_only_its_line()
    {
        var (_, records) = Read("id,name,city\n1,\"Ada,London\n2,Bob,Paris\n3,Cy,Rome\n");

        records.Select(r => (r.Line, r.Raw, r.Error)).Should().Equal(
            (2, "1,\"Ada,London", "cell 2 opens a quote that is not closed before the end of the file"),
            (3, "2,Bob,Paris", (string?)null),
            (4, "3,Cy,Rome", null));
        records[0].EndOffset.Should().Be("id,name,city\n1,\"Ada,London\n".Length);
    }

    [Fact]
    public void Broken_quote_closed_by_a_later_quote_does_not_swallow_the_lines_between()
    {
        // The quote opened on line 2 is "closed" by the quote on line 4, which leaves a row of the wrong shape.
        var (_, records) = Read("id,name,city\n1,\"Ada,London\n2,Bob,Paris\n3,Cy,\"\n4,Di,Oslo\n");

        records.Select(r => (r.Line, r.Error is null)).Should().Equal((2, false), (3, true), (4, false), (5, true));
        records[0].Raw.Should().Be("1,\"Ada,London");
        records[0].Error.Should().StartWith("cell 2 opens a quote that runs over 3 lines").And.EndWith("(row has 2 cells, the header has 3)");
        records[2].Error.Should().Be("cell 3 opens a quote that is not closed before the end of the file");
    }

    [Fact]
    public void Broken_quote_gives_up_after_the_line_limit()
    {
        var lines = string.Join("\n", Enumerable.Range(3, 10).Select(i => $"{i},x"));
        var (_, records) = Read($"a,b\n1,\"open\n{lines}\n", new CsvReadOptions { MaxLinesPerRecord = 3 });

        records[0].Should().Match<CsvRecord>(r => r.Line == 2 && r.LineCount == 1 && r.Raw == "1,\"open");
        records[0].Error.Should().Be("cell 2 opens a quote that is not closed within 3 lines");
        records.Skip(1).Select(r => r.Line).Should().Equal(Enumerable.Range(3, 10).Select(i => (long)i));
        records.Skip(1).Should().OnlyContain(r => r.Error == null);
    }

    [Fact]
    public void Text_after_a_closing_quote_makes_the_row_malformed()
    {
        var (_, records) = Read("a,b\n\"5\" inch,x\nok,y\n");

        records[0].Error.Should().Be("cell 1 has text after its closing quote");
        records[0].Raw.Should().Be("\"5\" inch,x");
        records[1].Cells.Should().Equal("ok", "y");
    }

    [Fact]
    public void A_stray_quote_inside_an_unquoted_cell_is_kept_literally()
    {
        var (_, records) = Read("name,size\nthe 5\" screen,O'Brien \"x\"\n");

        records.Single().Error.Should().BeNull();
        records.Single().Cells.Should().Equal("the 5\" screen", "O'Brien \"x\"");
    }

    [Fact]
    public void Windows_1252_file_is_detected_and_read_with_exact_offsets()
    {
        var bytes = Encoding.Latin1.GetBytes("name,city\nJosé,Zürich\nRenée,Besançon\n");
        var (reader, records) = Read(bytes);

        reader.Encoding.Name.Should().Be("windows-1252");
        reader.Encoding.Detected.Should().BeTrue();
        records.Select(r => r.Cells[0]).Should().Equal("José", "Renée");
        records[0].EndOffset.Should().Be("name,city\nJosé,Zürich\n".Length);
        records[1].EndOffset.Should().Be(bytes.Length);
    }

    [Fact]
    public void Windows_1252_quotes_and_euro_sign_decode_from_their_code_page_bytes()
    {
        byte[] bytes = [.. Encoding.ASCII.GetBytes("amount,note\n"), 0x80, (byte)'5', (byte)',', 0x93, (byte)'x', 0x94, (byte)'\n'];
        var (_, records) = Read(bytes);

        records.Single().Cells.Should().Equal("€5", "\u201cx\u201d");
    }

    [Fact]
    public void A_stored_file_is_checked_to_its_end_before_choosing_utf8()
    {
        // The first accented byte comes long after the 64 KB sample.
        var ascii = string.Concat(Enumerable.Range(0, 5000).Select(i => $"name{i},city{i}\n"));
        byte[] bytes = [.. Encoding.ASCII.GetBytes("name,city\n" + ascii), .. Encoding.Latin1.GetBytes("José,Zürich\n")];
        bytes.Length.Should().BeGreaterThan(CsvReader.SampleBytes);

        var (stored, records) = Read(bytes);
        stored.Encoding.Name.Should().Be("windows-1252");
        records[^1].Cells.Should().Equal("José", "Zürich");

        // An upload stream cannot be read twice: only its sample decides, and the late row is rejected, not garbled.
        var (streamed, streamedRecords) = Read(bytes, seekable: false);
        streamed.Encoding.Name.Should().Be("utf-8");
        streamedRecords[^1].Error.Should().Be("the row holds bytes that are not valid UTF-8 (give the file's encoding if it is not UTF-8)");
        streamedRecords[^1].Line.Should().Be(5002);
    }

    [Fact]
    public void Utf8_characters_across_every_chunk_boundary_keep_a_file_utf8()
    {
        // Three-byte characters at every offset modulo 3 cross the 64 KB sample and the 1 MB scan chunks.
        var line = "€€€€€€€€€€,ü\n";
        var text = "a,b\n" + string.Concat(Enumerable.Repeat(line, 3 * 1024 * 1024 / Encoding.UTF8.GetByteCount(line)));
        var (reader, records) = Read(Utf8(text));

        reader.Encoding.Name.Should().Be("utf-8");
        records.Should().NotContain(r => r.Error != null);
        records[^1].EndOffset.Should().Be(Encoding.UTF8.GetByteCount(text));
    }

    [Fact]
    public void Encoding_override_wins_over_detection()
    {
        var bytes = Encoding.UTF8.GetBytes("name\nJosé\n");
        CsvEncodings.TryResolve("latin1", out var latin1, out _).Should().BeTrue();
        var (reader, records) = Read(bytes, new CsvReadOptions { Encoding = latin1 });

        reader.Encoding.Name.Should().Be("iso-8859-1");
        reader.Encoding.Detected.Should().BeFalse();
        records.Single().Cells[0].Should().Be("JosÃ©");
    }

    [Fact]
    public void A_few_damaged_bytes_in_a_utf8_file_reject_their_rows_only()
    {
        var good = string.Join("", Enumerable.Range(0, 10).Select(i => $"Zoë{i},Łódź\n"));
        byte[] bytes = [.. Encoding.UTF8.GetBytes("name,city\n" + good), .. Encoding.ASCII.GetBytes("Bad"), 0xE9, .. Encoding.ASCII.GetBytes(",x\n")];
        var (reader, records) = Read(bytes);

        reader.Encoding.Name.Should().Be("utf-8");
        records.Take(10).Should().OnlyContain(r => r.Error == null);
        records[10].Line.Should().Be(12);
        records[10].Error.Should().Be("the row holds bytes that are not valid UTF-8 (give the file's encoding if it is not UTF-8)");
    }

    private static readonly string[][] Utf16Cells = [["Zoë", "Łódź"], ["a\tb", "c😀"]];

    [Theory]
    [InlineData("utf-16le", true)]
    [InlineData("utf-16le", false)]
    [InlineData("utf-16be", true)]
    [InlineData("utf-16be", false)]
    public void Utf16_with_bom_is_read_with_byte_offsets_of_two_bytes_per_unit(string name, bool seekable)
    {
        var encoding = name == "utf-16le" ? new UnicodeEncoding(false, true) : new UnicodeEncoding(true, true);
        var text = "name\tcity\nZoë\tŁódź\n\"a\tb\"\tc😀\n";
        byte[] bytes = [.. encoding.GetPreamble(), .. encoding.GetBytes(text)];

        var (reader, records) = Read(bytes, seekable: seekable);

        reader.Encoding.Name.Should().Be(name);
        reader.Encoding.BomLength.Should().Be(2);
        reader.Delimiter.Should().Be('\t');
        records.Select(r => r.Cells).Should().BeEquivalentTo(Utf16Cells, o => o.WithStrictOrdering());
        records[0].EndOffset.Should().Be(2 + encoding.GetByteCount("name\tcity\nZoë\tŁódź\n"));
        records[1].EndOffset.Should().Be(bytes.Length);
    }

    [Fact]
    public void Utf16_without_bom_is_recognised_by_its_nul_bytes()
    {
        var bytes = Encoding.Unicode.GetBytes("email,name\nada@example.com,Ada\n");
        var (reader, records) = Read(bytes);

        reader.Encoding.Name.Should().Be("utf-16le");
        reader.Encoding.BomLength.Should().Be(0);
        records.Single().Cells.Should().Equal("ada@example.com", "Ada");
    }

    [Theory]
    [InlineData("a,b,c\n1,2,3\n", ',')]
    [InlineData("a;b;c\n1;2,5;3\n", ';')]
    [InlineData("a\tb\tc\n1\t2\t3\n", '\t')]
    [InlineData("a|b|c\n1|2|3\n", '|')]
    [InlineData("name;note\n\"Smith, Ada\";\"x, y, z\"\n\"Bob, B\";w\n", ';')]
    [InlineData("single\nvalue\n", ',')]
    public void Delimiter_is_detected_from_the_first_lines(string text, char expected)
    {
        var (reader, _) = Read(text);

        reader.Delimiter.Should().Be(expected);
        reader.DelimiterDetected.Should().BeTrue();
    }

    [Theory]
    [InlineData("sep=;\r\nemail;name\r\nada@example.com;Ada\r\n")]
    [InlineData("SEP=;\nemail;name\nada@example.com;Ada")]
    public void Excel_sep_line_names_the_delimiter_and_is_not_the_header(string text)
    {
        var (reader, records) = Read(Utf8WithBom(text));

        reader.Delimiter.Should().Be(';');
        reader.HasSepLine.Should().BeTrue();
        reader.Header!.Names.Should().Equal("email", "name");
        reader.Header.Line.Should().Be(2);
        records.Single().Should().Match<CsvRecord>(r => r.Line == 3 && r.Raw == "ada@example.com;Ada");
    }

    [Fact]
    public void Excel_sep_line_works_in_utf16()
    {
        byte[] bytes = [.. new UnicodeEncoding(false, true).GetPreamble(), .. Encoding.Unicode.GetBytes("sep=|\na|b\n1|2\n")];
        var (reader, records) = Read(bytes);

        reader.Delimiter.Should().Be('|');
        reader.Header!.Names.Should().Equal("a", "b");
        records.Single().Cells.Should().Equal("1", "2");
        records.Single().EndOffset.Should().Be(bytes.Length);
    }

    [Fact]
    public void Delimiter_override_wins()
    {
        var (reader, records) = Read("a;b,c\n1;2,3\n", new CsvReadOptions { Delimiter = ',' });

        reader.DelimiterDetected.Should().BeFalse();
        reader.Header!.Names.Should().Equal("a;b", "c");
        records.Single().Cells.Should().Equal("1;2", "3");
    }

    [Fact]
    public void Empty_file_is_a_file_level_problem()
    {
        var (reader, records) = Read([]);

        reader.HeaderProblem.Should().Be("The file is empty.");
        reader.Header.Should().BeNull();
        records.Should().BeEmpty();
    }

    [Fact]
    public void File_of_blank_lines_is_a_file_level_problem()
    {
        var (reader, records) = Read(Utf8WithBom("\r\n\n  \n"));

        reader.HeaderProblem.Should().Be("The file holds only blank lines: its first row must name the columns.");
        records.Should().BeEmpty();
    }

    [Fact]
    public void Header_only_file_is_reported_after_reading()
    {
        var (reader, records) = Read("email,first_name\n\n");

        reader.HeaderProblem.Should().BeNull();
        records.Should().BeEmpty();
        reader.EndProblem.Should().Be("The file has a header (line 1) but no rows.");
    }

    [Fact]
    public void Duplicate_header_names_are_a_file_level_problem()
    {
        var (reader, records) = Read("Email,Name,email\nx,y,z\n");

        reader.HeaderProblem.Should().Be("The header (line 1) names \"email\" twice (columns 1 and 3); every column needs its own name.");
        records.Should().BeEmpty();
    }

    [Fact]
    public void Malformed_header_is_a_file_level_problem()
    {
        var (reader, _) = Read("\n\"email,name\n");

        reader.HeaderProblem.Should().Be("The header (line 2) is malformed: cell 1 opens a quote that is not closed before the end of the file.");
    }

    [Fact]
    public void Header_names_are_trimmed_and_trailing_empty_header_cells_dropped()
    {
        var (reader, records) = Read(" Email , Name ,,\nada@example.com,Ada,,\n");

        reader.Header!.Names.Should().Equal("Email", "Name");
        records.Single().Cells.Should().Equal("ada@example.com", "Ada");
    }

    [Fact]
    public void A_second_byte_order_mark_does_not_stick_to_the_first_header_name()
    {
        var (reader, _) = Read(Utf8WithBom("\uFEFFemail,name\nada@example.com,Ada\n"));

        reader.Header!.Names.Should().Equal("email", "name");
    }

    [Fact]
    public void Duplicate_rows_are_just_rows()
    {
        var (_, records) = Read("id,name\n1,Ada\n1,Ada\n");

        records.Select(r => (r.Line, r.Raw, r.Error)).Should().Equal((2, "1,Ada", (string?)null), (3, "1,Ada", null));
    }

    [Fact]
    public void Last_row_without_a_line_break_ends_at_the_end_of_the_file()
    {
        var text = "a,b\n1,\"x\"";
        var (_, records) = Read(text);

        records.Single().Cells.Should().Equal("1", "x");
        records.Single().EndOffset.Should().Be(text.Length);
    }

    [Fact]
    public void A_line_longer_than_the_limit_is_reported_with_its_start_and_skipped()
    {
        var longLine = "1," + new string('x', 5000);
        var (_, records) = Read($"a,b\n{longLine}\n2,y\n", new CsvReadOptions { MaxRecordLength = 1024 });

        records[0].Line.Should().Be(2);
        records[0].Error.Should().Be("the line is longer than 1024 characters and is not read (only its start is kept here)");
        records[0].Raw.Should().StartWith("1,xxx").And.EndWith("…");
        records[1].Should().Match<CsvRecord>(r => r.Line == 3 && r.Raw == "2,y" && r.Error == null);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Resuming_from_the_offset_of_record_k_gives_exactly_the_records_after_k(bool seekable)
    {
        var text = "id,notes\r\n1,plain\n\n2,\"two\nlines\"\r3,x\n\n\n4,\"a,b\"\n5,last";
        var bytes = Utf8WithBom(text);
        var (first, all) = Read(bytes);

        all.Should().HaveCount(5);
        for (var k = 0; k < all.Count; k++)
        {
            var options = new CsvReadOptions { StartOffset = all[k].EndOffset, StartLine = all[k].NextLine };
            var (resumed, rest) = Read(bytes, options, seekable);

            resumed.Header!.Names.Should().Equal(first.Header!.Names);
            rest.Should().BeEquivalentTo(all.Skip(k + 1), o => o.WithStrictOrdering(), $"resuming after record {k}");
            resumed.EndProblem.Should().BeNull();
        }
    }

    [Fact]
    public void Resuming_with_a_known_header_skips_reading_it()
    {
        var bytes = Utf8("id,name\n1,Ada\n2,Bob\n");
        var (_, all) = Read(bytes);

        var (reader, rest) = Read(bytes, new CsvReadOptions { Header = ["id", "name"], StartOffset = all[0].EndOffset, StartLine = all[0].NextLine, Delimiter = ',' });

        reader.Header!.Names.Should().Equal("id", "name");
        rest.Should().BeEquivalentTo(all.Skip(1));
    }

    [Fact]
    public void A_file_without_a_header_line_is_read_with_given_names()
    {
        var (reader, records) = Read("00001,19970101,1,11.77\n00002,19970112,1,12.00\n", new CsvReadOptions { Header = ["customer_external_id", "occurred_at", "quantity", "amount"] });

        reader.Header!.Names.Should().Equal("customer_external_id", "occurred_at", "quantity", "amount");
        records.Select(r => (r.Line, r.Cells[0])).Should().Equal((1, "00001"), (2, "00002"));

        var (empty, none) = Read("\n", new CsvReadOptions { Header = ["a"] });
        none.Should().BeEmpty();
        empty.EndProblem.Should().Be("The file has no rows.");
    }

    [Fact]
    public void Non_seekable_stream_reads_the_same_records()
    {
        var text = "id;name;notes\n1;Zoë;\"a\r\nb\"\n\n2;Łukasz;x\n";
        var (_, seekable) = Read(Utf8(text));
        var (_, forward) = Read(Utf8(text), seekable: false);

        forward.Should().BeEquivalentTo(seekable, o => o.WithStrictOrdering());
    }

    [Fact]
    public void Records_longer_than_the_first_buffer_are_read_whole()
    {
        var big = new string('é', 100_000);
        var (_, records) = Read($"a,b\n1,\"{big}\"\n2,x\n");

        records[0].Cells[1].Should().Be(big);
        records[1].Cells.Should().Equal("2", "x");
        records[1].EndOffset.Should().Be(Encoding.UTF8.GetByteCount($"a,b\n1,\"{big}\"\n2,x\n"));
    }
}
