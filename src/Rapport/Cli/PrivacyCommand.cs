using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Rapport.Api;
using Rapport.Privacy;

namespace Rapport.Cli;

/// <summary>
/// <c>rapport privacy export|erase|retention</c>: a customer's export (JSON or zip of CSVs, by the file's extension), their
/// erasure (refused without --yes, saying what it would erase), and retention rules (dry run or apply). docs/privacy-requests.md.
/// </summary>
internal static class PrivacyCommand
{
    public static Command Create()
    {
        var privacy = new Command("privacy", "Data-subject requests: export and erase a customer's data; retention rules.");
        privacy.Subcommands.Add(Export());
        privacy.Subcommands.Add(Erase());
        privacy.Subcommands.Add(Retention());
        return privacy;
    }

    private static Command Export()
    {
        var command = new Command("export", "Everything about one customer, as JSON (--out x.json) or a zip of CSVs (--out x.zip).");
        var customer = new Option<long>("--customer") { Description = "The customer id.", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "The file to write: .json or .zip.", Required = true };
        command.Options.Add(customer);
        command.Options.Add(output);
        command.SetAction(async (parse, ct) =>
        {
            var target = parse.GetValue(output)!;
            var extension = target.Extension.ToLowerInvariant();
            if (extension is not (".json" or ".zip"))
            {
                return CliHost.Fail("--out must end in .json or .zip (the format follows the extension).");
            }

            await using var services = CliHost.CreateServices();
            await using var scope = await CliHost.StartAsync(services, ct);
            var result = await scope.ServiceProvider.GetRequiredService<CustomerExport>().HandleAsync(parse.GetValue(customer), ct);
            if (!result.IsOk)
            {
                return CliHost.Fail(result.Message ?? "The export failed.");
            }

            var temporary = target.FullName + ".partial";
            await using (var file = File.Create(temporary))
            {
                if (extension == ".json")
                {
                    await CustomerExport.WriteJsonAsync(result.Value!, file, ct);
                }
                else
                {
                    await CustomerExport.WriteZipAsync(result.Value!, file, ct);
                }
            }

            File.Move(temporary, target.FullName, overwrite: true);
            var rows = result.Value!.Sections.Sum(s => s.Rows.Count);
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Exported customer {result.Value.CustomerId}: {result.Value.Sections.Count} sections, {rows:N0} rows to {target.FullName}."));
            return 0;
        });
        return command;
    }

    private static Command Erase()
    {
        var command = new Command("erase",
            "Erase a customer: personal data and free text removed everywhere, transactions kept de-identified, a done erasure request logged. " +
            "Without --yes, says what it would erase and changes nothing.");
        var customer = new Option<long>("--customer") { Description = "The customer id.", Required = true };
        var yes = new Option<bool>("--yes") { Description = "Really erase (irreversible)." };
        var request = new Option<long?>("--request") { Description = "The privacy request this answers (marked done)." };
        command.Options.Add(customer);
        command.Options.Add(yes);
        command.Options.Add(request);
        command.SetAction(async (parse, ct) =>
        {
            var id = parse.GetValue(customer);
            await using var services = CliHost.CreateServices();
            await using var scope = await CliHost.StartAsync(services, ct);
            var erase = scope.ServiceProvider.GetRequiredService<EraseCustomer>();
            if (!parse.GetValue(yes))
            {
                var preview = await erase.PreviewAsync(id, ct);
                if (!preview.IsOk)
                {
                    return CliHost.Fail(preview.Message ?? "The customer cannot be erased.");
                }

                if (preview.Value!.AlreadyErased)
                {
                    return CliHost.Fail($"Customer {id} was already erased.");
                }

                await Console.Error.WriteLineAsync($"Not erased: add --yes to erase customer {id}. It would do this (irreversibly):");
                foreach (var line in preview.Value.Lines)
                {
                    await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {line.What}: {line.Count:N0}, {line.Action}"));
                }

                return 2;
            }

            var result = await erase.HandleAsync(id, new EraseCustomer.Options(parse.GetValue(request), null, "Erased from the command line"), ct);
            if (!result.IsOk)
            {
                return CliHost.Fail(result.Message ?? "The erasure failed.");
            }

            var r = result.Value!;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Erased customer {r.CustomerId} (request {r.RequestId}): {r.RowsDeleted:N0} rows deleted, {r.RowsScrubbed:N0} scrubbed, {r.TransactionsKept:N0} transactions kept, in {r.Elapsed.TotalMilliseconds:F0} ms (+{r.DiskCleanup.TotalMilliseconds:F0} ms disk clean-up)."));
            return 0;
        });
        return command;
    }

    private static Command Retention()
    {
        var command = new Command("retention", "Retention rules: --dry-run reports who each rule would affect; --apply applies the enabled rules now.");
        var dryRun = new Option<bool>("--dry-run") { Description = "Report, per rule, who would be affected and why (records a dry run)." };
        var apply = new Option<bool>("--apply") { Description = "Apply every enabled rule now." };
        var rule = new Option<long?>("--rule") { Description = "Only this rule (with --apply: applied even if disabled, once dry-run)." };
        var csv = new Option<FileInfo?>("--csv") { Description = "With --dry-run and --rule: write everyone affected to this CSV file." };
        command.Options.Add(dryRun);
        command.Options.Add(apply);
        command.Options.Add(rule);
        command.Options.Add(csv);
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(dryRun) == parse.GetValue(apply))
            {
                return CliHost.Fail("Give exactly one of --dry-run or --apply.");
            }

            await using var services = CliHost.CreateServices();
            await using var scope = await CliHost.StartAsync(services, ct);
            var rules = scope.ServiceProvider.GetRequiredService<RetentionRules>();
            var all = await rules.ListAsync(ct);
            var only = parse.GetValue(rule);
            var selected = all.Where(r => only is null ? (parse.GetValue(dryRun) || r.Enabled) : r.Id == only).ToList();
            if (only is not null && selected.Count == 0)
            {
                return CliHost.Fail($"There is no retention rule {only}.");
            }

            var summary = new List<object>();
            foreach (var r in selected)
            {
                if (parse.GetValue(dryRun))
                {
                    var report = (await rules.DryRunAsync(r.Id, null, ct)).Value!;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Rule {r.Id} ({r.Name}): {report.Count:N0} would be affected. {r.Description}"));
                    foreach (var c in report.FirstPage.Take(20))
                    {
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {c.CustomerId}: {c.Reason}"));
                    }

                    if (parse.GetValue(csv) is { } file && only is not null)
                    {
                        await File.WriteAllBytesAsync(file.FullName, PrivacyEndpoints.RetentionCsv((await rules.CandidatesAsync(r.Id, ct)).Value!), ct);
                    }

                    summary.Add(new { rule = r.Id, dryRun = true, matched = report.Count });
                }
                else
                {
                    var run = await rules.ApplyAsync(r.Id, null, ct);
                    if (!run.IsOk)
                    {
                        return CliHost.Fail($"Rule {r.Id}: {run.Message}");
                    }

                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"Rule {r.Id} ({r.Name}): {run.Value!.Matched:N0} matched, {run.Value.Deleted:N0} deleted, {run.Value.Erased:N0} erased."));
                    summary.Add(new { rule = r.Id, dryRun = false, matched = run.Value.Matched, deleted = run.Value.Deleted, erased = run.Value.Erased });
                }
            }

            Console.WriteLine(JsonSerializer.Serialize(summary));
            return 0;
        });
        return command;
    }
}
