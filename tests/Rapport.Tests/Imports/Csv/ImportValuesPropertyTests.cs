using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Rapport.Imports.Csv;

namespace Rapport.Tests.Imports.Csv;

/// <summary>Values written the ways spreadsheets and shops write them read back to the same value.</summary>
public sealed class ImportValuesPropertyTests
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(500);

    public sealed record WrittenNumber(decimal Value, NumberFormat Format, string Text);

    private static string Group(string digits, string separator)
    {
        if (separator.Length == 0 || digits.Length <= 3)
        {
            return digits;
        }

        var head = digits.Length % 3 == 0 ? 3 : digits.Length % 3;
        var parts = new List<string> { digits[..head] };
        for (var i = head; i < digits.Length; i += 3)
        {
            parts.Add(digits.Substring(i, 3));
        }

        return string.Join(separator, parts);
    }

    private static Arbitrary<WrittenNumber> Numbers() =>
        (from cents in Gen.Choose(0, int.MaxValue).Select(n => (long)n * 37)
         from scale in Gen.Choose(0, 4)
         from negative in Gen.Elements(false, true)
         from comma in Gen.Elements(false, true)
         from grouping in Gen.Elements("", "other", " ", "\u00A0", "'")
         from sign in Gen.Elements("-x", "x-", "(x)")
         from currency in Gen.Elements("", "€ ", "$", " EUR", " USD", "£")
         select Write(cents, scale, negative, comma, grouping, sign, currency)).ToArbitrary();

    private static WrittenNumber Write(long units, int scale, bool negative, bool comma, string grouping, string sign, string currency)
    {
        var value = new decimal(units) / (decimal)Math.Pow(10, scale) * (negative ? -1 : 1);
        var format = comma ? NumberFormat.Comma : NumberFormat.Dot;
        var separator = grouping == "other" ? (comma ? "." : ",") : grouping;
        var invariant = Math.Abs(value).ToString(CultureInfo.InvariantCulture);
        var point = invariant.IndexOf('.', StringComparison.Ordinal);
        var integer = point < 0 ? invariant : invariant[..point];
        var fraction = point < 0 ? "" : format.DecimalSeparator + invariant[(point + 1)..];
        var body = Group(integer, separator) + fraction;
        body = currency.EndsWith(' ') || currency.Length == 1 ? currency + body : body + currency;
        if (negative)
        {
            body = sign.Replace("x", body, StringComparison.Ordinal);
        }

        return new WrittenNumber(value, format, body);
    }

    [Fact]
    public void Numbers_written_with_grouping_currency_and_sign_read_back()
    {
        Prop.ForAll(Numbers(), number =>
        {
            NumberFormats.TryParse(number.Text, number.Format, out var value).Should().BeTrue(number.Text);
            value.Should().Be(number.Value, number.Text);
            return true;
        }).Check(Runs);
    }

    public sealed record WrittenInstant(DateTimeOffset Value, DateFormat Format, string Text);

    private static readonly (DateFormat Format, string Pattern)[] Patterns =
    [
        (DateFormat.Iso, "yyyy-MM-dd'T'HH:mm:ss"),
        (DateFormat.Iso, "yyyy-MM-dd HH:mm"),
        (DateFormat.Compact, "yyyyMMdd HH:mm:ss"),
        (DateFormat.YearMonthDay, "yyyy/MM/dd HH:mm"),
        (DateFormat.DayMonthYear, "dd/MM/yyyy HH:mm:ss"),
        (DateFormat.DayMonthYear, "d/M/yyyy h:mm tt"),
        (DateFormat.DayMonthYearDots, "dd.MM.yyyy HH:mm"),
        (DateFormat.DayMonthYearDashes, "dd-MM-yyyy HH:mm:ss"),
        (DateFormat.MonthDayYear, "MM/dd/yyyy hh:mm:ss tt"),
        (DateFormat.MonthDayYearDashes, "M-d-yyyy HH:mm"),
        (DateFormat.MonthName, "d-MMM-yyyy HH:mm"),
        (DateFormat.MonthName, "dd MMMM yyyy HH:mm:ss"),
        (DateFormat.MonthName, "MMMM d, yyyy HH:mm"),
    ];

    private static Arbitrary<WrittenInstant> Instants() =>
        (from hours in Gen.Choose(0, 200 * 366 * 24)
         from seconds in Gen.Choose(0, 59)
         from pattern in Gen.Elements(Patterns)
         from offsetQuarters in Gen.Choose(-48, 56)
         from withOffset in Gen.Elements(false, true)
         from anyFormat in Gen.Elements(DateFormat.All.ToArray())
         // ISO 8601 values read whatever the file's format is.
         select Write(hours, seconds, pattern.Format == DateFormat.Iso ? (anyFormat, pattern.Pattern) : pattern, offsetQuarters, withOffset)).ToArbitrary();

    private static WrittenInstant Write(int hours, int seconds, (DateFormat Format, string Pattern) pattern, int offsetQuarters, bool withOffset)
    {
        var local = new DateTime(1900, 1, 1, 0, 0, 0, DateTimeKind.Unspecified).AddHours(hours).AddMinutes(hours % 60).AddSeconds(pattern.Pattern.Contains("ss", StringComparison.Ordinal) ? seconds : 0);
        var offset = withOffset ? TimeSpan.FromMinutes(offsetQuarters * 15) : TimeSpan.Zero;
        var text = local.ToString(pattern.Pattern, CultureInfo.InvariantCulture);
        if (withOffset)
        {
            text += (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture);
        }

        return new WrittenInstant(new DateTimeOffset(local, offset).ToUniversalTime(), pattern.Format, text);
    }

    [Fact]
    public void Instants_written_in_each_format_read_back_in_utc()
    {
        Prop.ForAll(Instants(), instant =>
        {
            var values = new ImportValues(instant.Format, NumberFormat.Dot);
            values.TryInstant(instant.Text, out var value).Should().BeTrue(instant.Text);
            value.Should().Be(instant.Value, instant.Text);
            value.Offset.Should().Be(TimeSpan.Zero);
            return true;
        }).Check(Runs);
    }

    private static readonly (DateFormat Format, string Pattern)[] DatePatterns =
    [
        (DateFormat.Iso, "yyyy-MM-dd"),
        (DateFormat.Compact, "yyyyMMdd"),
        (DateFormat.YearMonthDay, "yyyy/MM/dd"),
        (DateFormat.DayMonthYear, "dd/MM/yyyy"),
        (DateFormat.MonthDayYear, "MM/dd/yyyy"),
        (DateFormat.DayMonthYearDots, "dd.MM.yyyy"),
        (DateFormat.DayMonthYearDashes, "dd-MM-yyyy"),
        (DateFormat.MonthDayYearDashes, "MM-dd-yyyy"),
        (DateFormat.MonthName, "d-MMM-yyyy"),
    ];

    [Fact]
    public void Dates_written_in_one_format_detect_that_format_or_report_the_day_month_ambiguity()
    {
        var samples =
            from pattern in Gen.Elements(DatePatterns)
            from days in Gen.NonEmptyListOf(Gen.Choose(0, 200 * 366))
            select (pattern.Format, Dates: days.Select(d => new DateOnly(1900, 1, 1).AddDays(d)).ToList(),
                Texts: days.Select(d => new DateOnly(1900, 1, 1).AddDays(d).ToString(pattern.Pattern, CultureInfo.InvariantCulture)).ToList());

        Prop.ForAll(samples.ToArbitrary(), sample =>
        {
            var detection = DateFormats.Detect(sample.Texts);
            var dayFirstOrMonthFirst = sample.Format.Order is DateOrder.DayMonthYear or DateOrder.MonthDayYear;
            var fitsBoth = dayFirstOrMonthFirst && sample.Dates.All(d => d.Day <= 12);

            detection.Problem.Should().BeNull();
            detection.Ambiguous.Should().Be(fitsBoth);
            if (fitsBoth)
            {
                detection.Format.Order.Should().Be(DateOrder.DayMonthYear);
            }
            else
            {
                detection.Format.Should().Be(sample.Format);
                var values = new ImportValues(detection.Format, NumberFormat.Dot);
                sample.Texts.Select(t => values.TryDate(t, out var date) ? date : default).Should().Equal(sample.Dates);
            }

            return true;
        }).Check(Runs);
    }
}
