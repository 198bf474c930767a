using Rapport.Imports.Csv;

namespace Rapport.Tests.Imports.Csv;

public sealed class CsvWriterTests
{
    private static string Write(CsvWriteOptions? options, params string?[][] rows)
    {
        using var text = new StringWriter();
        var writer = new CsvWriter(text, options);
        foreach (var row in rows)
        {
            writer.WriteRow(row);
        }

        return text.ToString();
    }

    [Fact]
    public void Quotes_only_the_cells_that_need_it_and_doubles_inner_quotes()
    {
        var csv = Write(null, ["plain", "with,comma", "say \"hi\"", "two\nlines", "cr\rhere", null, ""]);

        csv.Should().Be("plain,\"with,comma\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rhere\",,\r\n");
    }

    [Fact]
    public void Cells_with_leading_or_trailing_blanks_are_quoted()
    {
        Write(null, [" a", "b ", "\tc", "d"]).Should().Be("\" a\",\"b \",\"\tc\",d\r\n");
    }

    [Fact]
    public void A_row_of_one_empty_cell_is_not_written_as_a_blank_line()
    {
        Write(null, [""], ["x"]).Should().Be("\"\"\r\nx\r\n");
    }

    [Fact]
    public void Line_feed_and_another_delimiter_can_be_chosen()
    {
        Write(new CsvWriteOptions { NewLine = "\n", Delimiter = ';' }, ["a;b", "c,d"]).Should().Be("\"a;b\";c,d\n");
    }

    [Theory]
    [InlineData("=SUM(A1:A2)", "'=SUM(A1:A2)")]
    [InlineData("+31 20 123", "'+31 20 123")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@cmd", "'@cmd")]
    [InlineData("\tx", "'\tx")]
    [InlineData("\rx", "\"'\rx\"")]
    public void Formula_neutralisation_prefixes_a_single_quote(string cell, string written)
    {
        CsvWriter.LooksLikeFormula(cell).Should().BeTrue();
        Write(new CsvWriteOptions { NeutraliseFormulas = true }, [cell]).Should().Be(written + "\r\n");
        Write(null, [cell]).Should().NotContain("'", "neutralisation is off by default");
    }

    [Theory]
    [InlineData("a=b")]
    [InlineData("'quoted")]
    [InlineData("12")]
    [InlineData("")]
    public void Cells_that_cannot_start_a_formula_are_left_alone(string cell)
    {
        CsvWriter.LooksLikeFormula(cell).Should().BeFalse();
        Write(new CsvWriteOptions { NeutraliseFormulas = true }, [cell, "x"]).Should().Be(cell + ",x\r\n");
    }

    [Fact]
    public void Written_rows_read_back_with_the_same_cells()
    {
        string?[][] rows = [["id", "note"], ["1", "a \"b\"\r\nc,d"], ["2", ""], ["3", "é 😀"]];
        var csv = Write(null, rows);

        var (_, records) = CsvTestFiles.Read(csv);

        records.Select(r => r.Cells).Should().BeEquivalentTo(rows.Skip(1), o => o.WithStrictOrdering());
    }
}
