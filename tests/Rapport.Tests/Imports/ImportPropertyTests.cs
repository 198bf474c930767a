using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Rapport.Imports;

namespace Rapport.Tests.Imports;

/// <summary>For any generated CSV file: read = created + updated + merged + rejected, whatever the rows and the batch size.</summary>
public sealed class ImportPropertyTests(ImportAppFactory app) : IClassFixture<ImportAppFactory>
{
    /// <summary>What a generated row is; the bad kinds are rejected, blank lines are not rows.</summary>
    public enum RowKind
    {
        New,
        Repeat,
        RepeatOtherCase,
        BadEmail,
        BadDate,
        MissingColumn,
        ExtraColumn,
        Blank,
        QuotedNote,
        BrokenQuoteAtEnd,
    }

    public sealed record GeneratedFile(RowKind[] Rows, string NewLine, int BatchSize)
    {
        public override string ToString() => $"{NewLine.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)} batch {BatchSize}: {string.Join(' ', Rows)}";
    }

    private static Arbitrary<GeneratedFile> Files() =>
        (from rows in Gen.ArrayOf(Gen.Frequency(
             (6, Gen.Constant(RowKind.New)),
             (2, Gen.Constant(RowKind.Repeat)),
             (1, Gen.Constant(RowKind.RepeatOtherCase)),
             (1, Gen.Constant(RowKind.BadEmail)),
             (1, Gen.Constant(RowKind.BadDate)),
             (1, Gen.Constant(RowKind.MissingColumn)),
             (1, Gen.Constant(RowKind.ExtraColumn)),
             (1, Gen.Constant(RowKind.Blank)),
             (1, Gen.Constant(RowKind.QuotedNote))))
         from broken in Gen.Frequency((5, Gen.Constant(false)), (1, Gen.Constant(true)))
         from newLine in Gen.Elements("\n", "\r\n", "\r")
         from batch in Gen.Choose(1, 6)
         select new GeneratedFile(broken ? [.. rows, RowKind.BrokenQuoteAtEnd] : rows, newLine, batch)).ToArbitrary();

    [Fact]
    public void Every_row_read_is_created_updated_merged_or_rejected()
    {
        Prop.ForAll(Files(), file =>
        {
            var domain = ImportKit.Unique("prop") + ".example";
            var csv = new StringBuilder("email,first name,birthday,remarks").Append(file.NewLine);
            var emails = new List<string>();
            long records = 0, bad = 0;
            foreach (var kind in file.Rows)
            {
                var fresh = $"p{emails.Count}@{domain}";
                var earlier = emails.Count > 0 ? emails[^1] : fresh;
                var line = kind switch
                {
                    RowKind.New => $"{fresh},Ann,1990-05-17,",
                    RowKind.Repeat => $"{earlier},Ann again,,",
                    RowKind.RepeatOtherCase => $"{earlier.ToUpperInvariant()},ANN,,",
                    RowKind.BadEmail => "not-an-email,Bob,,",
                    RowKind.BadDate => $"{fresh},Cy,1990-13-45,",
                    RowKind.MissingColumn => $"{fresh},Di",
                    RowKind.ExtraColumn => $"{fresh},Ed,,x,y",
                    RowKind.Blank => "",
                    RowKind.QuotedNote => $"{fresh},Flo,,\"a, b{file.NewLine}c \"\"quoted\"\"\"",
                    RowKind.BrokenQuoteAtEnd => $"{fresh},\"Gus,,",
                    _ => throw new InvalidOperationException(),
                };
                if (kind is RowKind.New or RowKind.QuotedNote)
                {
                    emails.Add(fresh);
                }

                if (kind != RowKind.Blank)
                {
                    records++;
                }

                if (kind is RowKind.BadEmail or RowKind.BadDate or RowKind.MissingColumn or RowKind.ExtraColumn or RowKind.BrokenQuoteAtEnd)
                {
                    bad++;
                }

                csv.Append(line).Append(file.NewLine);
            }

            var started = ImportKit.StartAsync(app, ImportKind.Customers, ImportKit.WriteFile(csv.ToString())).GetAwaiter().GetResult();
            if (records == 0)
            {
                // A header and no rows is refused as a whole, with its message.
                return !started.IsOk && started.Errors.ContainsKey("file");
            }

            ImportKit.RunAsync(app, started.Value!.Id, file.BatchSize).GetAwaiter().GetResult();
            var import = ImportKit.GetAsync(app, started.Value.Id).GetAwaiter().GetResult();
            var rejects = ImportKit.RejectsAsync(app, import.Id).GetAwaiter().GetResult();
            return import.Status == ImportStatus.Completed
                && import.Read == records
                && import.Created + import.Updated + import.Merged + import.Rejected == import.Read
                && import.Rejected == bad
                && rejects.Count == bad
                && rejects.Select(r => r.Line).Distinct().Count() == rejects.Count;
        }).QuickCheckThrowOnFailure();
    }
}
