using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Customers;
using Rapport.Data;
using Rapport.Metrics;
using Rapport.Research.Evidence;
using Rapport.Research.Sessions;

namespace Rapport.Demo;

/// <summary>
/// The demo business's qualitative research: an interview with its best customer and a focus group of four other
/// good customers, with transcripts of several paragraphs that touch the values, coded excerpts; then the value
/// mentions of all the demo's free text (interaction notes and survey answers included), so the map and the profiles
/// have evidence, and the emergent themes proposed from it, so the review page has something to review.
/// Written once (matched by title), through EF, after the bulk part and the values.
/// </summary>
internal static class DemoResearch
{
    public const string InterviewTitle = "Interview: why our best customer stays";
    public const string FocusGroupTitle = "Focus group: what regulars want next";

    /// <summary>Above this many customers the demo leaves the full re-index of notes to <c>rapport research reindex</c> (it would dominate the run).</summary>
    public const int IndexAllUpTo = 20_000;

    private const string Interview =
        """
        Sam: Thanks for making time, {0}. You have been ordering from us for a while now. What keeps you coming back?
        {0}: Honestly, the quality. The Ethiopian light roast tastes the same every single bag, and that consistency is rare. I tried two other roasters last year and both were hit and miss.
        Sam: Is price part of it?
        {0}: Not really. I know you are not the cheapest, and I am fine paying more when the beans are this fresh. Price does not matter much to me as long as it is roasted to order.
        Sam: What about how we source?
        {0}: That matters a lot, actually. I like that you name the farms and say what you pay them. That kind of transparency is why I trust you. I read the sourcing page before my first order.
        Sam: And the packaging? We moved to compostable bags in spring.
        {0}: I noticed! Recyclable packaging was something I used to complain about, so thank you. Sustainability is a big part of why I stopped buying supermarket coffee.
        Sam: Anything we could do better?
        {0}: Delivery could be faster. Twice the parcel took four days, and by then I was out of beans. A subscription with a fixed day would be really convenient for me.
        Sam: Noted. And when something went wrong, how did we handle it?
        {0}: Lena on the phone was lovely, the staff were friendly and sent a replacement the same day. Great service, no fuss.
        """;

    private const string FocusGroup =
        """
        Sam: Welcome, everyone. Let us start simple: what made you choose us over other coffee shops?
        {0}: For me it is the craftsmanship. You can tell the roasting is done by hand, in small batches, with real care.
        {1}: I came for the price, to be honest. The one-kilo bags are good value for money if you drink as much as we do at the office.
        {2}: I care about health. I switched to your decaf because it is processed with sugar cane, no chemicals, and I sleep better.
        {3}: The community. The tasting evenings on Thursdays are how I met half of my neighbours. It feels like a local place, not a chain.
        Sam: What about sustainability? Does it play a role when you buy?
        {0}: Yes, fair trade and direct trade matter to me. I want the farmers paid properly.
        {1}: I don't care about packaging, really. If the coffee is good I would buy it in a paper bag or a tin.
        {2}: I am with the first answer: ethical sourcing is important to me, and organic when possible.
        {3}: It matters, but the tastings matter more to me.
        Sam: If you could change one thing, what would it be?
        {1}: Cheaper shipping. Free delivery above thirty euros would make me order online instead of driving over.
        {3}: More events, maybe a latte art class. And a loyalty card for the tasting evenings.
        {0}: Keep doing what you do. Don't grow so fast that the quality drops.
        {2}: A clearer label on the caffeine content would help, and maybe some healthier snacks at the counter.
        Sam: Thank you all, this was really useful.
        """;

    /// <summary>(quoted words, speaker index or null for everyone, codes: value key and whether the speaker cares).</summary>
    private static readonly (string Quote, int? Speaker, (string Value, bool Cares)[] Codes, string? Theme)[] InterviewExcerpts =
    [
        ("The Ethiopian light roast tastes the same every single bag, and that consistency is rare.", 0, [("quality", true)], null),
        ("Price does not matter much to me as long as it is roasted to order.", 0, [("price", false), ("quality", true)], null),
        ("That kind of transparency is why I trust you.", 0, [("transparency", true)], null),
        ("Sustainability is a big part of why I stopped buying supermarket coffee.", 0, [("sustainability", true)], null),
        ("A subscription with a fixed day would be really convenient for me.", 0, [("convenience", true)], "subscription"),
        ("Great service, no fuss.", 0, [("service", true)], null),
    ];

    private static readonly (string Quote, int? Speaker, (string Value, bool Cares)[] Codes, string? Theme)[] FocusGroupExcerpts =
    [
        ("You can tell the roasting is done by hand, in small batches, with real care.", 0, [("craftsmanship", true)], null),
        ("The one-kilo bags are good value for money if you drink as much as we do at the office.", 1, [("price", true)], null),
        ("I switched to your decaf because it is processed with sugar cane, no chemicals, and I sleep better.", 2, [("health", true)], null),
        ("It feels like a local place, not a chain.", 3, [("community", true)], "tasting evenings"),
        ("fair trade and direct trade matter to me. I want the farmers paid properly.", 0, [("ethics", true), ("sustainability", true)], null),
        ("I don't care about packaging, really.", 1, [("sustainability", false)], null),
        ("Free delivery above thirty euros would make me order online instead of driving over.", 1, [("price", true), ("convenience", true)], "free shipping"),
        ("Don't grow so fast that the quality drops.", 0, [("quality", true)], null),
    ];

    /// <summary>Writes the two sessions when missing and indexes mentions; returns the rows written (sessions, participants, excerpts, codes).</summary>
    public static async Task<long> WriteAsync(RapportDbContext db, IServiceProvider services, DateTimeOffset today, int customers, CancellationToken ct)
    {
        // Built here rather than injected: the demo also runs in hosts that register only the data features (tests, bench).
        IReadOnlyList<IResearchTextSource> sources = [.. services.GetServices<IResearchTextSource>()];
        if (sources.Count == 0)
        {
            sources = [new Interactions.InteractionTextSource(db), new SessionTranscriptSource(db), new Surveys.SurveyAnswerTexts(db)];
        }

        var mentions = new MentionIndexer(db, new Research.Themes.GetBusinessTaxonomy(new Values.ListValues(db)), sources, new DetectionCache());
        var evidence = new SessionEvidence(db, mentions);
        var rows = 0L;
        var existing = await db.Set<ResearchSession>().AsNoTracking()
            .Where(s => s.Title == InterviewTitle || s.Title == FocusGroupTitle).Select(s => s.Title).ToListAsync(ct);
        // The best customers by revenue are the voices the map should weigh most: they are the ones interviewed.
        var best = await (
                from m in db.Set<CustomerMetrics>().AsNoTracking()
                join c in db.Customers.AsNoTracking() on m.CustomerId equals c.Id
                where c.FirstName != null
                orderby m.Revenue descending, c.Id
                select new { c.Id, c.FirstName })
            .Take(5)
            .ToListAsync(ct);
        var sam = await db.Users.AsNoTracking().Where(u => u.EmailNormalized == DemoValues.Owner).Select(u => (long?)u.Id).SingleOrDefaultAsync(ct);
        var values = await db.TaxonomyValues.AsNoTracking().ToDictionaryAsync(v => v.Key, v => v.Id, StringComparer.Ordinal, ct);
        if (best.Count == 5)
        {
            if (!existing.Contains(InterviewTitle))
            {
                rows += await SessionAsync(db, evidence, values, sam, SessionKind.Interview, InterviewTitle, today.AddDays(-45).AddHours(10),
                    "Our most valuable customer on quality, sourcing and delivery.", Interview, [best[0].Id], [best[0].FirstName!], InterviewExcerpts, ct);
            }

            if (!existing.Contains(FocusGroupTitle))
            {
                rows += await SessionAsync(db, evidence, values, sam, SessionKind.FocusGroup, FocusGroupTitle, today.AddDays(-20).AddHours(18),
                    "Four regulars on why they buy and what they miss: craftsmanship, value, health, community.", FocusGroup,
                    [.. best.Skip(1).Select(b => b.Id)], [.. best.Skip(1).Select(b => b.FirstName!)], FocusGroupExcerpts, ct);
            }
        }

        if (customers <= IndexAllUpTo)
        {
            await mentions.ReindexAllAsync(ct);
            var themes = new Research.Review.RefreshThemeProposals(db, new Research.Themes.GetBusinessTaxonomy(new Values.ListValues(db)), sources,
                services.GetService<TimeProvider>() ?? TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<Research.Review.RefreshThemeProposals>.Instance);
            await themes.HandleAsync(ct);
        }

        return rows;
    }

    private static async Task<long> SessionAsync(
        RapportDbContext db, SessionEvidence evidence, Dictionary<string, long> values, long? interviewer, SessionKind kind, string title, DateTimeOffset heldAt,
        string summary, string template, IReadOnlyList<long> participants, IReadOnlyList<string> names,
        (string Quote, int? Speaker, (string Value, bool Cares)[] Codes, string? Theme)[] excerpts, CancellationToken ct)
    {
        var transcript = string.Format(System.Globalization.CultureInfo.InvariantCulture, template.ReplaceLineEndings("\n"), [.. names]).TrimEnd() + "\n";
        var session = new ResearchSession
        {
            Kind = kind, Title = title, HeldAt = heldAt, InterviewerUserId = interviewer, InterviewerName = "Sam Okafor",
            Transcript = transcript, Summary = summary, CreatedByUserId = interviewer, CreatedAt = heldAt.AddDays(1), UpdatedAt = heldAt.AddDays(1),
        };
        db.Set<ResearchSession>().Add(session);
        await db.SaveChangesAsync(ct);
        db.Set<ResearchSessionParticipant>().AddRange(participants.Select(p => new ResearchSessionParticipant { SessionId = session.Id, CustomerId = p }));
        var rows = 1L + participants.Count;
        foreach (var (quote, speaker, codes, theme) in excerpts)
        {
            var start = transcript.IndexOf(quote, StringComparison.Ordinal);
            if (start < 0)
            {
                continue;
            }

            var excerpt = new ResearchExcerpt
            {
                SessionId = session.Id, Start = start, Length = quote.Length, Text = quote,
                SpeakerCustomerId = speaker is { } s ? participants[s] : null, CreatedByUserId = interviewer, CreatedAt = heldAt.AddDays(1),
            };
            db.Set<ResearchExcerpt>().Add(excerpt);
            await db.SaveChangesAsync(ct);
            var list = codes.Where(c => values.ContainsKey(c.Value))
                .Select(c => new ResearchExcerptCode { ExcerptId = excerpt.Id, ValueId = values[c.Value], Stance = c.Cares ? ExcerptStance.Cares : ExcerptStance.Indifferent })
                .ToList();
            if (theme is not null)
            {
                list.Add(new ResearchExcerptCode { ExcerptId = excerpt.Id, Theme = theme, Stance = ExcerptStance.Cares });
            }

            db.Set<ResearchExcerptCode>().AddRange(list);
            rows += 1 + list.Count;
        }

        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        await evidence.RefreshAsync(session.Id, ct);
        return rows;
    }
}
