using Rapport.Imports.Csv;
using Rapport.Interactions;
using Rapport.Products;

namespace Rapport.Tests.Imports.Csv;

/// <summary>Date and number format detection, and typed parsing of cells with reasons.</summary>
public sealed class ImportValuesTests
{
    [Theory]
    [InlineData("iso", "2024-03-05", "2024-11-30T14:30:00Z")]
    [InlineData("yyyyMMdd", "19970101", "19970325")]
    [InlineData("dd/MM/yyyy", "05/03/2024", "31/12/2024")]
    [InlineData("MM/dd/yyyy", "03/05/2024", "12/31/2024")]
    [InlineData("dd.MM.yyyy", "05.03.2024", "31.12.2024 14:30")]
    [InlineData("d-MMM-yyyy", "5-Mar-2024", "31-Dec-2024")]
    [InlineData("yyyy/MM/dd", "2024/03/05", "2024/12/31 09:00:00")]
    [InlineData("dd-MM-yyyy", "05-03-2024", "25-12-2024")]
    [InlineData("excel", "45292", "45292.75")]
    public void Date_format_is_detected_from_sample_values(string expected, string first, string second)
    {
        var detection = DateFormats.Detect([first, "", second]);

        detection.Format.Name.Should().Be(expected);
        detection.Detected.Should().BeTrue();
        detection.Ambiguous.Should().BeFalse();
        detection.Samples.Should().Be(2);
        detection.Fitting.Should().Be(2);
        detection.Problem.Should().BeNull();
    }

    [Fact]
    public void Samples_with_all_days_up_to_12_are_ambiguous_and_read_day_first()
    {
        var detection = DateFormats.Detect(["01/02/2024", "12/11/2024", "03/04/2024 10:00"]);

        detection.Ambiguous.Should().BeTrue();
        detection.Format.Should().Be(DateFormat.DayMonthYear);
        DateFormat.AmbiguousDefault.Should().Be(DateFormat.DayMonthYear);
    }

    [Fact]
    public void Dates_that_fit_no_format_are_reported_with_an_example()
    {
        var detection = DateFormats.Detect(["yesterday", "soon"]);

        detection.Detected.Should().BeFalse();
        detection.Problem.Should().Be("No date format reads values such as \"yesterday\"; give the date format.");
    }

    [Fact]
    public void Detection_counts_the_values_that_do_not_fit_the_chosen_format()
    {
        var detection = DateFormats.Detect(["31/01/2024", "28/02/2024", "not a date"]);

        detection.Format.Should().Be(DateFormat.DayMonthYear);
        detection.Fitting.Should().Be(2);
        detection.Problem.Should().Be("1 of 3 sampled dates do not fit dd/MM/yyyy, such as \"not a date\".");
    }

    [Theory]
    [InlineData("2024-03-05T14:30:00Z", "iso", "2024-03-05T14:30:00+00:00")]
    [InlineData("2024-03-05T14:30:00+02:00", "iso", "2024-03-05T12:30:00+00:00")]
    [InlineData("2024-03-05 14:30", "iso", "2024-03-05T14:30:00+00:00")]
    [InlineData("2024-03-05T14:30:00.250-0500", "iso", "2024-03-05T19:30:00.25+00:00")]
    [InlineData("2024-03-05", "iso", "2024-03-05T00:00:00+00:00")]
    [InlineData("19970101", "yyyyMMdd", "1997-01-01T00:00:00+00:00")]
    [InlineData("05/03/2024 2:30 PM", "dd/MM/yyyy", "2024-03-05T14:30:00+00:00")]
    [InlineData("03/05/2024 12:05 am", "MM/dd/yyyy", "2024-03-05T00:05:00+00:00")]
    [InlineData("5.3.24 08:00:00 UTC+01:00", "dd.MM.yyyy", "2024-03-05T07:00:00+00:00")]
    [InlineData("March 5, 2024", "d-MMM-yyyy", "2024-03-05T00:00:00+00:00")]
    [InlineData("05 Mar 1999 10:00", "d-MMM-yyyy", "1999-03-05T10:00:00+00:00")]
    [InlineData("2024-03-05T10:00:00Z", "dd/MM/yyyy", "2024-03-05T10:00:00+00:00")]
    [InlineData("2024-03-05T10:00:00Z", "yyyyMMdd", "2024-03-05T10:00:00+00:00")]
    [InlineData("20240305 10:00", "yyyyMMdd", "2024-03-05T10:00:00+00:00")]
    [InlineData("1/2/45", "dd/MM/yyyy", "1945-02-01T00:00:00+00:00")]
    [InlineData("1/2/29", "dd/MM/yyyy", "2029-02-01T00:00:00+00:00")]
    [InlineData("45292", "excel", "2024-01-01T00:00:00+00:00")]
    [InlineData("45292.604166666664", "excel", "2024-01-01T14:30:00+00:00")]
    [InlineData("2024-01-01 09:00", "excel", "2024-01-01T09:00:00+00:00")]
    public void Instants_are_read_in_utc_and_values_without_offset_are_utc(string text, string format, string expected)
    {
        DateFormat.TryParse(format, out var dateFormat, out _).Should().BeTrue();
        var values = new ImportValues(dateFormat, NumberFormat.Dot);

        values.TryInstant(text, out var instant).Should().BeTrue();
        instant.Should().Be(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
        instant.Offset.Should().Be(TimeSpan.Zero);
    }

    [Theory]
    [InlineData("31/02/2024")]
    [InlineData("2024-13-01")]
    [InlineData("05/03/2024 25:00")]
    [InlineData("05/03/2024 10:00 +99:00")]
    [InlineData("05/03/2024x")]
    [InlineData("05/03/202")]
    [InlineData("05/03/2024T10:00")]
    [InlineData("20240305T10:00")]
    [InlineData("")]
    public void Impossible_dates_do_not_parse(string text)
    {
        new ImportValues(DateFormat.DayMonthYear, NumberFormat.Dot).TryInstant(text, out _).Should().BeFalse();
    }

    [Theory]
    [InlineData("4529")]
    [InlineData("452921")]
    [InlineData("45292.")]
    [InlineData("45292.5x")]
    [InlineData("-45292")]
    public void Only_five_digit_serials_read_as_spreadsheet_dates(string text)
    {
        new ImportValues(DateFormat.ExcelSerial, NumberFormat.Dot).TryInstant(text, out _).Should().BeFalse();
    }

    [Fact]
    public void Dates_keep_the_calendar_day()
    {
        var values = new ImportValues(DateFormat.MonthDayYear, NumberFormat.Dot);

        values.TryDate("12/31/1990", out var date).Should().BeTrue();
        date.Should().Be(new DateOnly(1990, 12, 31));
        values.TryDate("1990-12-31 00:00:00", out var iso).Should().BeTrue();
        iso.Should().Be(new DateOnly(1990, 12, 31));
    }

    [Theory]
    [InlineData(new[] { "1234.56", "12.5" }, ',', '.', false)]
    [InlineData(new[] { "1,234.56", "99" }, ',', '.', false)]
    [InlineData(new[] { "1.234,56", "3" }, ',', ',', false)]
    [InlineData(new[] { "1 234,56" }, ',', ',', false)]
    [InlineData(new[] { "12,5" }, ',', ',', false)]
    [InlineData(new[] { "1,234,567" }, ',', '.', false)]
    [InlineData(new[] { "1.234.567" }, ',', ',', false)]
    [InlineData(new[] { "1,234", "17" }, ',', '.', true)]
    [InlineData(new[] { "17" }, ';', ',', false)]
    [InlineData(new[] { "17", "1.234" }, ';', ',', true)]
    [InlineData(new[] { "17" }, ',', '.', false)]
    [InlineData(new[] { "12.50", "12,5" }, ',', '.', true)]
    public void Number_format_is_detected_from_sample_values(string[] samples, char delimiter, char separator, bool ambiguous)
    {
        var detection = NumberFormats.Detect(samples, delimiter);

        detection.Format.DecimalSeparator.Should().Be(separator);
        detection.Ambiguous.Should().Be(ambiguous);
    }

    [Theory]
    [InlineData("1234.56", '.', "1234.56")]
    [InlineData("1,234.56", '.', "1234.56")]
    [InlineData("1.234,56", ',', "1234.56")]
    [InlineData("1 234,56", ',', "1234.56")]
    [InlineData("1\u00A0234,56", ',', "1234.56")]
    [InlineData("1'234.50", '.', "1234.50")]
    [InlineData("€ 12,50", ',', "12.50")]
    [InlineData("$1,000", '.', "1000")]
    [InlineData("12.50 USD", '.', "12.50")]
    [InlineData("EUR -3,5", ',', "-3.5")]
    [InlineData("(42.00)", '.', "-42.00")]
    [InlineData("42-", '.', "-42")]
    [InlineData("-£5", '.', "-5")]
    [InlineData(".5", '.', "0.5")]
    [InlineData("+7", '.', "7")]
    public void Numbers_are_read_with_the_file_format(string text, char separator, string expected)
    {
        var format = separator == '.' ? NumberFormat.Dot : NumberFormat.Comma;

        NumberFormats.TryParse(text, format, out var value).Should().BeTrue();
        value.Should().Be(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("12.3.4", '.')]
    [InlineData("1,23,456.00", '.')]
    [InlineData("12,5", '.')]
    [InlineData("1.5", ',')]
    [InlineData("abc", '.')]
    [InlineData("-", '.')]
    [InlineData("€", '.')]
    [InlineData("1e5x", '.')]
    public void Malformed_numbers_do_not_parse(string text, char separator)
    {
        NumberFormats.TryParse(text, separator == '.' ? NumberFormat.Dot : NumberFormat.Comma, out _).Should().BeFalse();
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("No", false)]
    [InlineData(" Y ", true)]
    [InlineData("0", false)]
    [InlineData("archived", false)]
    [InlineData("ACTIVE", true)]
    public void Booleans_accept_the_common_spellings(string text, bool expected)
    {
        ImportValues.TryBool(text, out var value).Should().BeTrue();
        value.Should().Be(expected);
    }

    [Fact]
    public void Enums_accept_names_case_and_spacing_free_and_variants()
    {
        ImportValues.TryEnum("In Person", out InteractionChannel channel).Should().BeTrue();
        channel.Should().Be(InteractionChannel.InPerson);
        ImportValues.TryEnum("e-mail", out InteractionChannel email).Should().BeTrue();
        email.Should().Be(InteractionChannel.Email);
        ImportValues.TryEnum("incoming", out InteractionDirection direction).Should().BeTrue();
        direction.Should().Be(InteractionDirection.Inbound);
        ImportValues.TryEnum("Phone call", out InteractionType type).Should().BeTrue();
        type.Should().Be(InteractionType.Call);
        ImportValues.TryEnum("SERVICE", out ProductKind kind).Should().BeTrue();
        kind.Should().Be(ProductKind.Service);
        ImportValues.TryEnum("carrier pigeon", out InteractionChannel _).Should().BeFalse();
    }

    [Fact]
    public void Lists_split_on_semicolons_pipes_and_commas()
    {
        ImportValues.List(" vip; newsletter |b2b, VIP ,, ").Should().Equal("vip", "newsletter", "b2b");
    }

    [Theory]
    [InlineData("ada@example.com", "ada@example.com")]
    [InlineData(" Ada Lovelace <Ada@Example.com> ", "Ada@Example.com")]
    [InlineData("mailto:bob@example.org", "bob@example.org")]
    public void Emails_are_read_from_common_forms(string text, string expected)
    {
        ImportValues.TryEmail(text, out var email).Should().BeTrue();
        email.Should().Be(expected);
    }

    [Theory]
    [InlineData("Ada Lovelace", "Ada", "Lovelace")]
    [InlineData("Lovelace, Ada", "Ada", "Lovelace")]
    [InlineData("Ada King Lovelace", "Ada King", "Lovelace")]
    [InlineData("Madonna", "Madonna", null)]
    public void Full_names_split_into_first_and_last(string text, string? first, string? last)
    {
        ImportValues.SplitName(text).Should().Be((first, last));
    }

    [Fact]
    public void Parse_failures_name_the_column_and_quote_at_most_40_characters()
    {
        var values = new ImportValues(DateFormat.DayMonthYear, NumberFormat.Comma);
        var occurredAt = ImportFields.Find(Rapport.Imports.ImportKind.Transactions, "occurred_at")!;
        var amount = ImportFields.Find(Rapport.Imports.ImportKind.Transactions, "amount")!;
        var email = ImportFields.Find(Rapport.Imports.ImportKind.Customers, "email")!;
        var channel = ImportFields.Find(Rapport.Imports.ImportKind.Interactions, "channel")!;

        values.Parse(occurredAt, "\"Order Date\"", "31/31/2024").Error
            .Should().Be("\"Order Date\" (occurred_at): \"31/31/2024\" is not a date and time in the format dd/MM/yyyy [HH:mm[:ss]] [offset]");
        values.Parse(amount, "\"Total\"", "12.5").Error.Should().Be("\"Total\" (amount): \"12.5\" is not a number written as 1.234,56");
        values.Parse(channel, "\"Via\"", "pigeon").Error
            .Should().Be("\"Via\" (channel): \"pigeon\" is not one of email, phone, sms, web, in person, social, chat, post, other");
        var error = values.Parse(email, "\"E-mail\"", new string('x', 500)).Error!;
        error.Should().Be($"\"E-mail\" (email): \"{new string('x', 39)}…\" is not an email address");
    }

    [Fact]
    public void Parse_returns_typed_values_and_treats_blank_cells_as_not_given()
    {
        var values = new ImportValues(DateFormat.Iso, NumberFormat.Dot);
        var amount = ImportFields.Find(Rapport.Imports.ImportKind.Transactions, "amount")!;
        var tags = ImportFields.Find(Rapport.Imports.ImportKind.Customers, "tags")!;

        values.Parse(amount, "Total", " 12.50 ").Should().Be(new ParsedCell(12.50m, null));
        values.Parse(amount, "Total", "   ").Should().Be(new ParsedCell(null, null));
        values.Parse(tags, "Tags", "a;b").Value.Should().BeAssignableTo<IReadOnlyList<string>>().Which.Should().Equal("a", "b");
    }

    [Theory]
    [InlineData("dd/MM/yyyy HH:mm", "dd/MM/yyyy")]
    [InlineData("MM/dd/yy", "MM/dd/yyyy")]
    [InlineData("ISO", "iso")]
    [InlineData("yyyyMMdd", "yyyyMMdd")]
    public void Date_format_overrides_are_resolved(string text, string expected)
    {
        DateFormat.TryParse(text, out var format, out var problem).Should().BeTrue();
        problem.Should().BeNull();
        format.Name.Should().Be(expected);
    }

    [Fact]
    public void Unknown_date_format_override_lists_the_accepted_ones()
    {
        DateFormat.TryParse("yyyy-dd-MM", out _, out var problem).Should().BeFalse();
        problem.Should().Be("\"yyyy-dd-MM\" is not a date format this import reads; use one of iso, yyyyMMdd, yyyy/MM/dd, dd/MM/yyyy, MM/dd/yyyy, dd.MM.yyyy, dd-MM-yyyy, MM-dd-yyyy, d-MMM-yyyy, excel.");
    }
}
