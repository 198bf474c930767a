using System.Text;
using Microsoft.EntityFrameworkCore;
using Rapport.Imports;

namespace Rapport.Tests.Imports;

/// <summary>Every "Bad input" case of the issue at the import level: a clear message for the whole file, or clean rejects.</summary>
public sealed class ImportBadInputTests(ImportAppFactory app) : IClassFixture<ImportAppFactory>
{
    private static string Domain() => ImportKit.Unique("bad") + ".example";

    private Task<List<string?>> FirstNamesAsync(string domain) =>
        app.WithDbAsync(db => db.Customers.Where(c => c.EmailNormalized!.EndsWith("@" + domain)).OrderBy(c => c.Email).Select(c => c.FirstName).ToListAsync());

    [Fact]
    public async Task A_byte_order_mark_is_not_part_of_the_first_header()
    {
        var d = Domain();
        var started = await ImportKit.StartAsync(app, ImportKind.Customers,
            ImportKit.WriteFile($"email,first name\na@{d},Ann\nb@{d},Bob\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true)));
        started.IsOk.Should().BeTrue("the BOM is skipped, so 'email' maps");
        await ImportKit.RunAsync(app, started.Value!.Id);

        (await ImportKit.GetAsync(app, started.Value.Id)).Created.Should().Be(2);
        (await FirstNamesAsync(d)).Should().Equal("Ann", "Bob");
    }

    [Fact]
    public async Task Mixed_line_endings_and_blank_lines_are_read_as_rows_with_their_physical_line_numbers()
    {
        var d = Domain();
        var import = await ImportKit.ImportAsync(app, ImportKind.Customers,
            $"email,first name\r\na@{d},Ann\n\nb@{d},Bob\rbroken,Cy\r\n\r\nc@{d},Di\n");

        import.ShouldAccountForEveryRow(4);
        import.Created.Should().Be(3);
        (await ImportKit.RejectsAsync(app, import.Id)).Should().ContainSingle().Which.Line.Should().Be(5);
        (await FirstNamesAsync(d)).Should().Equal("Ann", "Bob", "Di");
    }

    [Fact]
    public async Task Quoted_newlines_stay_in_the_value_and_later_line_numbers_count_them()
    {
        var email = $"q@{Domain()}";
        var import = await ImportKit.ImportAsync(app, ImportKind.Interactions, $"""
            customer email,date,type,notes
            {email},2024-02-01,note,"first line
            second line, with a comma"
            {email},2024-02-02,nonsense,after
            """ + "\n");

        import.ShouldAccountForEveryRow(2);
        import.Created.Should().Be(1);
        (await ImportKit.RejectsAsync(app, import.Id)).Should().ContainSingle().Which.Line.Should().Be(4, "the quoted value spans lines 2 and 3");
        var notes = await app.WithDbAsync(db => db.Interactions.Where(i => db.Customers.Any(c => c.Id == i.CustomerId && c.EmailNormalized == email)).Select(i => i.Notes).ToListAsync());
        notes.Should().ContainSingle().Which.Should().Be("first line\nsecond line, with a comma");
    }

    [Fact]
    public async Task Rows_with_missing_or_extra_columns_are_rejected_whole_with_the_reason()
    {
        var d = Domain();
        var import = await ImportKit.ImportAsync(app, ImportKind.Customers,
            $"email,first name,city\na@{d},Ann,Oslo\nb@{d},Bob\nc@{d},Cy,Rome,extra\nd@{d},Di,Kyiv,,\n");

        import.ShouldAccountForEveryRow(4);
        import.Created.Should().Be(2, "trailing empty cells are tolerated");
        var rejects = await ImportKit.RejectsAsync(app, import.Id);
        rejects.Select(r => (r.Line, r.Reason)).Should().Equal((3, "row has 2 cells, the header has 3"), (4, "row has 4 cells, the header has 3"));
        rejects[0].Raw.Should().Be($"b@{d},Bob");
        (await FirstNamesAsync(d)).Should().Equal("Ann", "Di");
    }

    [Fact]
    public async Task A_broken_quote_rejects_its_row_only_and_the_rows_after_it_are_imported()
    {
        var d = Domain();
        var import = await ImportKit.ImportAsync(app, ImportKind.Customers,
            $"email,first name\na@{d},\"Ann\nb@{d},Bob\nc@{d},Cy\n");

        var rejects = await ImportKit.RejectsAsync(app, import.Id);
        rejects.Should().ContainSingle().Which.Line.Should().Be(2);
        rejects[0].Reason.Should().Contain("quote");
        import.ShouldAccountForEveryRow(3);
        (await FirstNamesAsync(d)).Should().Equal("Bob", "Cy");
    }

    [Fact]
    public async Task A_windows_1252_file_is_detected_and_a_wrong_encoding_override_rejects_rows_instead_of_storing_garbage()
    {
        var windows1252 = CodePagesEncoding();
        var d = Domain();
        var path = ImportKit.WriteBytes(windows1252.GetBytes($"email,first name\nz@{d},Zoë\nf@{d},François\n"));

        var detected = await ImportKit.StartAsync(app, ImportKind.Customers, path, new ImportOptions { Source = ImportKit.Unique("s") });
        await ImportKit.RunAsync(app, detected.Value!.Id);
        (await FirstNamesAsync(d)).Should().Equal("François", "Zoë");

        var d2 = Domain();
        var forced = await ImportKit.StartAsync(app, ImportKind.Customers,
            ImportKit.WriteBytes(windows1252.GetBytes($"email,first name\nz@{d2},Zoë\nplain@{d2},Ann\n")), new ImportOptions { Encoding = "utf-8" });
        await ImportKit.RunAsync(app, forced.Value!.Id);
        var import = await ImportKit.GetAsync(app, forced.Value.Id);
        import.ShouldAccountForEveryRow(2);
        import.Rejected.Should().Be(1);
        (await ImportKit.RejectsAsync(app, import.Id)).Single().Reason.Should().Contain("UTF-8");
        (await FirstNamesAsync(d2)).Should().Equal("Ann");
    }

    [Fact]
    public async Task A_utf16_file_is_read()
    {
        var d = Domain();
        var import = await ImportKit.ImportAsync(app, ImportKind.Customers, $"email\tfirst name\nu@{d}\tŁucja\n", encodingOverride: new UnicodeEncoding(false, true));
        import.Created.Should().Be(1);
        (await FirstNamesAsync(d)).Should().Equal("Łucja");
    }

    [Theory]
    [InlineData("", "The file is empty.")]
    [InlineData("\n\n  \n", "The file holds only blank lines: its first row must name the columns.")]
    [InlineData("email,first name\n", "The file has a header (line 1) but no rows.")]
    [InlineData("email,email\na@example.com,b@example.com\n", "twice")]
    public async Task A_file_with_nothing_to_import_is_refused_with_a_clear_message_and_no_import_is_queued(string content, string message)
    {
        var before = await app.WithDbAsync(db => db.Imports.CountAsync());
        var started = await ImportKit.StartAsync(app, ImportKind.Customers, ImportKit.WriteFile(content));

        started.IsOk.Should().BeFalse();
        started.Errors["file"].Should().ContainSingle().Which.Should().Contain(message);
        (await app.WithDbAsync(db => db.Imports.CountAsync())).Should().Be(before);
    }

    [Fact]
    public async Task A_file_without_the_required_columns_is_refused_naming_what_is_missing()
    {
        var started = await ImportKit.StartAsync(app, ImportKind.Transactions, ImportKit.WriteFile("order id,customer email\n1,a@example.com\n"));

        started.IsOk.Should().BeFalse();
        string.Join(" ", started.Errors["map"]).Should().Contain("occurred_at").And.Contain("currency");
    }

    private static Encoding CodePagesEncoding()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(1252);
    }
}
