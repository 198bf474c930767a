using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Common;
using Rapport.Data;
using Rapport.Segments;

namespace Rapport.Tests.Segments;

/// <summary>
/// The in-memory matcher that follows one customer's change agrees with the SQL compiler on the same database: over
/// the hand-made customers A–E and hundreds of random rule trees (seeded), every answer the matcher gives (true or
/// false) is SQL's; it says "unknown" only for what it leaves to SQL, never for plain profile, metric, tag, custom
/// field, segment or purchase-summary rules over ASCII text. The column-wise index that serves previews
/// (<see cref="SegmentIndex"/>) agrees too, wherever it answers.
/// </summary>
public sealed class SegmentMatcherTests(SegmentDataFactory app) : IClassFixture<SegmentDataFactory>
{
    [Fact]
    public async Task Matcher_agrees_with_sql_on_random_trees()
    {
        await app.SeedAsync();
        var random = new Random(20261206);
        var trees = Enumerable.Range(0, 400).Select(_ => Tree(random, 0)).ToList();
        var checkedAnswers = 0;
        var indexed = 0;
        var unknown = 0;
        await app.WithScopeAsync<bool>(async sp =>
        {
            var db = sp.GetRequiredService<RapportDbContext>();
            var engine = sp.GetRequiredService<SegmentEngine>();
            var catalogue = await SegmentFieldCatalogue.LoadAsync(db, CancellationToken.None);
            var definitions = await engine.DefinitionsAsync(CancellationToken.None);
            var postgres = db.Database.IsNpgsql();
            var connection = db.Database.GetDbConnection();
            await db.Database.OpenConnectionAsync();
            var everyone = app.Ids.Values.ToList();
            var facts = await CustomerFactsLoader.LoadAsync(connection, null, postgres, everyone, (FactNeeds)31, CancellationToken.None);
            facts.Keys.Should().BeEquivalentTo(everyone);
            var matcher = new SegmentMatcher(postgres, app.Clock.GetUtcNow(), definitions.DynamicRules);
            var snapshot = await SegmentSnapshot.LoadAsync(db, app.Clock.GetUtcNow(), CancellationToken.None);
            snapshot.Count.Should().Be(everyone.Count);
            foreach (var json in trees)
            {
                using var document = JsonDocument.Parse(json);
                var errors = new FieldErrors();
                var rules = RuleParser.Parse(document.RootElement, catalogue, errors);
                if (rules is null || errors.Any)
                {
                    continue;
                }

                var bySql = (await engine.SampleAsync(rules, definitions, 1000, CancellationToken.None)).Select(m => m.Id).ToHashSet();
                if (new SnapshotEvaluator(snapshot, app.Clock.GetUtcNow(), definitions.DynamicRules).Evaluate(rules) is { } found)
                {
                    var (yes, maybe) = found;
                    indexed++;
                    for (var p = 0; p < snapshot.Count; p++)
                    {
                        var bit = 1UL << (p & 63);
                        if ((maybe[p >> 6] & bit) == 0)
                        {
                            ((yes[p >> 6] & bit) != 0).Should().Be(bySql.Contains(snapshot.Ids[p]), $"the index on {json} for customer {snapshot.Ids[p]}");
                        }
                    }
                }

                foreach (var (name, id) in app.Ids)
                {
                    var truth = matcher.Evaluate(rules, facts[id]);
                    if (truth == Truth.Unknown)
                    {
                        unknown++;
                        Decidable(rules, name).Should().BeFalse($"the matcher should decide {json} for {name}");
                        continue;
                    }

                    (truth == Truth.True).Should().Be(bySql.Contains(id), $"{json} for {name} ({(postgres ? "PostgreSQL" : "SQLite")})");
                    checkedAnswers++;
                }
            }

            return true;
        });

        checkedAnswers.Should().BeGreaterThan(1000);
        unknown.Should().BeLessThan(checkedAnswers / 2);
        indexed.Should().BeGreaterThan(100);
    }

    /// <summary>Trees the matcher must decide: nothing it leaves to SQL, and no non-ASCII text field for Chloé.</summary>
    private static bool Decidable(RuleNode rules, string customer) => RuleTrees.Descendants(rules).All(n => n switch
    {
        ConditionNode c => c.Field.Source is not (FieldSource.SurveyChoice or FieldSource.SurveyNumber or FieldSource.NpsGroup or FieldSource.NpsScore)
                           && !(c.Field.Source is FieldSource.Company or FieldSource.Owner && c.Values.Any(v => v is string))
                           && !(c.Field.Source == FieldSource.CustomField && c.Field.Type == FieldType.Date)
                           && !(c.Values.Any(v => v is string t && t.Any(ch => ch > 0x7F)) && c.Field.Type is FieldType.String or FieldType.Enum)
                           && !(customer == "C" && c.Field.Key is "firstName" && c.Op != RuleOp.Exists),
        PurchasedNode p => !(p.WithinDays is not null && (p.MinCount > 1 || p.MinAmount is not null)) && !(p.Sku is not null && p.Category is not null),
        InteractedNode i => i.Channel is null && i.Type is null && i.Direction is null && (i.WithinDays is null || i.MinCount == 1),
        _ => true,
    });

    private static readonly string[] Texts = ["ada", "Ada", "paris", "LYON", "fr", "FR", "de", "o'", "%", "n_w", "EXAMPLE", "Chloé", "zhao", "gold", "x' OR '1'='1", ""];
    private static readonly decimal[] Numbers = [0, 0.3m, 0.5m, 0.9m, 1, 2, 3, 4, 5, 10, 20, 30, 38, 40, 42, 80, 100, 300, 400, 900];
    private static readonly int[] Days = [0, 1, 3, 5, 10, 11, 20, 30, 40, 45, 100, 200, 365];
    private static readonly string[] Dates = ["2025-05-01", "2025-06-01", "2026-06-15", "2026-06-14", "2026-06-16"];
    private static readonly string[] Stages = ["prospecting", "consideration", "purchase", "connection", "loyalty"];

    private static readonly string[] Pool0 = ["vip", "VIP", "newsletter", "none"];
    private static readonly string[] Pool1 = ["champions", "loyal", "at_risk", "lost"];
    private static readonly string[] Pool2 = ["promoter", "passive", "detractor"];
    private static readonly string[] Pool3 = ["ESP-1", "TEA-1", "MUG-1", "GIFT-CARD"];
    private static readonly string[] Pool4 = ["coffee", "tea", "gear", "Tea"];
    private static readonly int[] Pool5 = [5, 10, 15, 30, 45, 200, 365];
    private static readonly int[] Pool6 = [5, 10, 50, 60, 81];
    private static readonly int[] Pool7 = [2, 3, 10, 60];

    private static readonly (string Field, string Kind)[] Fields =
    [
        ("firstName", "text"), ("lastName", "text"), ("email", "text"), ("city", "text"), ("country", "text"), ("language", "text"), ("source", "text"),
        ("createdAt", "date"), ("daysSinceCreated", "days"), ("tag", "tag"), ("company", "company"), ("owner", "owner"), ("stage", "stage"),
        ("daysInStage", "days"), ("revenue", "number"), ("purchaseCount", "number"), ("daysSinceLastPurchase", "days"), ("daysSinceFirstPurchase", "days"),
        ("rfmSegment", "rfm"), ("recencyScore", "number"), ("clv", "number"), ("pAlive", "number"), ("expectedPurchases", "number"),
        ("interactionCount", "number"), ("daysSinceLastInteraction", "days"), ("custom.shoe_size", "number"), ("custom.newsletter", "bool"),
        ("custom.plan", "text"), ("custom.note", "text"), ("custom.vip_since", "date"), ("npsGroup", "nps"), ("alignment", "number"),
    ];

    private static string Tree(Random random, int depth)
    {
        var roll = random.Next(depth >= 3 ? 7 : 10);
        if (roll >= 7)
        {
            var children = Enumerable.Range(0, random.Next(0, 4)).Select(_ => Tree(random, depth + 1));
            return roll switch
            {
                7 => $$"""{"all":[{{string.Join(",", children)}}]}""",
                8 => $$"""{"any":[{{string.Join(",", children)}}]}""",
                _ => $$"""{"not":{{Tree(random, depth + 1)}}}""",
            };
        }

        return roll switch
        {
            5 => Purchased(random),
            6 => Interacted(random),
            _ => Condition(random),
        };
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static string Q(string s) => JsonSerializer.Serialize(s);

    private static string N(decimal d) => d.ToString(CultureInfo.InvariantCulture);

    private static string Condition(Random random)
    {
        var (field, kind) = Pick(random, Fields);
        string[] ops = kind switch
        {
            "text" => ["eq", "neq", "in", "contains", "exists"],
            "number" => ["eq", "neq", "in", "gt", "gte", "lt", "lte", "between", "exists"],
            "days" or "date" => ["eq", "neq", "gt", "gte", "lt", "lte", "between", "exists"],
            "stage" => ["eq", "neq", "in", "gt", "gte", "lt", "lte", "between"],
            "bool" => ["eq", "neq", "exists"],
            _ => ["eq", "neq", "in", "exists"],
        };
        var op = Pick(random, ops);
        string One() => kind switch
        {
            "text" => Q(Pick(random, Texts)),
            "number" => N(Pick(random, Numbers)),
            "days" => Pick(random, Days).ToString(CultureInfo.InvariantCulture),
            "date" => Q(Pick(random, Dates)),
            "stage" => Q(Pick(random, Stages)),
            "bool" => random.Next(2) == 0 ? "true" : "false",
            "tag" => Q(Pick(random, Pool0)),
            "rfm" => Q(Pick(random, Pool1)),
            "nps" => Q(Pick(random, Pool2)),
            "company" => random.Next(2) == 0 ? "1" : Q("acme"),
            "owner" => random.Next(3) == 0 ? Q("nobody@example.com") : "1",
            _ => "1",
        };
        var value = op switch
        {
            "exists" => "",
            "in" => $",\"value\":[{One()},{One()}]",
            "between" => $",\"value\":[{One()},{One()}]",
            _ => $",\"value\":{One()}",
        };
        return $$"""{"field":{{Q(field)}},"op":{{Q(op)}}{{value}}}""";
    }

    private static string Purchased(Random random)
    {
        var parts = new List<string>();
        if (random.Next(3) > 0)
        {
            parts.Add(random.Next(3) == 0 ? $"\"sku\":{Q(Pick(random, Pool3))}" : $"\"category\":{Q(Pick(random, Pool4))}");
        }

        if (random.Next(2) == 0)
        {
            parts.Add($"\"withinDays\":{Pick(random, Pool5)}");
        }

        if (random.Next(3) == 0)
        {
            parts.Add($"\"minCount\":{random.Next(1, 4)}");
        }

        if (random.Next(3) == 0)
        {
            parts.Add($"\"minAmount\":{Pick(random, Pool6)}");
        }

        return "{\"purchased\":{" + string.Join(",", parts) + "}}";
    }

    private static string Interacted(Random random)
    {
        var parts = new List<string>();
        if (random.Next(3) == 0)
        {
            parts.Add("\"channel\":\"email\"");
        }

        if (random.Next(2) == 0)
        {
            parts.Add($"\"withinDays\":{Pick(random, Pool7)}");
        }

        if (random.Next(3) == 0)
        {
            parts.Add($"\"minCount\":{random.Next(1, 3)}");
        }

        var sb = new StringBuilder("{\"interacted\":{").AppendJoin(",", parts).Append("}}");
        return sb.ToString();
    }
}

/// <summary>
/// Previews through the column-wise index: the same counts and samples as SQL, and current after a change made since
/// the index was built (the changed customer is re-read), until an analytics run sends previews back to SQL.
/// </summary>
public sealed class SegmentIndexTests(SegmentDataFactory app) : IClassFixture<SegmentDataFactory>
{
    [Theory]
    [InlineData("""{"field":"country","op":"in","value":["fr","de"]}""")]
    [InlineData("""{"all":[{"field":"tag","op":"eq","value":"vip"},{"field":"revenue","op":"gte","value":80}]}""")]
    [InlineData("""{"any":[{"purchased":{"category":"tea","withinDays":30}},{"field":"stage","op":"gte","value":"connection"}]}""")]
    [InlineData("""{"not":{"field":"daysSinceLastPurchase","op":"lte","value":10}}""")]
    [InlineData("""{"all":[{"field":"rfmSegment","op":"neq","value":"champions"},{"field":"pAlive","op":"lt","value":0.5}]}""")]
    [InlineData("""{"purchased":{"sku":"ESP-1","minAmount":60}}""")]
    public async Task Index_counts_match_sql_and_follow_changes(string rules)
    {
        await app.SeedAsync();
        var admin = app.ClientAs(Rapport.Identity.Role.Admin);
        var (sqlCount, sqlSample) = await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<RapportDbContext>();
            var engine = sp.GetRequiredService<SegmentEngine>();
            var node = Parse(rules, await SegmentFieldCatalogue.LoadAsync(db, CancellationToken.None));
            var definitions = await engine.DefinitionsAsync(CancellationToken.None);
            var all = await engine.SampleAsync(node, definitions, 1000, CancellationToken.None);
            return (all.Count, all.Select(m => m.Id).Take(10).ToList());
        });

        var index = app.Services.GetRequiredService<SegmentIndex>();
        await index.BuildAsync(CancellationToken.None);
        var (count, sample) = await TryAsync(rules);
        count.Should().Be(sqlCount, rules);
        sample.Should().Equal(sqlSample, rules);

        // Change a customer after the build: the index re-reads them.
        var e = app.Ids["E"];
        var current = await admin.GetAsync($"/api/v1/customers/{e}");
        var patched = await SegmentKit.PatchAsync(admin, $"/api/v1/customers/{e}", """{"tags":["vip"],"country":"FR"}""", current.Headers.ETag!.Tag);
        patched.StatusCode.Should().Be(System.Net.HttpStatusCode.OK, await patched.Content.ReadAsStringAsync());
        var after = await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<RapportDbContext>();
            var engine = sp.GetRequiredService<SegmentEngine>();
            var node = Parse(rules, await SegmentFieldCatalogue.LoadAsync(db, CancellationToken.None));
            return (await engine.SampleAsync(node, await engine.DefinitionsAsync(CancellationToken.None), 1000, CancellationToken.None)).Count;
        });
        (await TryAsync(rules)).Count.Should().Be(after, rules);
    }

    private async Task<(long Count, List<long> Sample)> TryAsync(string rules) => await app.WithScopeAsync(async sp =>
    {
        var db = sp.GetRequiredService<RapportDbContext>();
        var engine = sp.GetRequiredService<SegmentEngine>();
        var node = Parse(rules, await SegmentFieldCatalogue.LoadAsync(db, CancellationToken.None));
        await db.Database.OpenConnectionAsync();
        var hit = await sp.GetRequiredService<SegmentIndex>().TryCountAsync(node, await engine.DefinitionsAsync(CancellationToken.None), db.Database.GetDbConnection(), null,
            db.Database.IsNpgsql(), app.Clock.GetUtcNow(), 10, CancellationToken.None);
        hit.Should().NotBeNull($"the index answers {rules}");
        return hit!.Value;
    });

    private static RuleNode Parse(string json, SegmentFieldCatalogue catalogue)
    {
        using var document = JsonDocument.Parse(json);
        var errors = new FieldErrors();
        var node = RuleParser.Parse(document.RootElement, catalogue, errors);
        errors.Any.Should().BeFalse();
        return node!;
    }
}

/// <summary>The purchase summary kept row by row after each transaction equals a full rebuild.</summary>
public sealed class PurchaseFactsTests(SegmentDataFactory app) : IClassFixture<SegmentDataFactory>
{
    [Fact]
    public async Task Incremental_summary_equals_a_full_rebuild()
    {
        await app.SeedAsync();
        await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<RapportDbContext>();
            await db.Database.OpenConnectionAsync();
            var connection = db.Database.GetDbConnection();
            const string rows = "SELECT customer_id, kind, key, first_at, last_at, purchase_count, amount FROM customer_purchase_facts ORDER BY customer_id, kind, key";
            string Text(IEnumerable<dynamic> list) => string.Join("\n", list.Select(r => string.Join("|", ((IDictionary<string, object>)r).Values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)))));
            var incremental = Text(await Dapper.SqlMapper.QueryAsync(connection, rows));
            incremental.Should().NotBeEmpty();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await sp.GetRequiredService<PurchaseFacts>().RebuildAllAsync(CancellationToken.None);
            var rebuilt = Text(await Dapper.SqlMapper.QueryAsync(connection, rows, transaction: transaction.GetDbTransaction()));
            await transaction.RollbackAsync();
            incremental.Should().Be(rebuilt);
            return true;
        });
    }
}
