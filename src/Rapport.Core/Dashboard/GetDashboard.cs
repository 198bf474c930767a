using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Customers;
using Rapport.Data;
using Rapport.Metrics;

namespace Rapport.Dashboard;

/// <summary>Revenue and orders of one UTC day. Revenue counts only transactions in the reporting currency.</summary>
public sealed record DailySales(DateOnly Day, decimal Revenue, int Orders);

public sealed record NewestCustomer(long Id, string DisplayName, string? Email, string? City, string? Country, DateTimeOffset CreatedAt);

/// <summary>
/// The dashboard's customer figures over the window <c>[From, To]</c> (UTC days, both inclusive; <c>To</c> is today).
/// Active customers purchased at least once in the window.
/// </summary>
public sealed record DashboardSummary(
    int TotalCustomers,
    int NewCustomers,
    int ActiveCustomers,
    DateOnly From,
    DateOnly To,
    IReadOnlyList<NewestCustomer> Newest);

/// <summary>
/// Revenue and orders per UTC day over <c>[From, To]</c>, one entry per day (days without orders are zero).
/// Orders count every transaction; revenue only those in <c>Currency</c> (<c>Rapport:Currency</c>).
/// </summary>
public sealed record SalesSeries(DateOnly From, DateOnly To, string Currency, decimal Revenue, int Orders, IReadOnlyList<DailySales> Days);

/// <summary>The dashboard window: the last <see cref="Days"/> UTC days, today included.</summary>
public sealed record DashboardWindow(DateOnly From, DateOnly To)
{
    public const int Days = 90;

    public DateTimeOffset Since => new(From.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
    public DateTimeOffset Until => new(To.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    public static DashboardWindow EndingAt(DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        return new DashboardWindow(today.AddDays(-(Days - 1)), today);
    }
}

/// <summary>The customer figures and newest customers: a few small indexed queries.</summary>
public sealed class GetDashboard(RapportDbContext db, TimeProvider clock)
{
    public const int WindowDays = DashboardWindow.Days;
    public const int NewestCount = 8;

    public async Task<DashboardSummary> HandleAsync(CancellationToken ct)
    {
        var window = DashboardWindow.EndingAt(clock.GetUtcNow());
        var (since, until) = (window.Since, window.Until);
        var total = await db.Customers.CountAsync(ct);
        var fresh = await db.Customers.CountAsync(c => c.CreatedAt >= since && c.CreatedAt < until, ct);
        var active = await db.CustomerMetrics.CountAsync(m => m.LastPurchaseAt >= since, ct);
        var newest = await db.Customers.AsNoTracking()
            .OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id)
            .Take(NewestCount)
            .Select(c => new { c.Id, c.FirstName, c.LastName, c.Email, c.City, c.Country, c.CreatedAt })
            .ToListAsync(ct);

        return new DashboardSummary(
            total,
            fresh,
            active,
            window.From,
            window.To,
            newest.Select(c => new NewestCustomer(c.Id, CustomerNames.Display(c.FirstName, c.LastName, c.Email, c.Id), c.Email, c.City, c.Country, c.CreatedAt)).ToList());
    }
}

/// <summary>
/// Revenue and orders per day of the dashboard window, grouped by day in SQL (one row per day comes back, not one per
/// transaction) through <see cref="DayOf"/>, the one place where SQLite and PostgreSQL differ. It reads every
/// transaction of the window through the occurred_at index, so the pages load it after the rest of the dashboard.
/// </summary>
public sealed class GetSalesByDay(RapportDbContext db, IConfiguration configuration, TimeProvider clock)
{
    public async Task<SalesSeries> HandleAsync(CancellationToken ct)
    {
        var window = DashboardWindow.EndingAt(clock.GetUtcNow());
        var currency = CustomerMetricsUpdater.ReportingCurrencyOf(configuration);
        var sales = await SalesByDayAsync(window.Since, window.Until, currency, ct);
        var days = new List<DailySales>(DashboardWindow.Days);
        for (var day = window.From; day <= window.To; day = day.AddDays(1))
        {
            days.Add(sales.TryGetValue(day, out var s) ? s : new DailySales(day, 0m, 0));
        }

        return new SalesSeries(window.From, window.To, currency, days.Sum(d => d.Revenue), days.Sum(d => d.Orders), days);
    }

    /// <summary>
    /// The UTC calendar day of <c>occurred_at</c> on each provider's storage: a <c>date</c> on PostgreSQL (cheaper
    /// per row than formatting text), the <c>yyyy-MM-dd</c> prefix of the stored ISO text on SQLite.
    /// </summary>
    internal static string DayOf(bool postgres, string column) => postgres
        ? $"({column} AT TIME ZONE 'UTC')::date"
        : $"substr({column}, 1, 10)";

    private static DateOnly ReadDay(object value) => value switch
    {
        DateOnly d => d,
        DateTime dt => DateOnly.FromDateTime(dt),
        _ => DateOnly.ParseExact(Convert.ToString(value, CultureInfo.InvariantCulture)!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
    };

    private async Task<Dictionary<DateOnly, DailySales>> SalesByDayAsync(DateTimeOffset since, DateTimeOffset until, string currency, CancellationToken ct)
    {
        var day = DayOf(db.IsPostgres, "occurred_at");
        var sql = $"""
            SELECT {day} AS day, COUNT(*) AS orders, SUM(CASE WHEN currency = @currency THEN total ELSE 0 END) AS revenue
            FROM transactions
            WHERE occurred_at >= @since AND occurred_at < @until
            GROUP BY {day}
            """;

        var result = new Dictionary<DateOnly, DailySales>();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = sql;
            command.AddParameter("@currency", currency);
            command.AddParameter("@since", DbValues.Instant(db, since));
            command.AddParameter("@until", DbValues.Instant(db, until));
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var date = ReadDay(reader.GetValue(0));
                var revenue = reader.IsDBNull(2) ? 0m : Math.Round(Convert.ToDecimal(reader.GetValue(2), CultureInfo.InvariantCulture), 2);
                result[date] = new DailySales(date, revenue, Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture));
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return result;
    }

}

public static class DashboardServices
{
    public static IServiceCollection AddDashboard(this IServiceCollection services) => services.AddScoped<GetDashboard>().AddScoped<GetSalesByDay>();
}
