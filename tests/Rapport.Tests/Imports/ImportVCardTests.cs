using Microsoft.EntityFrameworkCore;
using Rapport.Imports;

namespace Rapport.Tests.Imports;

public sealed class ImportVCardTests(ImportAppFactory app) : IClassFixture<ImportAppFactory>
{
    [Fact]
    public async Task A_vcf_file_imports_its_cards_as_customers_and_rejects_a_broken_card_by_line()
    {
        var domain = ImportKit.Unique("vcf") + ".example";
        var path = ImportKit.WriteFile(
            "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ada Lovelace\r\nN:Lovelace;Ada;;;\r\nEMAIL:ada@" + domain + "\r\nEND:VCARD\r\n" +
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Broken Card\r\nN:Card;Broken;;;\r\nEMAIL:broken@" + domain + "\r\n" +
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Grace Hopper\r\nN:Hopper;Grace;;;\r\nEMAIL;TYPE=work:grace@" + domain + "\r\nEND:VCARD\r\n");

        var started = await ImportKit.StartAsync(app, ImportKind.Customers, path, format: ImportFormat.VCard);
        started.IsOk.Should().BeTrue(string.Join("; ", started.Errors.SelectMany(e => e.Value)));
        (await ImportKit.RunAsync(app, started.Value!.Id)).Should().Be(ImportStatus.Completed);

        var import = await ImportKit.GetAsync(app, started.Value.Id);
        import.ShouldAccountForEveryRow(3);
        import.Created.Should().Be(2);
        (await ImportKit.RejectsAsync(app, import.Id)).Should().ContainSingle().Which.Line.Should().Be(7);
        var names = await app.WithDbAsync(db => db.Customers.Where(c => c.EmailNormalized!.EndsWith("@" + domain)).OrderBy(c => c.FirstName).Select(c => c.FirstName).ToListAsync());
        names.Should().Equal("Ada", "Grace");
        (await ImportKit.RejectsCsvAsync(app, import.Id)).Should().StartWith("vcard,line,reason\r\n");
    }

    [Fact]
    public async Task A_vcard_file_for_another_kind_or_empty_is_refused_and_stray_text_is_rejected()
    {
        (await ImportKit.StartAsync(app, ImportKind.Products, ImportKit.WriteFile("BEGIN:VCARD\r\nEND:VCARD\r\n"), format: ImportFormat.VCard))
            .Errors.Should().ContainKey("format");
        (await ImportKit.StartAsync(app, ImportKind.Customers, ImportKit.WriteFile(""), format: ImportFormat.VCard))
            .Errors["file"].Single().Should().Be("The file is empty.");

        // Text that is not a card is one rejected row with its line, not a crash.
        var text = await ImportKit.StartAsync(app, ImportKind.Customers, ImportKit.WriteFile("just some text\n"), format: ImportFormat.VCard);
        await ImportKit.RunAsync(app, text.Value!.Id);
        var import = await ImportKit.GetAsync(app, text.Value.Id);
        import.ShouldAccountForEveryRow(1);
        import.Rejected.Should().Be(1);
    }
}
