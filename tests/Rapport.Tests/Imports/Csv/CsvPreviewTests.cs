using System.Text;
using Rapport.Imports;
using Rapport.Imports.Csv;

namespace Rapport.Tests.Imports.Csv;

public sealed class CsvPreviewTests
{
    private static CsvPreviewResult Preview(byte[] bytes, ImportKind kind, CsvPreviewOptions? options = null) =>
        CsvPreview.Run(new MemoryStream(bytes), kind, options);

    [Fact]
    public void European_order_export_is_detected_mapped_and_parsed()
    {
        var text = "Bestellnummer;E-Mail;Datum;Währung;Betrag\n"
            + "1001;ada@example.com;31.01.2024 14:30;EUR;1.234,50\n"
            + "1002;bob@example;01.02.2024;EUR;12,5\n"
            + "1003;cy@example.com;gestern;EUR;7\n"
            + "1004;\"broken;EUR\n";
        var result = Preview(Encoding.Latin1.GetBytes(text), ImportKind.Transactions, new CsvPreviewOptions
        {
            Map = new Dictionary<string, string> { ["Bestellnummer"] = "external_id" },
        });

        result.Problems.Should().BeEmpty();
        result.CanImport.Should().BeTrue();
        result.Encoding!.Name.Should().Be("windows-1252");
        result.Delimiter.Should().Be(';');
        result.DateFormat.Format.Should().Be(DateFormat.DayMonthYearDots);
        result.DateFormat.Ambiguous.Should().BeFalse();
        result.NumberFormat.Format.Should().Be(NumberFormat.Comma);
        result.Headers.Should().Equal("Bestellnummer", "E-Mail", "Datum", "Währung", "Betrag");
        result.Mapping!.Columns.Select(c => c.Field?.Key).Should().Equal("external_id", "customer_email", "occurred_at", "currency", "amount");

        result.Rows.Should().HaveCount(4);
        var first = result.Rows[0];
        first.Line.Should().Be(2);
        first.Error.Should().BeNull();
        first.Cells[2].Value.Should().Be(new DateTimeOffset(2024, 1, 31, 14, 30, 0, TimeSpan.Zero));
        first.Cells[4].Value.Should().Be(1234.50m);
        result.Rows[1].Cells[1].Error.Should().Be("\"E-Mail\" (customer_email): \"bob@example\" is not an email address");
        result.Rows[1].Cells[4].Value.Should().Be(12.5m);
        result.Rows[2].Cells[2].Error.Should().Be("\"Datum\" (occurred_at): \"gestern\" is not a date and time in the format dd.MM.yyyy [HH:mm[:ss]] [offset]");
        result.Rows[3].Error.Should().Be("cell 2 opens a quote that is not closed before the end of the file");
        result.Rows[3].Raw.Should().Be("1004;\"broken;EUR");
        result.Warnings.Should().Equal("1 of 3 sampled dates do not fit dd.MM.yyyy, such as \"gestern\".");
    }

    [Fact]
    public void Excel_export_of_a_german_customer_sheet_reads_with_its_empty_trailing_columns()
    {
        // What Excel writes for "CSV UTF-8 (durch Trennzeichen getrennt)": BOM, semicolons, CRLF, cells of empty columns.
        var text = "Kundennummer;Vorname;Nachname;E-Mail;PLZ;Ort;Geburtsdatum;Tags;;\r\n"
            + "K-1;Jürgen;Müller;jm@example.de;80331;München;24.12.1970;vip|newsletter;;\r\n"
            + ";;;;;;;;;\r\n"
            + "K-2;Anna;\"Schmidt; geb. Weber\";as@example.de;10115;Berlin;01.02.1985;;;\r\n";
        var result = Preview(CsvTestFiles.Utf8WithBom(text), ImportKind.Customers);

        result.Problems.Should().BeEmpty();
        result.Encoding!.ToString().Should().Be("utf-8 (with BOM)");
        result.Delimiter.Should().Be(';');
        result.Headers.Should().HaveCount(8);
        result.Mapping!.Columns.Select(c => c.Field?.Key).Should().Equal("external_id", "first_name", "last_name", "email", "postal_code", "city", "birth_date", "tags");
        result.DateFormat.Format.Should().Be(DateFormat.DayMonthYearDots);
        result.Rows.Select(r => r.Line).Should().Equal(2, 3, 4);
        result.Rows[0].Cells[6].Value.Should().Be(new DateOnly(1970, 12, 24));
        result.Rows[0].Cells[7].Value.Should().BeAssignableTo<IReadOnlyList<string>>().Which.Should().Equal("vip", "newsletter");
        result.Rows[1].Error.Should().BeNull("a row of empty cells is a row; the import rejects it for having no key");
        result.Rows[1].Cells.Should().OnlyContain(c => c.Text.Length == 0 && c.Value == null);
        result.Rows[2].Cells[2].Value.Should().Be("Schmidt; geb. Weber");
    }

    [Fact]
    public void Ambiguous_dates_are_read_day_first_with_a_warning_and_an_override_reads_them_month_first()
    {
        var bytes = Encoding.UTF8.GetBytes("email,birthday\nada@example.com,03/04/1990\nbob@example.com,12/11/1985\n");

        var detected = Preview(bytes, ImportKind.Customers);
        detected.DateFormat.Ambiguous.Should().BeTrue();
        detected.DateFormat.Format.Should().Be(DateFormat.DayMonthYear);
        detected.Rows[0].Cells[1].Value.Should().Be(new DateOnly(1990, 4, 3));
        detected.Warnings.Should().ContainSingle().Which.Should().StartWith("Every sampled date fits day-first and month-first");

        var overridden = Preview(bytes, ImportKind.Customers, new CsvPreviewOptions { DateFormat = DateFormat.MonthDayYear });
        overridden.DateFormat.Detected.Should().BeFalse();
        overridden.Rows[0].Cells[1].Value.Should().Be(new DateOnly(1990, 3, 4));
        overridden.Warnings.Should().BeEmpty();
    }

    [Fact]
    public void Numbers_that_fit_both_separators_are_read_with_a_warning()
    {
        var result = Preview(Encoding.UTF8.GetBytes("customer_email,occurred_at,currency,amount\nada@example.com,2024-01-02,EUR,1,250\n"), ImportKind.Transactions);

        result.Rows[0].Error.Should().Be("row has 5 cells, the header has 4", "an unquoted comma inside a number splits the cell");
        var quoted = Preview(Encoding.UTF8.GetBytes("customer_email,occurred_at,currency,amount\nada@example.com,2024-01-02,EUR,\"1,250\"\n"), ImportKind.Transactions);
        quoted.NumberFormat.Ambiguous.Should().BeTrue();
        quoted.Rows[0].Cells[3].Value.Should().Be(1250m);
        quoted.Warnings.Should().Equal("Some sampled numbers fit a decimal point and a decimal comma alike; they are read as 1,234.56. Give the number format if that is wrong.");
    }

    [Fact]
    public void A_phone_neutralised_by_an_export_previews_as_the_import_reads_it()
    {
        var result = Preview(Encoding.UTF8.GetBytes("email,phone\nada@example.com,'+49 170 1234567\n"), ImportKind.Customers);

        result.Rows[0].Cells[1].Should().Be(new PreviewCell("'+49 170 1234567", "+49 170 1234567", null));
    }

    [Fact]
    public void Unmapped_columns_are_shown_as_text_and_ignored()
    {
        var result = Preview(Encoding.UTF8.GetBytes("Email,Favourite colour\nada@example.com,green\n"), ImportKind.Customers);

        result.Mapping!.IgnoredHeaders.Should().Equal("Favourite colour");
        result.Rows[0].Cells[1].Should().Be(new PreviewCell("green", null, null));
        result.Rows[0].Cells[0].Value.Should().Be("ada@example.com");
    }

    [Fact]
    public void Empty_file_is_a_file_problem()
    {
        var result = Preview([], ImportKind.Customers);

        result.CanImport.Should().BeFalse();
        result.Problems.Should().Equal(new CsvProblem("file", "The file is empty."));
        result.Mapping.Should().BeNull();
    }

    [Fact]
    public void Header_only_file_is_a_file_problem()
    {
        var result = Preview(Encoding.UTF8.GetBytes("email,first_name\r\n"), ImportKind.Customers);

        result.Problems.Should().Equal(new CsvProblem("file", "The file has a header (line 1) but no rows."));
        result.Rows.Should().BeEmpty();
    }

    [Fact]
    public void Missing_required_columns_are_mapping_problems()
    {
        var result = Preview(Encoding.UTF8.GetBytes("Name,City\nAda,London\n"), ImportKind.Customers);

        result.CanImport.Should().BeFalse();
        result.Problems.Should().Equal(new CsvProblem("map",
            "Customers need a column for external_id or email; none of the headers matches it (map one with \"Header=external_id\")."));
        result.Rows.Should().ContainSingle();
    }

    [Fact]
    public void Only_the_requested_number_of_rows_is_returned()
    {
        var text = "email\n" + string.Concat(Enumerable.Range(1, 50).Select(i => $"u{i}@example.com\n"));
        var result = Preview(Encoding.UTF8.GetBytes(text), ImportKind.Customers, new CsvPreviewOptions { Rows = 5 });

        result.Rows.Select(r => r.Line).Should().Equal(2, 3, 4, 5, 6);
    }

    [Fact]
    public void Import_options_are_resolved_with_problems_keyed_by_option()
    {
        var options = new ImportOptions { Encoding = "klingon", Delimiter = "ab", DateFormat = "yyyy-dd-MM", Map = new Dictionary<string, string> { ["E-mail"] = "email" } };

        var resolved = CsvPreviewOptions.From(options, ["shoe_size"], out var problems);

        problems.Select(p => p.Field).Should().Equal("encoding", "delimiter", "dateFormat");
        problems[0].Message.Should().StartWith("Unknown encoding \"klingon\"");
        resolved.Map.Should().ContainKey("E-mail");
        resolved.CustomFieldKeys.Should().Equal("shoe_size");

        var good = CsvPreviewOptions.From(new ImportOptions { Encoding = "cp1252", Delimiter = "tab", DateFormat = "MM/dd/yyyy" }, null, out var none);
        none.Should().BeEmpty();
        good.Encoding!.Name.Should().Be("windows-1252");
        good.Delimiter.Should().Be('\t');
        good.DateFormat.Should().Be(DateFormat.MonthDayYear);
    }
}
