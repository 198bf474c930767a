using System.Data.Common;
using Rapport.Data;

namespace Rapport.Analytics;

/// <summary>
/// Every customer's purchases by UTC day, read once from <c>transactions</c>: the input of the analytics recompute.
/// As the purchase-model literature builds it, the transactions of one customer on one day are one purchase, their
/// values summed. Values count in the reporting currency only: a transaction in another currency is a purchase
/// (recency, frequency, cohorts) whose value is unknown (<see cref="Valued"/> false when none of the day's
/// transactions is in the reporting currency).
/// </summary>
/// <remarks>
/// Held as parallel arrays (about 17 bytes a purchase day), so a million customers with ten million transactions fit
/// in a few hundred megabytes. The table is read in storage order (a sequential scan, where reading it in customer
/// order would be a random access per row) and sorted here.
/// </remarks>
public sealed class PurchaseHistory
{
    private PurchaseHistory(long[] customerIds, int[] offsets, int[] days, double[] values, bool[] valued, int[] orders, long transactions)
    {
        CustomerIds = customerIds;
        Offsets = offsets;
        Days = days;
        Values = values;
        Valued = valued;
        Orders = orders;
        Transactions = transactions;
    }

    /// <summary>Customers with at least one purchase, ascending.</summary>
    public long[] CustomerIds { get; }

    /// <summary>Customer <c>i</c>'s purchase days are <c>Offsets[i]</c> up to (not including) <c>Offsets[i + 1]</c>.</summary>
    public int[] Offsets { get; }

    /// <summary>The purchase day as <see cref="DateOnly.DayNumber"/> (UTC), ascending within a customer.</summary>
    public int[] Days { get; }

    /// <summary>The day's total in the reporting currency (refunds recorded as negative totals lower it).</summary>
    public double[] Values { get; }

    /// <summary>Whether at least one of the day's transactions is in the reporting currency.</summary>
    public bool[] Valued { get; }

    /// <summary>Transactions on that day.</summary>
    public int[] Orders { get; }

    /// <summary>Transactions read.</summary>
    public long Transactions { get; }

    public int CustomerCount => CustomerIds.Length;

    public int PurchaseDays => Days.Length;

    /// <summary>The index of a customer in <see cref="CustomerIds"/>, or a negative number.</summary>
    public int IndexOf(long customerId) => Array.BinarySearch(CustomerIds, customerId);

    /// <summary>Reads every customer's purchases, or one customer's (inside <paramref name="transaction"/> when given).</summary>
    public static async Task<PurchaseHistory> LoadAsync(DbConnection connection, string reportingCurrency, CancellationToken ct, long? customerId = null,
        DbTransaction? transaction = null)
    {
        var postgres = connection is Npgsql.NpgsqlConnection;
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        // SQLite stores instants as fixed-width ISO text: the first ten characters are the UTC date.
        command.CommandText = (postgres
            ? "SELECT customer_id, occurred_at, total, currency = @currency FROM transactions"
            : "SELECT customer_id, substr(occurred_at, 1, 10), total, currency = @currency FROM transactions")
            + (customerId is null ? "" : " WHERE customer_id = @customer");
        var currency = command.CreateParameter();
        currency.ParameterName = "@currency";
        currency.Value = reportingCurrency;
        command.Parameters.Add(currency);
        if (customerId is { } id)
        {
            var customer = command.CreateParameter();
            customer.ParameterName = "@customer";
            customer.Value = id;
            command.Parameters.Add(customer);
        }

        var rows = new RawRows();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var day = postgres
                    ? DateOnly.FromDateTime(reader.GetDateTime(1)).DayNumber
                    : ParseDay(reader.GetString(1));
                var inCurrency = postgres ? reader.GetBoolean(3) : reader.GetInt64(3) != 0;
                var value = inCurrency ? (postgres ? (double)reader.GetDecimal(2) : reader.GetDouble(2)) : 0d;
                rows.Add(reader.GetInt64(0), day, value, inCurrency);
            }
        }

        return rows.ToHistory();
    }

    /// <summary>Builds a history from given purchases (tests, the file mode of the CLI).</summary>
    public static PurchaseHistory From(IEnumerable<(long CustomerId, DateOnly Day, double Value, bool Valued)> purchases)
    {
        var rows = new RawRows();
        foreach (var (customer, day, value, valued) in purchases)
        {
            rows.Add(customer, day.DayNumber, valued ? value : 0d, valued);
        }

        return rows.ToHistory();
    }

    /// <summary><c>yyyy-MM-dd</c> to a day number without allocating.</summary>
    private static int ParseDay(string text)
    {
        if (text.Length < 10 || text[4] != '-' || text[7] != '-')
        {
            throw new FormatException($"'{text}' is not a stored instant.");
        }

        var year = Digits(text, 0, 4);
        var month = Digits(text, 5, 2);
        var day = Digits(text, 8, 2);
        return new DateOnly(year, month, day).DayNumber;
    }

    private static int Digits(string text, int start, int count)
    {
        var value = 0;
        for (var i = start; i < start + count; i++)
        {
            var digit = text[i] - '0';
            if ((uint)digit > 9)
            {
                throw new FormatException($"'{text}' is not a stored instant.");
            }

            value = value * 10 + digit;
        }

        return value;
    }

    /// <summary>Transactions as read, then sorted by (customer, day) and merged into purchase days.</summary>
    private sealed class RawRows
    {
        // Customer ids and day numbers are packed into one sortable key: day numbers of years 1..9999 are below 2^22,
        // and identity ids stay below 2^41 (two trillion rows).
        private const int DayBits = 22;
        private const long MaxCustomerId = (1L << (63 - DayBits)) - 1;

        private long[] _keys = new long[1024];
        private double[] _values = new double[1024];
        private int _count;
        private bool[] _valued = new bool[1024];

        public void Add(long customerId, int day, double value, bool valued)
        {
            if (customerId < 0 || customerId > MaxCustomerId)
            {
                throw new InvalidOperationException($"Customer id {customerId} is outside the range analytics can sort.");
            }

            if (_count == _keys.Length)
            {
                Array.Resize(ref _keys, _keys.Length * 2);
                Array.Resize(ref _values, _values.Length * 2);
                Array.Resize(ref _valued, _keys.Length);
            }

            _keys[_count] = (customerId << DayBits) | (uint)day;
            _values[_count] = value;
            _valued[_count] = valued;
            _count++;
        }

        public PurchaseHistory ToHistory()
        {
            // Sorting an index by key keeps values and flags with their transaction; equal keys (one customer's
            // transactions of one day) are summed, so their order does not matter. The keys are sorted where they
            // were read (they are not needed in read order again), and the result's arrays are allocated at their
            // final size once the sorted keys have been counted: at a million customers these copies were hundreds
            // of megabytes at the peak of the run.
            var keys = _keys;
            var order = new int[_count];
            for (var i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }

            Array.Sort(keys, order, 0, _count);

            int customerTotal = 0, dayTotal = 0;
            for (var i = 0; i < _count; i++)
            {
                if (i == 0 || keys[i] != keys[i - 1])
                {
                    dayTotal++;
                    if (i == 0 || keys[i] >> DayBits != keys[i - 1] >> DayBits)
                    {
                        customerTotal++;
                    }
                }
            }

            var customers = new long[customerTotal];
            var offsets = new int[customerTotal + 1];
            var days = new int[dayTotal];
            var values = new double[dayTotal];
            var valued = new bool[dayTotal];
            var orders = new int[dayTotal];
            int customerCount = 0, dayCount = 0;
            long previousKey = -1, previousCustomer = -1;
            for (var i = 0; i < _count; i++)
            {
                var key = keys[i];
                var source = order[i];
                if (key == previousKey)
                {
                    values[dayCount - 1] += _values[source];
                    valued[dayCount - 1] |= _valued[source];
                    orders[dayCount - 1]++;
                    continue;
                }

                var customer = key >> DayBits;
                if (customer != previousCustomer)
                {
                    customers[customerCount] = customer;
                    offsets[customerCount++] = dayCount;
                    previousCustomer = customer;
                }

                days[dayCount] = (int)(key & ((1L << DayBits) - 1));
                values[dayCount] = _values[source];
                valued[dayCount] = _valued[source];
                orders[dayCount++] = 1;
                previousKey = key;
            }

            offsets[customerCount] = dayCount;
            return new PurchaseHistory(customers, offsets, days, values, valued, orders, _count);
        }
    }
}
