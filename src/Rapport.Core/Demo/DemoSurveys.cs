using Microsoft.EntityFrameworkCore;
using Rapport.Customers.Changes;
using Rapport.Data;
using Rapport.Metrics;
using Rapport.Research.Evidence;
using Rapport.Surveys;
using Rapport.Values;

namespace Rapport.Demo;

/// <summary>
/// The demo business's surveys (docs/surveys.md, "Demo data"): "What matters to you", closed about 30 days ago, with
/// NPS, CSAT, three value-importance questions, a value ranking, a multiple choice and a free-text question answered
/// by a few hundred demo customers (and some anonymous visitors); and an open survey with a few invitations.
/// Answers follow each respondent's purchases: what they buy (through the products' value tags) is what they rate
/// and rank high and write about; the best customers are the most likely promoters. Every response is stored through
/// <see cref="SaveSurveyResponse"/>, so the stated evidence and the mentions are written exactly as for real ones.
/// Written once (matched by title), after the values and the research sessions.
/// </summary>
internal static class DemoSurveys
{
    public const string ClosedTitle = "What matters to you";
    public const string OpenTitle = "How was your last delivery?";
    public const int MaxResponses = 320;

    /// <summary>How much the demo's customers care about each value before their purchases speak (0..1).</summary>
    private static readonly Dictionary<string, double> Base = new(StringComparer.Ordinal)
    {
        ["quality"] = 0.85, ["craftsmanship"] = 0.55, ["sustainability"] = 0.6, ["price"] = 0.5, ["convenience"] = 0.55,
        ["service"] = 0.5, ["community"] = 0.35, ["ethics"] = 0.5, ["transparency"] = 0.4, ["health"] = 0.35,
        ["exclusivity"] = 0.25, ["innovation"] = 0.2,
    };

    /// <summary>Sentences a respondent who cares about the value might write (theme detection should find the value in each).</summary>
    private static readonly Dictionary<string, string[]> Says = new(StringComparer.Ordinal)
    {
        ["quality"] =
        [
            "The quality of the beans is the reason I keep ordering.",
            "Consistently great taste, every bag is as fresh as the last.",
            "Best espresso in town, the flavour is always spot on.",
            "Keep the quality this high and I will never switch.",
        ],
        ["craftsmanship"] =
        [
            "You can taste that it is roasted by hand in small batches.",
            "I love the craftsmanship, the roast profiles are so carefully made.",
            "Artisan roasting like this is hard to find.",
        ],
        ["sustainability"] =
        [
            "Please keep the compostable packaging, it matters to me.",
            "I would like even less plastic in the deliveries.",
            "Sustainability is why I chose you over the supermarket.",
            "Recyclable bags and eco-friendly cups make a real difference.",
        ],
        ["price"] =
        [
            "A bit expensive, a loyalty discount would help.",
            "Good value for money on the one-kilo bags.",
            "Prices went up lately and I notice it.",
            "Cheaper shipping would make me order more often.",
        ],
        ["convenience"] =
        [
            "The subscription is so convenient, coffee just arrives.",
            "Delivery is fast and easy, I never run out.",
            "Ordering on my phone could be quicker.",
            "Next-day delivery saves me a trip every week.",
        ],
        ["service"] =
        [
            "The staff are friendly and always help me choose.",
            "Great customer service when my grinder broke.",
            "Lena answered my email within the hour, excellent support.",
        ],
        ["community"] =
        [
            "The tasting evenings are the best part, I met so many neighbours.",
            "It feels like a local place where people know you.",
            "More community events please, the latte art class was great.",
        ],
        ["ethics"] =
        [
            "Fair trade and paying farmers properly matters to me.",
            "I buy here because the sourcing is ethical.",
            "Direct trade with the farmers is why I trust you.",
        ],
        ["transparency"] =
        [
            "I like knowing the farm and what you paid for the beans.",
            "The honest information on every bag is great.",
            "Transparency about origins is rare and I value it.",
        ],
        ["health"] =
        [
            "The decaf lets me enjoy coffee in the evening without sleeping badly.",
            "More caffeine-free teas please, I am cutting down for my health.",
            "Organic options matter for my health.",
        ],
        ["exclusivity"] =
        [
            "The limited seasonal lots feel special.",
            "I love getting the rare single origins before they sell out.",
        ],
        ["innovation"] =
        [
            "It would be fun to see new brewing methods and experiments.",
            "Try some new origins, I like discovering something different.",
        ],
    };

    /// <summary>Things people write that say a value does not matter to them.</summary>
    private static readonly (string Value, string Text)[] Indifferent =
    [
        ("sustainability", "I don't care about packaging, just the coffee."),
        ("price", "Price does not matter to me as long as it tastes good."),
        ("community", "Not interested in events, I just want my beans."),
        ("exclusivity", "I don't need fancy limited editions."),
    ];

    private static readonly string[] Openers =
    [
        "", "", "Overall very happy. ", "Honestly? ", "Nothing major. ", "Love you guys. ", "Mostly good. ",
    ];

    private static readonly string[] Buys = ["Coffee beans", "Tea", "Brewing equipment", "Courses and tastings", "Café visits"];

    public static async Task<long> WriteAsync(RapportDbContext db, DateTimeOffset today, int seed, int customers, CancellationToken ct)
    {
        var titles = await db.Set<Survey>().AsNoTracking().Where(s => s.Title == ClosedTitle || s.Title == OpenTitle).Select(s => s.Title).ToListAsync(ct);
        var values = await db.Set<TaxonomyValue>().AsNoTracking().Where(v => v.Status == ValueStatus.Active).ToListAsync(ct);
        if (values.Count == 0)
        {
            return 0;
        }

        var random = new Random(seed ^ 0x5eed5);
        var rows = 0L;
        if (!titles.Contains(ClosedTitle))
        {
            rows += await ClosedSurveyAsync(db, today, random, values, customers, ct);
        }

        if (!titles.Contains(OpenTitle))
        {
            rows += await OpenSurveyAsync(db, today, random, ct);
        }

        return rows;
    }

    private static async Task<long> ClosedSurveyAsync(RapportDbContext db, DateTimeOffset today, Random random, List<TaxonomyValue> values, int customers, CancellationToken ct)
    {
        var opened = today.AddDays(-75).AddHours(9);
        var closed = today.AddDays(-30).AddHours(18);
        var survey = new Survey
        {
            Title = ClosedTitle,
            Intro = "Two minutes to tell us what you care about when you buy coffee. Your answers shape what we roast, stock and change next.",
            ThankYou = "Thank you! Every answer is read by the team.",
            Status = SurveyStatus.Closed, OpenedAt = opened, ClosedAt = closed, ClosesAt = closed,
            AnonymousEnabled = true, AnonymousNonce = SurveyLinks.NewNonce(),
            CreatedAt = opened.AddDays(-3), UpdatedAt = closed,
        };
        db.Add(survey);
        await db.SaveChangesAsync(ct);
        SurveyQuestion[] questions =
        [
            Q(survey.Id, 1, "nps", SurveyQuestionKind.Nps, "How likely are you to recommend us to a friend or colleague?", required: true),
            Q(survey.Id, 2, "csat", SurveyQuestionKind.Csat, "How satisfied were you with your last purchase?", required: true),
            Q(survey.Id, 3, "imp_quality", SurveyQuestionKind.ValueImportance, "How important is the quality of the coffee to you?", valueId: Id(values, "quality")),
            Q(survey.Id, 4, "imp_sustainability", SurveyQuestionKind.ValueImportance, "How important is sustainability (packaging, sourcing) to you?", valueId: Id(values, "sustainability")),
            Q(survey.Id, 5, "imp_price", SurveyQuestionKind.ValueImportance, "How important is a low price to you?", valueId: Id(values, "price")),
            Q(survey.Id, 6, "top3", SurveyQuestionKind.ValueRanking, "Which three things matter most to you when you choose where to buy coffee?", help: "Choose and order your top three."),
            Q(survey.Id, 7, "buys", SurveyQuestionKind.MultipleChoice, "What do you buy from us?", options: string.Join('\n', Buys)),
            Q(survey.Id, 8, "improve", SurveyQuestionKind.FreeText, "What would make you recommend us more?", help: "Anything at all: products, delivery, the cafés, the way we work."),
        ];
        db.AddRange(questions.Where(q => q.ValueId is not null || q.Kind != SurveyQuestionKind.ValueImportance));
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();

        var respondents = await RespondentsAsync(db, random, Math.Min(MaxResponses, Math.Max(10, customers / 15)), ct);
        var affinities = await AffinitiesAsync(db, [.. respondents.Select(r => r.Id)], values, ct);
        var mentions = new MentionIndexer(db, new Research.Themes.GetBusinessTaxonomy(new ListValues(db)), [], new DetectionCache());
        // No stage or segment handlers: the analytics run after the demo places every customer.
        var save = new SaveSurveyResponse(db, mentions, new CustomerChanges([], db, TimeProvider.System));
        var rows = 1L + questions.Length;
        var window = (closed - opened).TotalMinutes;
        var anonymous = respondents.Count / 6;
        for (var i = 0; i < respondents.Count + anonymous; i++)
        {
            var known = i < respondents.Count ? respondents[i] : null;
            var care = Care(known is null ? null : affinities.GetValueOrDefault(known.Id), random);
            var at = opened.AddMinutes(Math.Pow(random.NextDouble(), 2.2) * window); // most answers come in the first days
            long? invitation = null;
            if (known is not null)
            {
                var row = new SurveyInvitation { SurveyId = survey.Id, CustomerId = known.Id, Nonce = SurveyLinks.NewNonce(), CreatedAt = opened, ExpiresAt = closed };
                db.Add(row);
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
                invitation = row.Id;
                rows++;
            }

            var answers = Answers(random, care, known?.Top ?? false, values);
            var saved = await save.HandleAsync(new ResponseToSave(survey.Id, null, known?.Id, invitation, SurveyResponseSource.Web, null, at, answers), ct);
            if (saved.IsOk)
            {
                rows += 1 + answers.Count;
            }
        }

        return rows;
    }

    private static async Task<long> OpenSurveyAsync(RapportDbContext db, DateTimeOffset today, Random random, CancellationToken ct)
    {
        var opened = today.AddDays(-4).AddHours(9);
        var survey = new Survey
        {
            Title = OpenTitle,
            Intro = "A quick check on your most recent delivery.",
            ThankYou = "Thanks! If something went wrong, we will be in touch.",
            Status = SurveyStatus.Open, OpenedAt = opened, ClosesAt = today.AddDays(26),
            AnonymousEnabled = false, AnonymousNonce = SurveyLinks.NewNonce(), CreatedAt = opened.AddDays(-1), UpdatedAt = opened,
        };
        db.Add(survey);
        await db.SaveChangesAsync(ct);
        db.AddRange(
            Q(survey.Id, 1, "csat", SurveyQuestionKind.Csat, "How satisfied are you with your last delivery?", required: true),
            Q(survey.Id, 2, "on_time", SurveyQuestionKind.SingleChoice, "Did it arrive when we said it would?", options: "Yes\nA day late\nMore than a day late"),
            Q(survey.Id, 3, "comment", SurveyQuestionKind.FreeText, "Anything we should know?"));
        var invited = await RespondentsAsync(db, random, 8, ct);
        foreach (var customer in invited)
        {
            db.Add(new SurveyInvitation { SurveyId = survey.Id, CustomerId = customer.Id, Nonce = SurveyLinks.NewNonce(), CreatedAt = opened, ExpiresAt = survey.ClosesAt });
        }

        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return 4L + invited.Count;
    }

    private sealed record Respondent(long Id, bool Top);

    /// <summary>Customers who bought something, drawn at random; the top fifth by revenue are marked (likelier promoters).</summary>
    private static async Task<List<Respondent>> RespondentsAsync(RapportDbContext db, Random random, int count, CancellationToken ct)
    {
        var buyers = await db.Set<CustomerMetrics>().AsNoTracking()
            .Where(m => m.Revenue > 0)
            .OrderBy(m => m.CustomerId)
            .Select(m => new { m.CustomerId, m.Revenue })
            .Take(50_000)
            .ToListAsync(ct);
        if (buyers.Count == 0)
        {
            return [];
        }

        var threshold = buyers.Select(b => b.Revenue).OrderByDescending(r => r).ElementAt(Math.Max(0, buyers.Count / 5 - 1));
        return [.. buyers.OrderBy(_ => random.Next()).Take(count).Select(b => new Respondent(b.CustomerId, b.Revenue >= threshold))];
    }

    /// <summary>Per respondent, how strongly their purchases lean to each value (0..1, through the products' value tags).</summary>
    private static async Task<Dictionary<long, Dictionary<string, double>>> AffinitiesAsync(RapportDbContext db, List<long> ids, List<TaxonomyValue> values, CancellationToken ct)
    {
        var keys = values.ToDictionary(v => v.Id, v => v.Key);
        var rows = await (
            from l in db.TransactionLines.AsNoTracking()
            where ids.Contains(l.CustomerId) && l.ProductId != null
            join pv in db.ProductValues.AsNoTracking() on l.ProductId equals pv.ProductId
            group pv by new { l.CustomerId, pv.ValueId } into g
            select new { g.Key.CustomerId, g.Key.ValueId, Weight = g.Sum(x => x.Strength) }).ToListAsync(ct);
        var result = new Dictionary<long, Dictionary<string, double>>();
        foreach (var customer in rows.GroupBy(r => r.CustomerId))
        {
            var max = (double)customer.Max(r => r.Weight);
            result[customer.Key] = customer.Where(r => keys.ContainsKey(r.ValueId)).ToDictionary(r => keys[r.ValueId], r => r.Weight / max, StringComparer.Ordinal);
        }

        return result;
    }

    /// <summary>How much this respondent cares about each value: the business-wide base, pulled up by what they buy, plus noise.</summary>
    private static Dictionary<string, double> Care(Dictionary<string, double>? bought, Random random)
    {
        var care = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (key, b) in Base)
        {
            var lean = bought?.GetValueOrDefault(key) ?? 0;
            care[key] = Math.Clamp(0.55 * b + 0.45 * lean + (random.NextDouble() - 0.5) * 0.5, 0, 1);
        }

        return care;
    }

    private static Dictionary<string, SurveyAnswerInput> Answers(Random random, Dictionary<string, double> care, bool top, List<TaxonomyValue> values)
    {
        var mood = Math.Clamp((top ? 0.72 : 0.55) + (random.NextDouble() - 0.4) * 0.7, 0, 1);
        var answers = new Dictionary<string, SurveyAnswerInput>(StringComparer.Ordinal)
        {
            ["nps"] = new(Number: (int)Math.Round(mood * 10)),
            ["csat"] = new(Number: Math.Clamp((int)Math.Round(1 + mood * 4 + (random.NextDouble() - 0.5)), 1, 5)),
        };
        foreach (var key in new[] { "quality", "sustainability", "price" })
        {
            if (random.NextDouble() < 0.93 && values.Any(v => v.Key == key))
            {
                answers["imp_" + key] = new(Number: Math.Clamp((int)Math.Round(1 + care[key] * 4), 1, 5));
            }
        }

        var ranked = care.Where(c => values.Any(v => v.Key == c.Key))
            .OrderByDescending(c => c.Value + random.NextDouble() * 0.15).Take(3).Select(c => c.Key).ToList();
        if (random.NextDouble() < 0.88)
        {
            answers["top3"] = new(Choices: [.. ranked]);
        }

        var buys = new List<string?> { Buys[0] };
        if (care["health"] > 0.45 || random.NextDouble() < 0.2)
        {
            buys.Add(Buys[1]);
        }

        if (care["quality"] > 0.8 && random.NextDouble() < 0.4)
        {
            buys.Add(Buys[2]);
        }

        if (care["community"] > 0.45)
        {
            buys.Add(Buys[3]);
        }

        if (random.NextDouble() < 0.5)
        {
            buys.Add(Buys[4]);
        }
        answers["buys"] = new(Choices: buys);

        if (random.NextDouble() < 0.72)
        {
            var text = Openers[random.Next(Openers.Length)];
            var first = Says[ranked[0]];
            text += first[random.Next(first.Length)];
            if (random.NextDouble() < 0.55)
            {
                var second = Says[ranked[random.Next(1, ranked.Count)]];
                text += " " + second[random.Next(second.Length)];
            }

            var indifferent = Indifferent.Where(n => care[n.Value] < 0.3).ToList();
            if (indifferent.Count > 0 && random.NextDouble() < 0.5)
            {
                text += " " + indifferent[random.Next(indifferent.Count)].Text;
            }

            answers["improve"] = new(Text: text.Trim());
        }

        return answers;
    }

    private static long? Id(List<TaxonomyValue> values, string key) => values.FirstOrDefault(v => v.Key == key)?.Id;

    private static SurveyQuestion Q(long surveyId, int position, string key, SurveyQuestionKind kind, string prompt,
        bool required = false, long? valueId = null, string? options = null, string? help = null) => new()
    {
        SurveyId = surveyId, Position = position, Key = key, Kind = kind, Prompt = prompt, Required = required,
        ValueId = valueId, Options = options, HelpText = help,
    };
}
