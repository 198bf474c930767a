using System.Globalization;
using Rapport.Analytics.Models;

namespace Rapport.Tests.Analytics.Models;

public sealed class RepeatSummaryBuilderTests
{
    private static readonly DateOnly Day0 = new(2024, 1, 1);

    private static Purchase<string> Buy(string customer, int day, decimal amount = 10) => new(customer, Day0.AddDays(day), amount);

    [Fact]
    public void Summary_rebuilt_from_the_CDNOW_sample_equals_the_published_summary()
    {
        var table = ClvData.Cdnow;
        var published = File.ReadLines(ClvData.PathOf("cdnow_customers_summary.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        var built = table.Customers.Zip(table.Rows).ToDictionary(p => p.First, p => p.Second);

        built.Should().HaveCount(2357);
        published.Should().HaveCount(2357);
        foreach (var cells in published)
        {
            var row = built[int.Parse(cells[0], CultureInfo.InvariantCulture)];
            (row.Frequency, Math.Round(row.Recency, 2), Math.Round(row.Age, 2)).Should().Be(
                (int.Parse(cells[1], CultureInfo.InvariantCulture), double.Parse(cells[2], CultureInfo.InvariantCulture), double.Parse(cells[3], CultureInfo.InvariantCulture)),
                $"customer {cells[0]}");
        }

        table.Rows.Sum(r => r.Frequency).Should().Be(2457);
        table.RepeatCustomers.Should().Be(946);
    }

    [Fact]
    public void Monetary_value_is_the_mean_of_the_repeat_purchases_as_published()
    {
        var built = ClvData.Cdnow.Customers.Zip(ClvData.Cdnow.Rows).ToDictionary(p => p.First, p => p.Second);
        foreach (var (id, published) in ClvData.PublishedCdnowSummary())
        {
            // The file rounds half-cents away from zero (22.345 → 22.35).
            Math.Round((decimal)built[id].MonetaryValue, 2, MidpointRounding.AwayFromZero).Should().Be((decimal)published.MonetaryValue, $"customer {id}");
        }
    }

    [Fact]
    public void Holdout_holds_the_published_1882_repeat_purchases_334_of_them_by_customers_without_repeats()
    {
        var table = ClvData.Cdnow;
        table.Options.HoldoutLength.Should().Be(39);
        table.Rows.Sum(r => r.HoldoutPurchases).Should().Be(1882);
        table.Rows.Where(r => r.Frequency == 0).Sum(r => r.HoldoutPurchases).Should().Be(334);
        table.IgnoredTransactions.Should().Be(0);
        table.LateCustomers.Should().Be(0);
    }

    [Fact]
    public void Same_day_purchases_merge_with_values_summed_and_the_first_purchase_is_not_a_repeat()
    {
        var table = RepeatSummaryBuilder.Build(
            [Buy("a", 0, 5), Buy("a", 0, 7), Buy("a", 14, 20), Buy("a", 14, 10), Buy("a", 21, 6), Buy("b", 3, 9)],
            new RepeatSummaryOptions(Day0.AddDays(28)));

        table.Customers.Should().Equal("a", "b");
        table.Rows[0].Should().Be(new RepeatSummary(2, 3, 4, 18));
        table.Rows[1].Should().Be(new RepeatSummary(0, 0, 25.0 / 7, 0));
        table.Transactions.Should().Be(6);
        table.Warnings.Should().BeEmpty();
    }

    [Fact]
    public void Days_are_the_unit_with_the_day_period()
    {
        var table = RepeatSummaryBuilder.Build([Buy("a", 0), Buy("a", 10)], new RepeatSummaryOptions(Day0.AddDays(30), SummaryPeriod.Day));

        table.Rows.Single().Should().Be(new RepeatSummary(1, 10, 30, 10));
    }

    [Fact]
    public void Unsorted_input_gives_the_same_summary()
    {
        Purchase<string>[] purchases = [Buy("a", 14), Buy("b", 2), Buy("a", 0), Buy("a", 7, 4)];
        var sorted = RepeatSummaryBuilder.Build(purchases.OrderBy(p => p.Date), new RepeatSummaryOptions(Day0.AddDays(21)));
        var shuffled = RepeatSummaryBuilder.Build(purchases, new RepeatSummaryOptions(Day0.AddDays(21)));

        shuffled.Rows.Zip(shuffled.Customers).OrderBy(p => p.Second).Should().Equal(sorted.Rows.Zip(sorted.Customers).OrderBy(p => p.Second));
    }

    [Fact]
    public void Customers_who_first_buy_after_calibration_are_left_out_and_later_purchases_are_ignored_with_warnings()
    {
        var table = RepeatSummaryBuilder.Build(
            [Buy("a", 0), Buy("a", 5), Buy("a", 40), Buy("a", 90), Buy("late", 35), Buy("late", 36)],
            new RepeatSummaryOptions(Day0.AddDays(30), SummaryPeriod.Day, HoldoutEnd: Day0.AddDays(60)));

        table.Customers.Should().Equal("a");
        table.Rows[0].Should().Be(new RepeatSummary(1, 5, 30, 10, HoldoutPurchases: 1, HoldoutValue: 10));
        table.LateCustomers.Should().Be(1);
        table.IgnoredTransactions.Should().Be(1);
        table.Warnings.Select(w => w.Code).Should().Equal(ModelWarning.LateCustomers, ModelWarning.FutureTransactions);
        table.Warnings[1].Message.Should().Contain("after 2024-03-01 (the end of the holdout period)");
    }

    [Fact]
    public void Without_a_holdout_purchases_after_the_calibration_end_are_ignored_with_a_warning()
    {
        var table = RepeatSummaryBuilder.Build([Buy("a", 0), Buy("a", 5), Buy("a", 31)], new RepeatSummaryOptions(Day0.AddDays(30)));

        table.Rows.Single().Frequency.Should().Be(1);
        table.IgnoredTransactions.Should().Be(1);
        table.Warnings.Single().Code.Should().Be(ModelWarning.FutureTransactions);
    }

    [Fact]
    public void Zero_and_negative_amounts_count_as_purchases_with_a_warning()
    {
        var table = RepeatSummaryBuilder.Build([Buy("a", 0), Buy("a", 7, -30), Buy("a", 14, 0)], new RepeatSummaryOptions(Day0.AddDays(21)));

        table.Rows.Single().Should().Be(new RepeatSummary(2, 2, 3, -15));
        table.NonPositiveTransactions.Should().Be(2);
        table.Warnings.Single().Code.Should().Be(ModelWarning.NonPositiveAmounts);
    }

    [Fact]
    public void Identical_timestamps_are_one_purchase()
    {
        var table = RepeatSummaryBuilder.Build([Buy("a", 3, 1), Buy("a", 3, 2), Buy("a", 3, 3)], new RepeatSummaryOptions(Day0.AddDays(3)));

        table.Rows.Single().Should().Be(new RepeatSummary(0, 0, 0, 0));
    }

    [Fact]
    public void No_purchases_give_an_empty_summary_with_a_warning()
    {
        var table = RepeatSummaryBuilder.Build(Array.Empty<Purchase<string>>(), new RepeatSummaryOptions(Day0));

        table.Rows.Should().BeEmpty();
        table.Warnings.Single().Code.Should().Be(ModelWarning.NoCustomers);
    }

    [Fact]
    public void A_holdout_that_ends_before_it_starts_is_refused()
    {
        var build = () => RepeatSummaryBuilder.Build([Buy("a", 0)], new RepeatSummaryOptions(Day0.AddDays(10), HoldoutEnd: Day0.AddDays(10)));

        build.Should().Throw<ArgumentException>().WithMessage("*holdout end 2024-01-11 must be after the calibration end 2024-01-11*");
    }

    [Fact]
    public void Instants_are_dated_in_the_given_time_zone_or_UTC()
    {
        var lateEvening = new DateTimeOffset(2024, 3, 1, 23, 30, 0, TimeSpan.FromHours(-5));

        RepeatSummaryBuilder.PurchaseAt("a", lateEvening, 1m).Date.Should().Be(new DateOnly(2024, 3, 2));
        RepeatSummaryBuilder.PurchaseAt("a", lateEvening, 1m, TimeZoneInfo.CreateCustomTimeZone("EST", TimeSpan.FromHours(-5), "EST", "EST"))
            .Date.Should().Be(new DateOnly(2024, 3, 1));
    }
}
