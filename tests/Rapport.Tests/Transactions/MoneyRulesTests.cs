using Rapport.Common;
using Rapport.Transactions;

namespace Rapport.Tests.Transactions;

public sealed class MoneyRulesTests
{
    [Theory]
    [InlineData("2", "12.50", "25.00")]
    [InlineData("1.5", "3.3333", "5.0000")]
    [InlineData("3", "0.00005", "0.0002")]
    [InlineData("0.0001", "0.5", "0.0001")]
    [InlineData("1000000", "999999", "999999000000")]
    public void Line_amounts_round_half_away_from_zero_to_four_decimals(string quantity, string unitPrice, string amount)
    {
        Money.LineAmount(decimal.Parse(quantity, System.Globalization.CultureInfo.InvariantCulture), decimal.Parse(unitPrice, System.Globalization.CultureInfo.InvariantCulture))
            .Should().Be(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("usd", "USD")]
    [InlineData(" eur ", "EUR")]
    [InlineData(null, "USD")]
    [InlineData("", "USD")]
    [InlineData("JPY", "JPY")]
    public void Currencies_are_upper_cased_iso_codes_with_a_fallback(string? input, string expected)
    {
        var errors = new FieldErrors();
        Money.Currency(errors, "currency", input, "USD").Should().Be(expected);
        errors.Any.Should().BeFalse();
    }

    [Theory]
    [InlineData("ABC")]
    [InlineData("US")]
    [InlineData("USDX")]
    [InlineData("U$D")]
    [InlineData("XAU")]
    public void Unknown_currency_codes_are_refused(string input)
    {
        var errors = new FieldErrors();
        Money.Currency(errors, "currency", input, "USD");
        errors.ToDictionary().Should().ContainKey("currency");
    }

    [Fact]
    public void A_currency_without_fallback_is_required()
    {
        var errors = new FieldErrors();
        Money.Currency(errors, "currency", "  ", null).Should().BeNull();
        errors.ToDictionary()["currency"].Single().Should().StartWith("Is required");
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData("1.5000", true)]
    [InlineData("1.50000", true)]
    [InlineData("1.00001", false)]
    [InlineData("-0.0001", false)]
    [InlineData("1000000000000", true)]
    [InlineData("1000000000000.0001", false)]
    public void Amounts_are_non_negative_with_at_most_four_decimals(string value, bool valid)
    {
        var errors = new FieldErrors();
        Money.NonNegativeAmount(errors, "total", decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture));
        errors.Any.Should().Be(!valid);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("0.0001", true)]
    [InlineData("0", false)]
    [InlineData("-1", false)]
    [InlineData("1000001", false)]
    [InlineData("0.00001", false)]
    public void Quantities_are_positive_and_bounded(string value, bool valid)
    {
        var errors = new FieldErrors();
        Money.PositiveQuantity(errors, "quantity", decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture));
        errors.Any.Should().Be(!valid);
    }
}
