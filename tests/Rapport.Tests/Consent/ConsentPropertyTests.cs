using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Consent;
using Rapport.Tests.Imports;

namespace Rapport.Tests.Consent;

/// <summary>
/// For any sequence of ledger events (any channel, purpose, status and basis, dated out of order, with ties, recorded
/// one at a time or in batches, with or without skipping unchanged ones): the state table equals the state derived from
/// the ledger (the latest event per channel × purpose by occurred at, then id), and profiling follows the same rule.
/// </summary>
public sealed class ConsentPropertyTests(ImportAppFactory app) : IClassFixture<ImportAppFactory>
{
    public sealed record Step(ConsentChannel Channel, ConsentPurpose Purpose, ConsentStatus Status, LegalBasis Basis, int Minutes, bool NewBatch);

    public sealed record Sequence(Step[] Steps, bool SkipUnchanged)
    {
        public override string ToString() => $"skip {SkipUnchanged}: " + string.Join(" ", Steps.Select(s => $"{s.Channel}/{s.Purpose}/{s.Status}/{s.Basis}@{s.Minutes}{(s.NewBatch ? "|" : "")}"));
    }

    private static Arbitrary<Sequence> Sequences() =>
        (from steps in Gen.ArrayOf(
             from channel in Gen.Elements(ConsentChannel.Email, ConsentChannel.Sms, ConsentChannel.Post)
             from purpose in Gen.Elements(ConsentPurpose.Marketing, ConsentPurpose.Profiling)
             from status in Gen.Elements(Enum.GetValues<ConsentStatus>())
             from basis in Gen.Elements(LegalBasis.Consent, LegalBasis.LegitimateInterest)
             from minutes in Gen.Choose(0, 5)
             from batch in Gen.Elements(true, false)
             select new Step(channel, purpose, status, basis, minutes, batch))
         from skip in Gen.Elements(true, false)
         select new Sequence(steps, skip)).ToArbitrary();

    [Fact]
    public void The_state_table_equals_the_state_derived_from_the_ledger_for_any_sequence_of_events()
    {
        var start = app.Clock.GetUtcNow().AddDays(-1);
        Prop.ForAll(Sequences(), sequence =>
        {
            var id = app.CustomerAsync(ConsentKit.UniqueEmail("prop")).GetAwaiter().GetResult();
            var batches = new List<List<ConsentInput>>();
            foreach (var step in sequence.Steps)
            {
                if (batches.Count == 0 || step.NewBatch)
                {
                    batches.Add([]);
                }

                batches[^1].Add(new ConsentInput(step.Channel, step.Purpose, step.Status, step.Basis, "v1", start.AddMinutes(step.Minutes)));
            }

            var profiling = app.WithScopeAsync(async sp =>
            {
                var record = sp.GetRequiredService<RecordConsent>();
                var enabled = true;
                foreach (var batch in batches)
                {
                    var result = await record.RecordAsync(id, batch, new ConsentContext(ConsentSource.Api, "property test"), sequence.SkipUnchanged, CancellationToken.None);
                    enabled = result.Value!.ProfilingEnabled;
                }

                return enabled;
            }).GetAwaiter().GetResult();

            var events = app.EventsAsync(id).GetAwaiter().GetResult();
            var state = app.StateAsync(id).GetAwaiter().GetResult();
            var derived = ConsentKit.Derive(events);
            state.Should().HaveCount(derived.Count);
            foreach (var row in state)
            {
                var latest = derived[(row.Channel, row.Purpose)];
                (row.EventId, row.Status, row.LegalBasis, row.Since).Should().Be((latest.Id, latest.Status, latest.LegalBasis, latest.OccurredAt), sequence.ToString());
            }

            var latestProfiling = events.Where(e => e.Purpose == ConsentPurpose.Profiling).OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id).FirstOrDefault();
            profiling.Should().Be(latestProfiling is null || latestProfiling.Status == ConsentStatus.Granted, sequence.ToString());
            if (!sequence.SkipUnchanged)
            {
                events.Should().HaveCount(sequence.Steps.Length, "every event is kept");
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(60));
    }
}
