using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Consent;

namespace Rapport.Cli;

/// <summary><c>rapport consent check</c>: who may be contacted on a channel for a purpose, and why the others may not. docs/privacy.md.</summary>
internal static class ConsentCommand
{
    public static Command Create()
    {
        var consent = new Command("consent", "Consent: the check campaigns use before contacting anyone.");
        var channel = new Option<string>("--channel") { Description = "email, sms, phone, post or social.", Required = true };
        var purpose = new Option<string>("--purpose") { Description = "marketing, profiling, research or partners.", Required = true };
        var segment = new Option<long?>("--segment") { Description = "Only the members of this segment (default: every customer)." };
        var ids = new Option<FileInfo?>("--ids-out") { Description = "Write the contactable customers' ids to this file, one per line." };
        var check = new Command("check",
            "Count the audience's contactable customers and the reasons of the others (no address, suppressed, withdrawn, denied, no consent). " +
            "The last line of stdout is a JSON summary.")
        {
            channel, purpose, segment, ids,
        };
        check.SetAction(async (parse, ct) =>
        {
            await using var services = CliHost.CreateServices();
            await using var scope = await CliHost.StartAsync(services, ct);
            var checker = scope.ServiceProvider.GetRequiredService<ConsentCheck>();
            var request = new ConsentCheckRequest(parse.GetValue(channel), parse.GetValue(purpose), parse.GetValue(segment));
            var file = parse.GetValue(ids);
            await using var writer = file is null ? null : new StreamWriter(file.FullName);
            var found = new List<long>();
            var validated = writer is null
                ? await checker.HandleAsync(request, ct)
                : ConsentWords.TryParse<ConsentChannel>(request.Channel, out var c) && ConsentWords.TryParse<ConsentPurpose>(request.Purpose, out var p)
                    ? Common.Result<ConsentCheckResult>.Ok(await checker.RunAsync(c, p, request.SegmentId, null, found.Add, ct))
                    : Common.Result<ConsentCheckResult>.Invalid("channel", "Give a valid --channel and --purpose.");
            if (!validated.IsOk)
            {
                foreach (var (field, messages) in validated.Errors)
                {
                    await Console.Error.WriteLineAsync($"{field}: {string.Join(" ", messages)}");
                }

                return 2;
            }

            var result = validated.Value!;
            if (writer is not null)
            {
                found.Sort();
                foreach (var id in found)
                {
                    await writer.WriteLineAsync(id.ToString(CultureInfo.InvariantCulture));
                }
            }
            var r = result.NotContactable;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{result.Contactable:N0} of {result.Audienced:N0} ({result.Audience}) may be contacted by {ConsentWords.Snake(result.Channel)} for {ConsentWords.Snake(result.Purpose)}; " +
                $"not: {r.NoAddress:N0} no address, {r.Suppressed:N0} suppressed, {r.Withdrawn:N0} withdrawn, {r.Denied:N0} denied, {r.NoConsent:N0} no consent ({result.ElapsedMs} ms)."));
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                channel = ConsentWords.Snake(result.Channel),
                purpose = ConsentWords.Snake(result.Purpose),
                audience = result.Audience,
                total = result.Audienced,
                contactable = result.Contactable,
                noAddress = r.NoAddress,
                suppressed = r.Suppressed,
                withdrawn = r.Withdrawn,
                denied = r.Denied,
                noConsent = r.NoConsent,
                elapsedMs = result.ElapsedMs,
            }));
            return 0;
        });
        consent.Subcommands.Add(check);
        return consent;
    }
}
