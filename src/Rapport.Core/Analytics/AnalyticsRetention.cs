namespace Rapport.Analytics;

/// <summary>
/// Cohorts by first-purchase month and activity per month, quarter and year, from every purchase up to the as-of day
/// (one pass over the history). Each transaction is an order: a day's first carries the day's value, the others none,
/// so orders and revenue both add up.
/// </summary>
internal static class AnalyticsRetention
{
    /// <summary>Months of cohorts and monthly facts kept in the result (the page shows three years).</summary>
    public const int MonthsKept = 36;
    public const int QuartersKept = 12;

    public static RetentionSection Compute(PurchaseHistory history, DateOnly asOf)
    {
        if (history.CustomerCount == 0)
        {
            return new RetentionSection([], [], [], []);
        }

        var firstDay = int.MaxValue;
        for (var i = 0; i < history.CustomerCount; i++)
        {
            firstDay = Math.Min(firstDay, history.Days[history.Offsets[i]]);
        }

        var last = CalendarMonth.Of(asOf);
        var first = CalendarMonth.Of(DateOnly.FromDayNumber(Math.Min(firstDay, asOf.DayNumber)));
        var months = new CohortBuilder(first, last, 1);
        var quarters = new CohortBuilder(first, last, 3);
        var years = new CohortBuilder(first, last, 12);
        var buffer = new List<CustomerPurchase>();
        for (var i = 0; i < history.CustomerCount; i++)
        {
            buffer.Clear();
            var customer = history.CustomerIds[i];
            for (var d = history.Offsets[i]; d < history.Offsets[i + 1]; d++)
            {
                if (history.Days[d] > asOf.DayNumber)
                {
                    break;
                }

                var month = CalendarMonth.Of(DateOnly.FromDayNumber(history.Days[d]));
                buffer.Add(new CustomerPurchase(customer, month, CustomerFacts.Money(history.Values[d])));
                for (var extra = 1; extra < history.Orders[d]; extra++)
                {
                    buffer.Add(new CustomerPurchase(customer, month, 0m));
                }
            }

            var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(buffer);
            months.AddCustomer(span);
            quarters.AddCustomer(span);
            years.AddCustomer(span);
        }

        var byMonth = months.Build();
        return new RetentionSection(
            [.. byMonth.Cohorts.TakeLast(MonthsKept).Select(c => new CohortRow(c.Start.ToString(), c.Size, c.ActiveCustomers))],
            Rows(byMonth.Periods.TakeLast(MonthsKept)),
            Rows(quarters.Build().Periods.TakeLast(QuartersKept)),
            Rows(years.Build().Periods));
    }

    private static List<PeriodRow> Rows(IEnumerable<PeriodFacts> periods) =>
        [.. periods.Select(p => new PeriodRow(p.Start.ToString(), p.Months, p.ActiveCustomers, p.NewCustomers, p.PreviousActiveCustomers,
            p.RetainedCustomers, p.Orders, p.Revenue))];

    /// <summary>A stored row back to the facts the KPIs read.</summary>
    public static PeriodFacts Facts(PeriodRow row)
    {
        var year = int.Parse(row.Start.AsSpan(0, 4), System.Globalization.CultureInfo.InvariantCulture);
        var month = int.Parse(row.Start.AsSpan(5, 2), System.Globalization.CultureInfo.InvariantCulture);
        return new PeriodFacts(CalendarMonth.Of(year, month), row.Months, row.Active, row.New, row.PreviousActive, row.Retained, row.Orders, row.Revenue);
    }
}
