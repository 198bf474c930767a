using Microsoft.EntityFrameworkCore;
using Rapport.Consent;
using Rapport.Imports;
using Rapport.Tests.Imports;

namespace Rapport.Tests.Consent;

/// <summary>The consent columns of a customer import: events with source import and the import's id, rejects with line and reason, idempotent re-imports.</summary>
public sealed class ImportConsentTests(ImportAppFactory app) : IClassFixture<ImportAppFactory>
{
    [Fact]
    public async Task Consent_columns_append_ledger_events_bad_values_reject_the_row_and_a_second_import_adds_nothing()
    {
        var domain = ImportKit.Unique("imp") + ".example";
        var csv = $"""
            email,first name,consent_email_marketing,consent_sms_marketing,consent_post_research,consent_notice_version,consent_source_ref
            ana@{domain},Ana,yes,no,,2026-10,shop checkout
            ben@{domain},Ben,maybe,,,2026-10,
            cy@{domain},Cy,withdrawn,granted,denied,2026-10,
            dee@{domain},Dee,granted,,,,
            """;
        var import = await ImportKit.ImportAsync(app, ImportKind.Customers, csv);
        import.ShouldAccountForEveryRow(4);
        import.Rejected.Should().Be(2);
        var rejects = await ImportKit.RejectsAsync(app, import.Id);
        rejects.Select(r => r.Line).Should().Equal(3, 5);
        rejects[0].Reason.Should().Contain("consent_email_marketing").And.Contain("maybe");
        rejects[1].Reason.Should().Contain("notice version");

        var ana = await IdOf($"ana@{domain}");
        var events = await app.EventsAsync(ana);
        events.Select(e => (e.Channel, e.Purpose, e.Status)).Should().BeEquivalentTo(new[]
        {
            (ConsentChannel.Email, ConsentPurpose.Marketing, ConsentStatus.Granted),
            (ConsentChannel.Sms, ConsentPurpose.Marketing, ConsentStatus.Denied),
        });
        events.Should().OnlyContain(e => e.Source == ConsentSource.Import && e.SourceReference == $"import {import.Id}: shop checkout" && e.NoticeVersion == "2026-10");
        var cy = await IdOf($"cy@{domain}");
        (await app.EventsAsync(cy)).Should().HaveCount(3);

        // The same file again: the customers are updated, the ledger is not.
        var second = await ImportKit.ImportAsync(app, ImportKind.Customers, csv);
        second.Rejected.Should().Be(2);
        (await app.EventsAsync(ana)).Should().HaveCount(2);
        (await app.EventsAsync(cy)).Should().HaveCount(3);

        // A later "no" for a grant is a withdrawal.
        var third = await ImportKit.ImportAsync(app, ImportKind.Customers, $"email,consent_email_marketing\nana@{domain},no\n");
        third.Rejected.Should().Be(0);
        var latest = (await app.EventsAsync(ana)).Last();
        (latest.Channel, latest.Status, latest.SourceReference).Should().Be((ConsentChannel.Email, ConsentStatus.Withdrawn, $"import {third.Id}"));
        (await app.StateAsync(ana)).Single(s => s.Channel == ConsentChannel.Email).Status.Should().Be(ConsentStatus.Withdrawn);
    }

    [Fact]
    public async Task A_dry_run_keeps_no_consent_event()
    {
        var domain = ImportKit.Unique("dry") + ".example";
        var import = await ImportKit.ImportAsync(app, ImportKind.Customers, $"email,consent_email_marketing,consent_basis\neve@{domain},yes,legitimate_interest\n", dryRun: true);
        import.Rejected.Should().Be(0);
        (await app.WithDbAsync(db => db.Set<ConsentEvent>().AsNoTracking().CountAsync(e => e.SourceReference == $"import {import.Id}"))).Should().Be(0);
    }

    private Task<long> IdOf(string email) =>
        app.WithDbAsync(db => db.Customers.AsNoTracking().Where(c => c.EmailNormalized == email).Select(c => c.Id).SingleAsync());
}
