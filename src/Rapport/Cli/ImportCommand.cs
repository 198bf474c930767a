using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Rapport.Imports;

namespace Rapport.Cli;

/// <summary>
/// <c>rapport import &lt;kind&gt; FILE</c>: imports a file in this process against the configured database, with a
/// progress bar on stderr. The last stdout line is the JSON summary. Exit codes: 0 done (rejects included), 2 a
/// problem with the file as a whole, 1 anything else.
/// </summary>
internal static class ImportCommand
{
    public const int FileProblem = 2;

    public static Command Create()
    {
        var command = new Command("import",
            "Import a CSV (or vCard) file. Every row is created, updated, merged or rejected with its line number and reason; " +
            "the last line of stdout is the JSON summary {\"read\":N,\"created\":N,\"updated\":N,\"merged\":N,\"rejected\":N}.");
        var kind = new Argument<string>("kind") { Description = "customers, companies, transactions, interactions or products." };
        var file = new Argument<FileInfo>("file") { Description = "The file to import." };
        var map = new Option<string[]>("--map") { Description = "Map a column to a field, e.g. --map \"E-mail=email\"; repeat for several; \"Column=\" ignores a column.", AllowMultipleArgumentsPerToken = false };
        var dryRun = new Option<bool>("--dry-run") { Description = "Validate and count every row, write nothing (rejects are still reported)." };
        var rejects = new Option<FileInfo?>("--rejects") { Description = "Write rejected rows to this CSV file: the original columns plus line and reason." };
        var delimiter = new Option<string?>("--delimiter") { Description = "Column delimiter: , ; | or tab (default: detected)." };
        var encoding = new Option<string?>("--encoding") { Description = "Text encoding, e.g. utf-8, windows-1252, utf-16 (default: detected)." };
        var dateFormat = new Option<string?>("--date-format") { Description = "Date format, e.g. dd/MM/yyyy, MM/dd/yyyy or iso (default: detected)." };
        var source = new Option<string?>("--source") { Description = $"Name of the system the file comes from; scopes external ids (default '{ImportOptions.DefaultSource}')." };
        var format = new Option<string>("--format") { Description = "csv or vcard (default: vcard for .vcf files, else csv).", DefaultValueFactory = _ => "" };
        command.Arguments.Add(kind);
        command.Arguments.Add(file);
        foreach (var option in new Option[] { map, dryRun, rejects, delimiter, encoding, dateFormat, source, format })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, ct) =>
        {
            if (!Enum.TryParse<ImportKind>(parse.GetValue(kind), ignoreCase: true, out var parsedKind) || !Enum.IsDefined(parsedKind) ||
                int.TryParse(parse.GetValue(kind), out _))
            {
                return CliHost.Fail("kind must be one of customers, companies, transactions, interactions, products.");
            }

            var path = parse.GetValue(file)!;
            var formatName = parse.GetValue(format)!.Trim().ToLowerInvariant();
            ImportFormat parsedFormat;
            switch (formatName)
            {
                case "":
                    parsedFormat = path.Extension.Equals(".vcf", StringComparison.OrdinalIgnoreCase) || path.Extension.Equals(".vcard", StringComparison.OrdinalIgnoreCase)
                        ? ImportFormat.VCard : ImportFormat.Csv;
                    break;
                case "csv":
                    parsedFormat = ImportFormat.Csv;
                    break;
                case "vcard" or "vcf":
                    parsedFormat = ImportFormat.VCard;
                    break;
                default:
                    return CliHost.Fail("--format must be csv or vcard.");
            }

            if (!ImportOptions.TryParseMap(parse.GetValue(map) ?? [], out var mapping, out var mapProblem))
            {
                return CliHost.Fail($"--map: {mapProblem}");
            }

            if (!path.Exists)
            {
                Console.Error.WriteLine($"error: {path.FullName}: no such file.");
                return FileProblem;
            }

            var options = new ImportOptions
            {
                Map = mapping.Count > 0 ? mapping : null,
                Delimiter = parse.GetValue(delimiter),
                Encoding = parse.GetValue(encoding),
                DateFormat = parse.GetValue(dateFormat),
                Source = parse.GetValue(source),
                StartedBy = "command line",
            };

            await using var services = CliHost.CreateServices();
            await using var scope = await CliHost.StartAsync(services, ct);
            var sp = scope.ServiceProvider;
            StoredImportFile stored;
            try
            {
                stored = await sp.GetRequiredService<ImportFiles>().CopyAsync(path.FullName, ct);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: {path.FullName}: cannot be read ({e.Message}).");
                return FileProblem;
            }

            var started = await sp.GetRequiredService<StartImport>().HandleAsync(
                new StartImportRequest(parsedKind, parsedFormat, path.Name, stored, options, parse.GetValue(dryRun), null) { RunNow = true }, ct);
            if (!started.IsOk)
            {
                CliHost.Fail(started.Errors);
                return started.Errors.Keys.Any(ImportSources.IsFileField) ? FileProblem : 1;
            }

            var import = started.Value!;
            var bar = new ImportProgressBar(Console.Error, Console.IsErrorRedirected ? ImportProgressBar.Mode.Lines : ImportProgressBar.Mode.Bar, import.FileSize);
            var processor = sp.GetRequiredService<ImportProcessor>();
            var status = await processor.RunAsync(import.Id, bar, ct);
            bar.Finish();
            var result = (await sp.GetRequiredService<GetImport>().HandleAsync(import.Id, CancellationToken.None)).Value!;
            if (status == ImportStatus.Running)
            {
                await processor.RequeueAsync(import.Id, CancellationToken.None);
                Console.Error.WriteLine($"Import {import.Id} was interrupted after {result.Read:N0} rows; the rows so far are kept and 'rapport serve' resumes it from there.");
            }
            else if (status == ImportStatus.Failed)
            {
                Console.Error.WriteLine($"error: {result.Error}");
            }
            else if (status == ImportStatus.Cancelled)
            {
                Console.Error.WriteLine($"Import {import.Id} was cancelled; the batches committed before are kept.");
            }

            if (parse.GetValue(rejects) is { } rejectsFile && status is ImportStatus.Completed or ImportStatus.Cancelled or ImportStatus.Failed)
            {
                await using var output = new FileStream(rejectsFile.FullName, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
                await sp.GetRequiredService<ImportRejectsFile>().WriteAsync(import.Id, output, CancellationToken.None);
                Console.Error.WriteLine($"{result.Rejected:N0} rejected rows written to {rejectsFile.FullName}.");
            }

            Console.Error.WriteLine(Describe(result));
            Console.WriteLine(Summary(result));
            return status switch
            {
                ImportStatus.Completed => 0,
                ImportStatus.Failed when result.Error is { } error && !error.Contains("on our side", StringComparison.Ordinal) => FileProblem,
                _ => 1,
            };
        });
        return command;
    }

    public static string Summary(ImportDetail d) => string.Create(CultureInfo.InvariantCulture,
        $$"""{"read":{{d.Read}},"created":{{d.Created}},"updated":{{d.Updated}},"merged":{{d.Merged}},"rejected":{{d.Rejected}}}""");

    private static string Describe(ImportDetail d) =>
        $"Import {d.Id} of {d.FileName}{(d.DryRun ? " (dry run: nothing was written)" : "")}: {d.Status.ToString().ToLowerInvariant()}, " +
        $"{d.Read:N0} rows read: {d.Created:N0} created, {d.Updated:N0} updated, {d.Merged:N0} merged, {d.Rejected:N0} rejected" +
        (d.RowsPerSecond is { } rate ? $" ({rate:N0} rows/s)." : ".");

    /// <summary>
    /// Progress on stderr: a bar redrawn in place on a terminal (percent, rows, rows/s, time left), or a plain line
    /// at most every two seconds when stderr is redirected (logs, CI).
    /// </summary>
    private sealed class ImportProgressBar(TextWriter output, ImportProgressBar.Mode mode, long fileSize) : IProgress<ImportProgress>
    {
        public enum Mode
        {
            Bar,
            Lines,
        }

        private const int Width = 30;
        private readonly Stopwatch _sinceDraw = Stopwatch.StartNew();
        private readonly Lock _lock = new();
        private bool _drawn;
        private bool _any;

        public void Report(ImportProgress value)
        {
            lock (_lock)
            {
                var interval = mode == Mode.Bar ? 100 : 2000;
                if (_any && _sinceDraw.ElapsedMilliseconds < interval && value.Offset < fileSize)
                {
                    return;
                }

                _any = true;
                _sinceDraw.Restart();
                var share = fileSize > 0 ? Math.Clamp((double)value.Offset / fileSize, 0, 1) : 1;
                var seconds = value.Elapsed.TotalSeconds;
                var rate = seconds > 0 ? value.Read / seconds : 0;
                var left = share > 0 && share < 1 ? TimeSpan.FromSeconds(seconds / share * (1 - share)) : TimeSpan.Zero;
                var text = string.Create(CultureInfo.InvariantCulture,
                    $"{share,4:P0} {value.Read,12:N0} rows {rate,10:N0} rows/s {Format(left)} left, {value.Rejected:N0} rejected");
                if (mode == Mode.Bar)
                {
                    var filled = (int)Math.Round(share * Width);
                    output.Write($"\r[{new string('#', filled)}{new string('.', Width - filled)}] {text,-90}");
                    _drawn = true;
                }
                else
                {
                    output.WriteLine($"import: {text.Trim()}");
                }
            }
        }

        public void Finish()
        {
            lock (_lock)
            {
                if (_drawn)
                {
                    output.Write($"\r{new string(' ', 125)}\r");
                    _drawn = false;
                }
            }
        }

        private static string Format(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}" : $"{t.Minutes}:{t.Seconds:00}";
    }
}
