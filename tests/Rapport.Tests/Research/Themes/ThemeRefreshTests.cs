using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Rapport.Data;
using Rapport.Research.Evidence;
using Rapport.Research.Review;
using Rapport.Research.Themes;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Research.Themes;

/// <summary>The refresh reads every source but proposes from the newest texts when there are more than it keeps.</summary>
public sealed class ThemeRefreshTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private sealed class Texts(string type, IReadOnlyList<(string Text, DateTimeOffset At)> texts) : IResearchTextSource
    {
        public string SourceType => type;

        public async IAsyncEnumerable<ResearchText> ReadAllAsync([EnumeratorCancellation] CancellationToken ct)
        {
            await Task.Yield();
            for (var i = 0; i < texts.Count; i++)
            {
                yield return new ResearchText(type, i + 1, null, texts[i].At, texts[i].Text);
            }
        }
    }

    [Fact]
    public async Task When_there_are_more_texts_than_it_keeps_the_newest_are_read_whatever_their_source()
    {
        var old = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        // The oldest texts, first in the first source: the loyalty scheme, three times.
        var first = new List<(string, DateTimeOffset)>
        {
            ("The loyalty scheme is confusing.", old),
            ("I never understand the loyalty scheme points.", old.AddDays(1)),
            ("Please simplify the loyalty scheme!", old.AddDays(2)),
        };
        // Then enough filler to fill the refresh, a year later.
        first.AddRange(Enumerable.Range(0, RefreshThemeProposals.MaxTexts).Select(i => ($"ok {i}", old.AddYears(1))));
        // The newest texts come last, from another source: oat milk, five times.
        var second = new List<(string, DateTimeOffset)>
        {
            ("Do you have oat milk?", old.AddYears(3)),
            ("Oat milk for the flat white please.", old.AddYears(3)),
            ("Please add oat milk to the menu.", old.AddYears(3)),
            ("No oat milk again today.", old.AddYears(3)),
            ("Oat milk would make me come more often.", old.AddYears(3)),
        };

        var (summary, phrases) = await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<RapportDbContext>();
            var refresh = new RefreshThemeProposals(db, sp.GetRequiredService<GetBusinessTaxonomy>(),
                [new Texts("test_old", first), new Texts("test_new", second)], TimeProvider.System, NullLogger<RefreshThemeProposals>.Instance);
            var result = await refresh.HandleAsync(CancellationToken.None);
            var stored = await db.Set<ThemeProposal>().Where(p => p.Status == ProposalStatus.Proposed).Select(p => p.Phrase).ToListAsync();
            return (result, stored);
        });

        summary.TextsRead.Should().Be(RefreshThemeProposals.MaxTexts);
        phrases.Should().Contain("oat milk", "the newest texts are read even from the last source");
        phrases.Should().NotContain("loyalty scheme", "the oldest texts are the ones left out");
    }
}
