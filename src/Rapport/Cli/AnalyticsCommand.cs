using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Analytics;
using Rapport.Analytics.Models;
using Rapport.Imports.Csv;

namespace Rapport.Cli;

/// <summary>
/// <c>rapport analytics &lt;subcommand&gt;</c>: customer analytics. <c>clv</c> fits the purchase and spend models to a
/// transactions file, without a database. Exit codes: 0 done (warnings included), 2 a problem with the input, 1 usage.
/// </summary>
internal static class AnalyticsCommand
{
    public const int InputProblem = 2;

    public static Command Create()
    {
        var analytics = new Command("analytics", "Customer analytics: purchase (BG/NBD, Pareto/NBD), spend (Gamma-Gamma) and lifetime-value models.");
        analytics.Subcommands.Add(CreateClv());
        analytics.Subcommands.Add(CreateRecompute());
        return analytics;
    }

    /// <summary><c>rapport analytics recompute</c>: the full recompute the web host's worker runs after imports and nightly, now.</summary>
    private static Command CreateRecompute()
    {
        var command = new Command("recompute",
            "Recompute every customer's analytics (RFM, purchase and spend models, P(alive), expected purchases, CLV) and the business's " +
            "(Pareto, cohorts, KPIs) from the database now. The last line of stdout is a JSON summary.");
        command.SetAction(async (_, ct) =>
        {
            await using var services = CliHost.CreateServices();
            await using var scope = await CliHost.StartAsync(services, ct);
            var run = await scope.ServiceProvider.GetRequiredService<RecomputeAnalytics>().RunNowAsync(AnalyticsTrigger.Manual, ct);
            var result = run.Result is null ? null : JsonSerializer.Deserialize<AnalyticsResult>(run.Result, AnalyticsJson.Options);
            if (run.Status != AnalyticsRunStatus.Succeeded || result is null)
            {
                await Console.Error.WriteLineAsync($"The analytics run failed: {run.Error}");
                Console.WriteLine(JsonSerializer.Serialize(new { runId = run.Id, status = "failed", error = run.Error }));
                return 1;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Analytics of {result.Customers:N0} customers ({result.Transactions:N0} transactions, as of {result.AsOf:yyyy-MM-dd}) in {run.ElapsedMs / 1000.0:F1} s."));
            if (result.Models.Purchase is { } fit)
            {
                Console.WriteLine($"Purchase model {fit.Model}: {string.Join(", ", fit.Parameters.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value:G4}")))}.");
            }

            foreach (var warning in result.Models.Problems.Concat(result.Models.Purchase?.Warnings ?? []).Concat(result.Models.Spend?.Warnings ?? []))
            {
                Console.WriteLine($"Warning: {warning.Message}");
            }

            Console.WriteLine(JsonSerializer.Serialize(new
            {
                runId = run.Id,
                status = "succeeded",
                customers = result.Customers,
                repeatCustomers = result.RepeatCustomers,
                transactions = result.Transactions,
                model = result.Models.Purchase?.Model,
                totalClv = result.Clv.Total,
                elapsedMs = run.ElapsedMs,
            }));
            return 0;
        });
        return command;
    }

    private static Command CreateClv()
    {
        var command = new Command("clv",
            "Fit a purchase model and the Gamma-Gamma spend model to a transactions CSV file (header row, comma-separated) and report " +
            "the parameters, log-likelihood, warnings and fit time. With --json, stdout is one JSON line.");
        var transactions = new Option<FileInfo>("--transactions") { Description = "The transactions CSV file.", Required = true };
        var customerColumn = new Option<string>("--customer-column") { Description = "Column holding the customer key.", Required = true };
        var dateColumn = new Option<string>("--date-column") { Description = "Column holding the date: yyyy-MM-dd, yyyyMMdd or an ISO 8601 date-time (dated in UTC).", Required = true };
        var amountColumn = new Option<string>("--amount-column") { Description = "Column holding the amount (a number with a '.' decimal point).", Required = true };
        var calibrationEnd = new Option<string>("--calibration-end") { Description = "Last day of the calibration period, yyyy-MM-dd; later purchases are ignored.", Required = true };
        var model = new Option<string>("--model") { Description = "bgnbd (default) or paretonbd.", DefaultValueFactory = _ => "bgnbd" };
        model.AcceptOnlyFromAmong("bgnbd", "paretonbd");
        var period = new Option<string>("--period") { Description = "week (default: days since the first purchase / 7) or day.", DefaultValueFactory = _ => "week" };
        period.AcceptOnlyFromAmong("week", "day");
        var json = new Option<bool>("--json") { Description = "Print one JSON line instead of the report." };
        foreach (var option in new Option[] { transactions, customerColumn, dateColumn, amountColumn, calibrationEnd, model, period, json })
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, ct) =>
        {
            if (!DateOnly.TryParseExact(parse.GetValue(calibrationEnd), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end))
            {
                return Task.FromResult(Problem($"--calibration-end must be a date as yyyy-MM-dd, not '{parse.GetValue(calibrationEnd)}'."));
            }

            var file = parse.GetValue(transactions)!;
            var columns = new Columns(parse.GetValue(customerColumn)!, parse.GetValue(dateColumn)!, parse.GetValue(amountColumn)!);
            var (purchases, problem) = ReadPurchases(file, columns);
            if (purchases is null)
            {
                return Task.FromResult(Problem(problem!));
            }

            var options = new RepeatSummaryOptions(end, parse.GetValue(period) == "day" ? SummaryPeriod.Day : SummaryPeriod.Week);
            var summary = RepeatSummaryBuilder.Build(purchases, options);
            if (summary.Rows.Count == 0)
            {
                return Task.FromResult(Problem($"No customer made a purchase on or before the calibration end {end:yyyy-MM-dd}; nothing to fit."));
            }

            var report = Fit(summary, parse.GetValue(model)!, ct);
            Console.Out.WriteLine(parse.GetValue(json) ? Json(report) : Text(report, file.Name));
            return Task.FromResult(0);
        });
        return command;
    }

    private static int Problem(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return InputProblem;
    }

    private sealed record Columns(string Customer, string Date, string Amount);

    private sealed record Report(
        RepeatSummaryTable<string> Summary,
        PurchaseModelFit Purchases,
        GammaGammaFit? Spend,
        TimeSpan FitTime,
        IReadOnlyList<ModelWarning> Warnings);

    /// <summary>The fits alone are timed: reading the file and building the summary are not.</summary>
    private static Report Fit(RepeatSummaryTable<string> summary, string model, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var purchases = model == "paretonbd" ? ParetoNbd.Fit(summary.Rows, ct) : BgNbd.Fit(summary.Rows, ct);
        var spend = GammaGamma.CanFit(summary.Rows) ? GammaGamma.Fit(summary.Rows, ct) : null;
        var elapsed = watch.Elapsed;

        var warnings = summary.Warnings.Concat(purchases.Warnings).Concat(spend?.Warnings ?? []).ToList();
        if (spend is null)
        {
            warnings.Add(new ModelWarning(ModelWarning.NoRepeatBuyers, "The spend model was not fitted: no customer has a repeat purchase of positive value."));
        }

        return new Report(summary, purchases, spend, elapsed, warnings);
    }

    private static string Json(Report report)
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping: the line is for a terminal or a JSON parser, not for embedding in HTML.
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("model", report.Purchases.Name);
            w.WriteStartObject("params");
            foreach (var (name, value) in report.Purchases.Parameters)
            {
                w.WriteNumber(name, value);
            }

            w.WriteEndObject();
            if (report.Spend is { } spend)
            {
                w.WriteStartObject("gammaGamma");
                foreach (var (name, value) in spend.Parameters)
                {
                    w.WriteNumber(name, value);
                }

                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("gammaGamma");
            }

            w.WriteNumber("logLikelihood", report.Purchases.LogLikelihood);
            w.WriteNumber("customers", report.Purchases.Customers);
            w.WriteNumber("repeatCustomers", report.Purchases.RepeatCustomers);
            w.WriteNumber("fitMs", Math.Round(report.FitTime.TotalMilliseconds, 3));
            w.WriteStartArray("warnings");
            foreach (var warning in report.Warnings)
            {
                w.WriteStringValue(warning.Message);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Text(Report report, string fileName)
    {
        var fit = report.Purchases;
        var options = report.Summary.Options;
        var unit = options.Period == SummaryPeriod.Week ? "weeks" : "days";
        var s = new StringBuilder();
        s.AppendLine($"{fileName}: {report.Summary.Transactions:N0} purchases; calibration ends {options.CalibrationEnd:yyyy-MM-dd}; time in {unit} since each customer's first purchase.");
        s.AppendLine($"Customers: {fit.Customers:N0}, of whom {fit.RepeatCustomers:N0} bought again.");
        s.AppendLine();
        s.AppendLine($"{(fit.Name == "bgnbd" ? "BG/NBD" : "Pareto/NBD")} purchase model");
        AppendParameters(s, fit.Parameters, fit.StandardErrors);
        s.AppendLine($"  log-likelihood {fit.LogLikelihood:F2}; {(fit.Converged ? "converged" : "NOT converged")} after {fit.Iterations} iterations");
        if (report.Spend is { } spend)
        {
            s.AppendLine();
            s.AppendLine($"Gamma-Gamma spend model ({spend.Customers:N0} repeat buyers)");
            AppendParameters(s, spend.Parameters, spend.StandardErrors);
            s.AppendLine($"  log-likelihood {spend.LogLikelihood:F2}; mean purchase value of a new customer {spend.Fitted.PopulationMeanSpend:N2}");

            var clvOptions = new ClvOptions(PeriodsPerMonth: ClvOptions.PeriodsPerMonthOf(options.Period));
            var rows = report.Summary.Rows;
            var horizon = 12 * clvOptions.PeriodsPerMonth;
            var purchases = rows.Sum(r => fit.ConditionalExpectedPurchases(horizon, r));
            var value = rows.Sum(r => CustomerLifetimeValue.Compute(fit, spend.Fitted, r, clvOptions));
            s.AppendLine();
            s.AppendLine($"Next 12 months: {purchases:N0} purchases expected; customer lifetime value over 12 months (1 % a month discount, full margin) " +
                $"{value:N2} in all, {value / rows.Count:N2} per customer.");
        }

        s.AppendLine();
        s.AppendLine($"Fit time: {report.FitTime.TotalMilliseconds:F1} ms.");
        if (report.Warnings.Count > 0)
        {
            s.AppendLine();
            s.AppendLine("Warnings:");
            foreach (var warning in report.Warnings)
            {
                s.AppendLine($"  - {warning.Message}");
            }
        }

        return s.ToString().TrimEnd();
    }

    private static void AppendParameters(StringBuilder s, IReadOnlyDictionary<string, double> parameters, IReadOnlyDictionary<string, double> errors)
    {
        foreach (var (name, value) in parameters)
        {
            var error = errors.TryGetValue(name, out var e) ? $"  (standard error {e:G3})" : "";
            s.AppendLine($"  {name,-6} {value,12:G6}{error}");
        }
    }

    /// <summary>Reads every row; the first problem ends the reading with its line number.</summary>
    private static (List<Purchase<string>>? Purchases, string? Problem) ReadPurchases(FileInfo file, Columns columns)
    {
        if (!file.Exists)
        {
            return (null, $"{file.FullName}: no such file.");
        }

        try
        {
            using var stream = file.OpenRead();
            var reader = CsvReader.Open(stream, new CsvReadOptions { Delimiter = ',' });
            if (reader.Header is not { } header)
            {
                return (null, $"{file.Name}: {reader.HeaderProblem}");
            }

            var found = string.Join(", ", header.Names.Select(n => $"'{n}'"));
            int Find(string name) =>
                header.Names.ToList().FindIndex(n => n == name) is var exact and >= 0 ? exact
                : header.Names.ToList().FindIndex(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
            var (customer, date, amount) = (Find(columns.Customer), Find(columns.Date), Find(columns.Amount));
            foreach (var (index, name) in new[] { (customer, columns.Customer), (date, columns.Date), (amount, columns.Amount) })
            {
                if (index < 0)
                {
                    return (null, $"{file.Name}: there is no column '{name}'; the columns are {found}.");
                }
            }

            var purchases = new List<Purchase<string>>();
            foreach (var record in reader.ReadAll())
            {
                if (record.Error is { } malformed)
                {
                    return (null, $"{file.Name}, line {record.Line}: {malformed}.");
                }

                string Cell(int i) => i < record.Cells.Count ? record.Cells[i].Trim() : "";
                var key = Cell(customer);
                if (key.Length == 0)
                {
                    return (null, $"{file.Name}, line {record.Line}: the customer ('{columns.Customer}') is empty.");
                }

                if (!TryParseDate(Cell(date), out var day))
                {
                    return (null, $"{file.Name}, line {record.Line}: '{Cell(date)}' in '{columns.Date}' is not a date (yyyy-MM-dd, yyyyMMdd or an ISO 8601 date-time).");
                }

                if (!decimal.TryParse(Cell(amount), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    return (null, $"{file.Name}, line {record.Line}: '{Cell(amount)}' in '{columns.Amount}' is not a number.");
                }

                purchases.Add(new Purchase<string>(key, day, value));
            }

            return purchases.Count == 0 ? (null, $"{file.Name}: {reader.EndProblem ?? "The file has no rows."}") : (purchases, null);
        }
        catch (IOException e)
        {
            return (null, $"{file.FullName}: cannot be read ({e.Message}).");
        }
        catch (UnauthorizedAccessException e)
        {
            return (null, $"{file.FullName}: cannot be read ({e.Message}).");
        }
    }

    /// <summary>yyyy-MM-dd, yyyyMMdd, or an ISO 8601 date-time (with 'T' or a space; without an offset it is taken as UTC), dated in UTC.</summary>
    internal static bool TryParseDate(string text, out DateOnly date)
    {
        if (DateOnly.TryParseExact(text, ["yyyy-MM-dd", "yyyyMMdd"], CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            return true;
        }

        if (text.Length > 10 && text[4] == '-' && text[7] == '-' && text[10] is 'T' or ' ' &&
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
        {
            date = DateOnly.FromDateTime(instant.UtcDateTime);
            return true;
        }

        return false;
    }
}
