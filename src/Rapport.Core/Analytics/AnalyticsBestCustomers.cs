using System.Data.Common;
using System.Runtime.InteropServices;

namespace Rapport.Analytics;

/// <summary>
/// What the order lines say per customer when the catalogue knows more than a SKU: the quantity bought per product
/// category (for heavy users) and the gross profit of lines whose product has a cost in the reporting currency.
/// Lines are read in storage order and summed here with the products held in memory (a catalogue is small).
/// A line's amount is taken to be in its product's currency; lines of products without a category or cost count for
/// neither. Read only when some product has a category or a cost.
/// </summary>
internal sealed class CatalogFacts
{
    public List<string> Categories { get; } = [];
    public List<CategoryVolume> Volumes { get; } = [];

    /// <summary>Gross profit per customer (lines whose product cost is known).</summary>
    public Dictionary<long, double> Profit { get; } = [];

    /// <summary>Revenue of the lines whose product cost is known, and of all product lines.</summary>
    public double CostedRevenue { get; private set; }
    public double LineRevenue { get; private set; }

    public bool HasCosts => Profit.Count > 0;

    public static async Task<CatalogFacts> LoadAsync(DbConnection connection, string currency, CancellationToken ct)
    {
        var facts = new CatalogFacts();
        var products = new Dictionary<long, (int Category, double? Cost)>();
        var categoryIndex = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT id, category, CASE WHEN currency = @currency THEN cost END FROM products WHERE category IS NOT NULL OR cost IS NOT NULL";
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@currency";
            parameter.Value = currency;
            command.Parameters.Add(parameter);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var category = -1;
                if (!reader.IsDBNull(1) && reader.GetString(1).Trim() is { Length: > 0 } name)
                {
                    if (!categoryIndex.TryGetValue(name, out category))
                    {
                        category = facts.Categories.Count;
                        categoryIndex[name] = category;
                        facts.Categories.Add(name);
                    }
                }

                products[reader.GetInt64(0)] = (category, reader.IsDBNull(2) ? null : Convert.ToDouble(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        if (products.Count == 0)
        {
            return facts;
        }

        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT customer_id, product_id, quantity, amount FROM transaction_lines WHERE product_id IS NOT NULL";
            await using var reader = await command.ExecuteReaderAsync(ct);
            var volumes = new Dictionary<(long Customer, int Category), double>();
            // Amounts are REAL on SQLite (read as double, integers included) and numeric on PostgreSQL.
            var numeric = connection is Npgsql.NpgsqlConnection;
            while (await reader.ReadAsync(ct))
            {
                if (!products.TryGetValue(reader.GetInt64(1), out var product))
                {
                    continue;
                }

                var customer = reader.GetInt64(0);
                var quantity = numeric ? (double)reader.GetDecimal(2) : reader.GetDouble(2);
                var amount = numeric ? (double)reader.GetDecimal(3) : reader.GetDouble(3);
                facts.LineRevenue += amount;
                if (product.Category >= 0)
                {
                    // One lookup per line instead of a read and a write.
                    ref var volume = ref CollectionsMarshal.GetValueRefOrAddDefault(volumes, (customer, product.Category), out _);
                    volume += quantity;
                }

                if (product.Cost is { } cost)
                {
                    facts.CostedRevenue += amount;
                    ref var profit = ref CollectionsMarshal.GetValueRefOrAddDefault(facts.Profit, customer, out _);
                    profit = profit + amount - quantity * cost;
                }
            }

            foreach (var ((customer, category), volume) in volumes)
            {
                facts.Volumes.Add(new CategoryVolume(customer, category, CustomerFacts.Money(volume)));
            }
        }

        return facts;
    }
}

/// <summary>Best customers: the Pareto curves of revenue (and profit, when costs are known), the top list, heavy users per category.</summary>
internal static class AnalyticsBestCustomers
{
    public const int TopCount = 50;
    private const int HeavyUsersShown = 10;

    public static BestCustomersSection Compute(CustomerFacts customers, PurchaseHistory history, CatalogFacts catalog)
    {
        var values = new CustomerValue[customers.IncludedCount];
        var n = 0;
        for (var i = 0; i < customers.Count; i++)
        {
            if (customers.Included[i])
            {
                values[n++] = new CustomerValue(history.CustomerIds[i], customers.Revenue[i]);
            }
        }

        var revenue = Section("revenue", Pareto.Analyse(values));
        var top = Pareto.Top(values, TopCount)
            .Select(v => new TopCustomer(v.CustomerId, v.Value, customers.Purchases[history.IndexOf(v.CustomerId)]))
            .ToList();

        ParetoSection? profit = null;
        decimal? coverage = null;
        if (catalog.HasCosts)
        {
            var profits = catalog.Profit.Select(p => new CustomerValue(p.Key, CustomerFacts.Money(p.Value))).ToArray();
            profit = Section("profit", Pareto.Analyse(profits));
            coverage = catalog.LineRevenue > 0 ? Math.Round((decimal)(catalog.CostedRevenue / catalog.LineRevenue), 4) : null;
        }

        var heavy = HeavyUsers.Find([.. catalog.Volumes], catalog.Categories.Count)
            .Where(c => c.Buyers > 0)
            .Select(c => new CategoryHeavyUsersSection(catalog.Categories[c.Category], c.Buyers, c.TotalVolume, c.Users.Count, c.HeavyVolumeShare, c.Threshold,
                [.. c.Users.Take(HeavyUsersShown).Select(u => u.CustomerId)]))
            .OrderByDescending(c => c.TotalQuantity)
            .ToList();
        return new BestCustomersSection(revenue, profit, coverage, top, heavy);
    }

    private static ParetoSection Section(string measure, ParetoAnalysis pareto) =>
        new(measure, pareto.Customers, pareto.TotalValue, pareto.NegativeValue,
            [.. pareto.Curve.Select(p => new CurvePoint(Math.Round(p.CustomerShare, 6), Math.Round(p.ValueShare, 6)))],
            Round(pareto.CustomerShareFor80PercentOfValue), Round(pareto.Top20PercentValueShare), Round(pareto.Gini));

    private static decimal? Round(decimal? value) => value is { } v ? Math.Round(v, 6) : null;
}
