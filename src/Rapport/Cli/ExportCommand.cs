using System.CommandLine;
using System.Diagnostics;
using Rapport.Exports;

namespace Rapport.Cli;

/// <summary>
/// <c>rapport export &lt;customers|transactions|interactions&gt;</c>: streams the filtered list to a file (written
/// under a temporary name and renamed when complete, so a failed export never leaves a partial file) or to stdout.
/// The summary goes to stderr.
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var command = new Command("export",
            "Export customers, transactions or interactions as CSV (columns named for re-import), JSON, NDJSON or vCard, " +
            "filtered like the lists. Streams in constant memory; writes to stdout unless --out is given.");
        var kind = new Argument<string>("kind") { Description = "customers, transactions or interactions." };
        var format = new Option<string>("--format") { Description = "csv (default), json, ndjson or vcf (customers only).", DefaultValueFactory = _ => "csv" };
        var output = new Option<FileInfo?>("--out") { Description = "The file to write (default: stdout)." };
        var q = new Option<string?>("--q") { Description = "Customers: words matched in name and email, as in the customer list." };
        var tag = new Option<string?>("--tag") { Description = "Customers: only those with this tag." };
        var companyId = new Option<long?>("--company-id") { Description = "Customers: only those of this company." };
        var ownerId = new Option<long?>("--owner-id") { Description = "Customers: only those owned by this user." };
        var sort = new Option<string?>("--sort") { Description = "Customers: name (default), -name, createdAt, -createdAt, revenue, -revenue, lastPurchase, -lastPurchase." };
        var customerId = new Option<long?>("--customer-id") { Description = "Transactions and interactions: only this customer's." };
        var from = new Option<string?>("--from") { Description = "Transactions and interactions: from this date (2024-01-01) or instant (inclusive)." };
        var to = new Option<string?>("--to") { Description = "Transactions and interactions: up to this date (the whole day included) or instant (exclusive)." };
        var channel = new Option<string?>("--channel") { Description = "Interactions: email, phone, sms, web, inPerson, social, chat, post, other." };
        var type = new Option<string?>("--type") { Description = "Interactions: note, call, meeting, email, message, visit, enquiry, support, complaint, feedback, other." };
        var lines = new Option<bool>("--lines") { Description = "Transactions: one row per order line instead of one per order." };
        var version = new Option<string?>("--vcard-version") { Description = "vcf: 4.0 (default) or 3.0." };
        command.Arguments.Add(kind);
        foreach (var option in new Option[] { format, output, q, tag, companyId, ownerId, sort, customerId, from, to, channel, type, lines, version })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, ct) =>
        {
            if (!ExportData.TryParseKind(parse.GetValue(kind), out var exportKind))
            {
                return CliHost.Fail("kind must be one of customers, transactions, interactions.");
            }

            var request = new ExportRequest
            {
                Kind = exportKind,
                Format = parse.GetValue(format),
                Q = parse.GetValue(q),
                Tag = parse.GetValue(tag),
                CompanyId = parse.GetValue(companyId),
                OwnerId = parse.GetValue(ownerId),
                Sort = parse.GetValue(sort),
                CustomerId = parse.GetValue(customerId),
                From = parse.GetValue(from),
                To = parse.GetValue(to),
                Channel = parse.GetValue(channel),
                Type = parse.GetValue(type),
                Lines = parse.GetValue(lines) ? true : null,
                Version = parse.GetValue(version),
            };

            await using var services = CliHost.CreateServices();
            await using var scope = await CliHost.StartAsync(services, ct);
            var prepared = await scope.ServiceProvider.GetRequiredService<ExportData>().HandleAsync(request, ct);
            if (!prepared.IsOk)
            {
                return CliHost.Fail(Options(prepared.Errors));
            }

            var file = prepared.Value!;
            var watch = Stopwatch.StartNew();
            long rows;
            var target = parse.GetValue(output);
            if (target is null)
            {
                await using var stdout = Console.OpenStandardOutput();
                rows = await file.WriteToAsync(stdout, ct);
            }
            else
            {
                var partial = target.FullName + ".partial";
                try
                {
                    await using (var stream = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
                    {
                        rows = await file.WriteToAsync(stream, ct);
                    }

                    File.Move(partial, target.FullName, overwrite: true);
                }
                finally
                {
                    File.Delete(partial);
                }
            }

            var seconds = watch.Elapsed.TotalSeconds;
            Console.Error.WriteLine($"Exported {rows:N0} {Unit(exportKind, request.Lines == true, request.Format)} in {seconds:N1} s ({rows / Math.Max(seconds, 0.001):N0}/s)" +
                (target is null ? "." : $" to {target.FullName}."));
            return 0;
        });
        return command;
    }

    /// <summary>Field errors named as the command's options (customerId → --customer-id).</summary>
    private static Dictionary<string, string[]> Options(IReadOnlyDictionary<string, string[]> errors) => errors.ToDictionary(
        e => "--" + e.Key switch
        {
            "companyId" => "company-id",
            "ownerId" => "owner-id",
            "customerId" => "customer-id",
            "version" => "vcard-version",
            var other => other,
        },
        e => e.Value);

    private static string Unit(ExportKind kind, bool lines, string? format) => kind switch
    {
        ExportKind.Customers => string.Equals(format, "vcf", StringComparison.OrdinalIgnoreCase) ? "cards" : "customers",
        ExportKind.Transactions => lines ? "order lines" : "orders",
        _ => "interactions",
    };
}
